/**
 * One person's role from a platform source (Discord roles, Slack user groups), written as it was
 * just read, right before their interaction is dispatched.
 *
 * - A role counts only in a chat a community lists itself (its desk or one of its chats): a chat
 *   no community lists falls to the default community, and anyone can add the bot to a server
 *   of their own, where they hold every permission.
 * - Each write touches only that person's row in that community (RolesRepository.setGrant), so
 *   what the database says holds across restarts: a role taken away while the process was down
 *   is removed at the person's next interaction.
 * - This process remembers what it last wrote, so an unchanged role costs no statement; a write
 *   that failed is not remembered and is tried again next time. A failure is logged, never
 *   thrown: the configured grants still apply, and the interaction goes on.
 */
import type { CommunityDirectory } from '../core/communities.js';
import type { Logger, Store } from '../core/ports.js';
import type { Platform, Role } from '../core/types.js';

export interface GrantWriter {
  /** Whether roles read in this chat count: a community lists it. */
  counts(chatId: string): boolean;
  /** Brings the person's grant in the chat's community in line with `role` (null: none). */
  write(userId: string, chatId: string, role: Role | null): Promise<void>;
}

export function createGrantWriter(deps: { source: string; platform: Platform; store: Store; communities: CommunityDirectory; log: Logger }): GrantWriter {
  const { source, platform, store, communities, log } = deps;
  const written = new Map<string, Role | null>();
  /** Writes of one person in one community, one after the other (the last read wins). */
  const inFlight = new Map<string, Promise<void>>();

  const writeOnce = async (key: string, communityId: string, userId: string, role: Role | null) => {
    if (written.has(key) && written.get(key) === role) return;
    try {
      await store.roles.setGrant(source, { communityId, platform, userId }, role);
      written.set(key, role);
      log.info({ user: userId, community: communityId, role }, `${platform}.role_synced`);
    } catch (error) {
      written.delete(key);
      log.error({ err: error, user: userId, community: communityId }, `${platform}.role_sync_failed`);
    }
  };

  return {
    counts: (chatId) => communities.listedCommunityOf(platform, chatId) !== null,
    write(userId, chatId, role) {
      const communityId = communities.listedCommunityOf(platform, chatId);
      if (!communityId) return Promise.resolve();
      const key = `${communityId}\u0000${userId}`;
      const next = (inFlight.get(key) ?? Promise.resolve()).then(() => writeOnce(key, communityId, userId, role));
      inFlight.set(key, next);
      void next.then(() => {
        if (inFlight.get(key) === next) inFlight.delete(key);
      });
      return next;
    },
  };
}
