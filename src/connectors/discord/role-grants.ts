/**
 * Discord roles as Jamii roles: members holding a configured manager (or admin) role id, or,
 * when enabled, the Manage Server permission, manage the community of the channel they act in,
 * when a community lists that channel (as its desk or one of its chats). Discord sends the
 * member's roles and permissions with every interaction, so a person's grant is written right
 * before each one is dispatched: a role given works at once, a role taken away stops working at
 * the next press, also after a restart. The grants form one source (`discord-roles`), one row
 * per person and community.
 */
import type { CommunityDirectory } from '../../core/communities.js';
import type { Logger, Store } from '../../core/ports.js';
import { createGrantWriter } from '../role-grant-writer.js';
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
  const grants = createGrantWriter({ source: DISCORD_ROLES_SOURCE, platform: 'discord', unlisted: 'clears', store, communities, log });

  const roleFrom = (roleIds: string[], permissions: string | null): Role | null => {
    if (roleIds.some((r) => admins.has(r))) return 'admin';
    if (roleIds.some((r) => managers.has(r))) return 'manager';
    if (settings.manageServerIsManager && permissions && /^\d+$/.test(permissions) && (BigInt(permissions) & MANAGE_GUILD) !== 0n) return 'manager';
    return null;
  };

  return {
    async observe(invoker, roleIds, permissions, channel) {
      if (!enabled || !channel) return;
      await grants.write(invoker.userId, channel.chatId, roleFrom(roleIds, permissions));
    },
  };
}
