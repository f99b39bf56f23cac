import { and, eq } from 'drizzle-orm';
import type { RoleGrant, RolesRepository } from '../../core/ports.js';
import type { Role } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { roles } from '../schema/index.js';

export function createRolesRepository(s: DbSession): RolesRepository {
  const replace = async (source: string, grants: RoleGrant[]) => {
    await s.orm.delete(roles).where(eq(roles.source, source));
    if (grants.length === 0) return;
    // One row per grant and source: a grant held from two sources survives either one dropping it.
    await s.orm
      .insert(roles)
      .values(grants.map((g) => ({ communityId: g.communityId, platform: g.platform, platformUserId: g.userId, role: g.role, source })))
      .onConflictDoNothing();
  };
  return {
    async syncConfigured(grants) {
      await replace('config', grants);
    },
    async syncSource(source, grants) {
      if (source === 'config') throw new Error('configured grants are synced with syncConfigured');
      await replace(source, grants);
    },
    async setGrant(source, who, role) {
      if (source === 'config') throw new Error('configured grants are synced with syncConfigured');
      // One statement: the person's other role from this source goes, this one is kept or added.
      await s.sql.executeSql(
        `with gone as (
           delete from roles
            where source = $1 and community_id = $2 and platform = $3 and platform_user_id = $4 and role is distinct from $5::text
         )
         insert into roles (community_id, platform, platform_user_id, role, source)
         select $2, $3, $4, $5::text, $1 where $5::text is not null
         on conflict (community_id, platform, platform_user_id, role, source) do nothing`,
        [source, who.communityId, who.platform, who.userId, role],
      );
    },
    async clearGrants(source, platform, userId) {
      if (source === 'config') throw new Error('configured grants are synced with syncConfigured');
      await s.orm.delete(roles).where(and(eq(roles.source, source), eq(roles.platform, platform), eq(roles.platformUserId, userId)));
    },
    async rolesOf(platform, userId) {
      const rows = await s.orm
        .selectDistinct({ communityId: roles.communityId, role: roles.role })
        .from(roles)
        .where(and(eq(roles.platform, platform), eq(roles.platformUserId, userId)));
      return rows.map((r) => ({ communityId: r.communityId, role: r.role as Role }));
    },
  };
}
