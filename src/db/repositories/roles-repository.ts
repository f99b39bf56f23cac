import { and, eq } from 'drizzle-orm';
import type { RoleGrant, RolesRepository } from '../../core/ports.js';
import type { Role } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { roles } from '../schema/index.js';

export function createRolesRepository(s: DbSession): RolesRepository {
  const replace = async (source: string, grants: RoleGrant[]) => {
    await s.orm.delete(roles).where(eq(roles.source, source));
    if (grants.length === 0) return;
    // A grant already held from another source stays as it is (one row per grant).
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
    async rolesOf(platform, userId) {
      const rows = await s.orm
        .select({ communityId: roles.communityId, role: roles.role })
        .from(roles)
        .where(and(eq(roles.platform, platform), eq(roles.platformUserId, userId)));
      return rows.map((r) => ({ communityId: r.communityId, role: r.role as Role }));
    },
  };
}
