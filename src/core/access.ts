import { JamiiError } from './errors.js';
import type { AuditRepository, RolesRepository } from './ports.js';
import { principalKey, type Invoker, type Role } from './types.js';

/** Roles an invoker holds, by community. admin includes manager. */
export type RoleMap = Map<string, Role>;

export interface Access {
  rolesOf(invoker: Invoker): Promise<RoleMap>;
  /** Communities where the invoker holds at least `role`. */
  communitiesWith(roles: RoleMap, role: Role): string[];
  /**
   * Throws `not_a_manager` / `not_an_admin` (and audits the refusal) unless the invoker holds
   * `role` in `communityId`.
   */
  require(invoker: Invoker, communityId: string, role: Role, attempt: { action: string; subject: string }): Promise<void>;
}

export function holds(held: Role | undefined, needed: Role): boolean {
  if (!held) return false;
  return needed === 'manager' ? true : held === 'admin';
}

export function createAccess(deps: { roles: RolesRepository; audit: AuditRepository }): Access {
  const rolesOf = async (invoker: Invoker): Promise<RoleMap> => {
    const grants = await deps.roles.rolesOf(invoker.platform, invoker.userId);
    const map: RoleMap = new Map();
    for (const g of grants) {
      if (g.role === 'admin') map.set(g.communityId, 'admin');
      else if (!map.has(g.communityId)) map.set(g.communityId, 'manager');
    }
    return map;
  };
  return {
    rolesOf,
    communitiesWith: (roles, role) => [...roles.entries()].filter(([, r]) => holds(r, role)).map(([id]) => id),
    async require(invoker, communityId, role, attempt) {
      const roles = await rolesOf(invoker);
      if (holds(roles.get(communityId), role)) return;
      await deps.audit.write({
        communityId,
        actor: principalKey(invoker),
        action: 'access.refused',
        subject: attempt.subject,
        details: { attempted: attempt.action, needed: role, displayName: invoker.displayName },
      });
      throw new JamiiError(role === 'admin' ? 'not_an_admin' : 'not_a_manager');
    },
  };
}
