/**
 * One person's role from a platform source (Discord roles, Slack user groups), written as it was
 * just read, right before their interaction is dispatched.
 *
 * - A role counts only in a chat a community lists itself (its desk or one of its chats): a chat
 *   no community lists falls to the default community, and anyone can add the bot to a server
 *   of their own, where they hold every permission. A desk several communities share grants in
 *   each of them.
 * - What was read in a chat no community lists grants nothing, and it can take a grant away:
 *   a stored grant counts wherever the person acts next, so a role taken away must not survive
 *   because its holder now acts somewhere unlisted (a DM, another server). `unlisted` says how:
 *   `clears` (Discord: roles read in another server say nothing about the community's, so every
 *   grant of this source goes), or `clears-without-role` (Slack: user groups span the workspace,
 *   so only a person who lost the group loses the grants).
 * - Every interaction writes (RolesRepository.setGrant, one idempotent statement per community):
 *   no memory of what was written before, which would go stale with several processes. What the
 *   database says holds across restarts.
 * - A failure is logged, never thrown: the configured grants still apply, the interaction goes
 *   on, and the next one writes again.
 */
import type { CommunityDirectory } from '../core/communities.js';
import type { Logger, Store } from '../core/ports.js';
import type { Platform, Role } from '../core/types.js';

export interface GrantWriter {
  /** Brings the person's grants from this source in line with `role` (null: none), read in `chatId`. */
  write(userId: string, chatId: string, role: Role | null): Promise<void>;
}

export function createGrantWriter(deps: {
  source: string;
  platform: Platform;
  unlisted: 'clears' | 'clears-without-role';
  store: Store;
  communities: CommunityDirectory;
  log: Logger;
}): GrantWriter {
  const { source, platform, store, communities, log } = deps;
  /** Writes for one person, one after the other (the last read wins). */
  const inFlight = new Map<string, Promise<void>>();

  const writeNow = async (userId: string, chatId: string, role: Role | null) => {
    const listed = communities.listedCommunitiesOf(platform, chatId);
    try {
      if (listed.length === 0) {
        if (deps.unlisted === 'clears-without-role' && role !== null) return;
        await store.roles.clearGrants(source, platform, userId);
        return;
      }
      for (const communityId of listed) await store.roles.setGrant(source, { communityId, platform, userId }, role);
      log.debug({ user: userId, communities: listed, role }, `${platform}.role_synced`);
    } catch (error) {
      log.error({ err: error, user: userId, communities: listed }, `${platform}.role_sync_failed`);
    }
  };

  return {
    write(userId, chatId, role) {
      const next = (inFlight.get(userId) ?? Promise.resolve()).then(() => writeNow(userId, chatId, role));
      inFlight.set(userId, next);
      void next.then(() => {
        if (inFlight.get(userId) === next) inFlight.delete(userId);
      });
      return next;
    },
  };
}
