import { and, eq } from 'drizzle-orm';
import type { RolesRepository } from '../../core/ports.js';
import type { Role } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { roles } from '../schema/index.js';

export function createRolesRepository(s: DbSession): RolesRepository {
  return {
    async syncConfigured(grants) {
      await s.orm.delete(roles).where(eq(roles.source, 'config'));
      if (grants.length === 0) return;
      await s.orm
        .insert(roles)
        .values(grants.map((g) => ({ communityId: g.communityId, platform: g.platform, platformUserId: g.userId, role: g.role, source: 'config' })))
        .onConflictDoNothing();
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
