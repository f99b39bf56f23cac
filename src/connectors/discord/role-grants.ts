/**
 * Discord roles as Jamii roles: members holding a configured manager (or admin) role id, or,
 * when enabled, the Manage Server permission, manage the community of the channel they act in.
 * Discord sends the member's roles and permissions with every interaction, so grants are
 * refreshed right before each one is dispatched: a role given works at once, a role taken away
 * stops working at the next press. The grants form one source (`discord-roles`), replaced whole.
 */
import type { CommunityDirectory } from '../../core/communities.js';
import type { Logger, RoleGrant, Store } from '../../core/ports.js';
import type { ChatRef, Invoker, Role } from '../../core/types.js';

export const DISCORD_ROLES_SOURCE = 'discord-roles';
/** The Manage Server (MANAGE_GUILD) permission bit. */
const MANAGE_GUILD = 1n << 5n;

export interface DiscordRoleSettings {
  managerRoleIds: string[];
  adminRoleIds: string[];
  manageServerIsManager: boolean;
}

export interface RoleGrants {
  /** Brings the invoker's grant in line with the roles Discord just reported. */
  observe(invoker: Invoker, roleIds: string[], permissions: string | null, channel: ChatRef | null): Promise<void>;
}

export function createRoleGrants(deps: { settings: DiscordRoleSettings; store: Store; communities: CommunityDirectory; log: Logger }): RoleGrants {
  const { settings, store, communities, log } = deps;
  const managers = new Set(settings.managerRoleIds);
  const admins = new Set(settings.adminRoleIds);
  const enabled = managers.size > 0 || admins.size > 0 || settings.manageServerIsManager;
  const held = new Map<string, RoleGrant>();
  let chain: Promise<void> = Promise.resolve();

  const roleFrom = (roleIds: string[], permissions: string | null): Role | null => {
    if (roleIds.some((r) => admins.has(r))) return 'admin';
    if (roleIds.some((r) => managers.has(r))) return 'manager';
    if (settings.manageServerIsManager && permissions && /^\d+$/.test(permissions) && (BigInt(permissions) & MANAGE_GUILD) !== 0n) return 'manager';
    return null;
  };

  return {
    observe(invoker, roleIds, permissions, channel) {
      if (!enabled) return Promise.resolve();
      const communityId = channel ? (communities.deskOf('discord', channel.chatId)?.id ?? communities.communityOf('discord', channel.chatId)) : null;
      if (!communityId) return Promise.resolve();
      const key = `${communityId}:${invoker.userId}`;
      const role = roleFrom(roleIds, permissions);
      const before = held.get(key);
      if (before?.role === role || (!before && role === null)) return Promise.resolve();
      if (role) held.set(key, { communityId, platform: 'discord', userId: invoker.userId, role });
      else held.delete(key);
      // Serialized: each sync writes the whole source as it stands.
      chain = chain.then(async () => {
        await store.roles.syncSource(DISCORD_ROLES_SOURCE, [...held.values()]);
        log.info({ user: invoker.userId, community: communityId, role }, 'discord.role_synced');
      });
      return chain;
    },
  };
}
