/**
 * Slack user groups as Jamii roles: members of the configured manager (or admin) user group
 * manage the community of the channel they act in, when a community lists that channel (as its
 * desk or one of its chats). The group's members are read with usergroups.users.list (cached
 * briefly) right before each interaction is dispatched, so a member added to the group works at
 * once and one removed stops at the next press after the cache expires, also after a restart.
 * The grants form one source (`slack-groups`), one row per person and community.
 */
import type { webApi } from '@slack/bolt';
import type { CommunityDirectory } from '../../core/communities.js';
import type { Logger, Store } from '../../core/ports.js';
import { createGrantWriter } from '../role-grant-writer.js';
import type { ChatRef, Invoker, Role } from '../../core/types.js';
import { describeSlackError } from './errors.js';

export const SLACK_GROUPS_SOURCE = 'slack-groups';
/** How long a user group's member list is trusted. */
export const SLACK_GROUP_CACHE_MS = 60_000;

export interface SlackGroupSettings {
  managerGroupId: string | undefined;
  adminGroupId: string | undefined;
}

export interface SlackRoleGrants {
  /** Brings the invoker's grant in line with the user groups they are in. */
  observe(invoker: Invoker, channel: ChatRef | null): Promise<void>;
}

export function createSlackRoleGrants(deps: { settings: SlackGroupSettings; client: webApi.WebClient; store: Store; communities: CommunityDirectory; log: Logger; now?: () => number }): SlackRoleGrants {
  const { settings, client, store, communities, log } = deps;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; users: Set<string> }>();
  const grants = createGrantWriter({ source: SLACK_GROUPS_SOURCE, platform: 'slack', unlisted: 'clears-without-role', store, communities, log });

  const membersOf = async (group: string): Promise<Set<string>> => {
    const cached = cache.get(group);
    if (cached && now() - cached.at < SLACK_GROUP_CACHE_MS) return cached.users;
    const { users } = await client.usergroups.users.list({ usergroup: group });
    const set = new Set(users ?? []);
    cache.set(group, { at: now(), users: set });
    return set;
  };

  const roleOf = async (user: string): Promise<Role | null> => {
    if (settings.adminGroupId && (await membersOf(settings.adminGroupId)).has(user)) return 'admin';
    if (settings.managerGroupId && (await membersOf(settings.managerGroupId)).has(user)) return 'manager';
    return null;
  };

  return {
    async observe(invoker, channel) {
      if ((!settings.managerGroupId && !settings.adminGroupId) || !channel) return;
      let role: Role | null;
      try {
        role = await roleOf(invoker.userId);
      } catch (error) {
        // The configured grants still apply; the group's ones wait for the next interaction.
        log.warn({ why: describeSlackError(error) }, 'slack.group_lookup_failed');
        return;
      }
      await grants.write(invoker.userId, channel.chatId, role);
    },
  };
}
