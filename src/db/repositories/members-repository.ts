import { sql } from 'drizzle-orm';
import type { MembersRepository } from '../../core/ports.js';
import type { Author, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { members } from '../schema/index.js';

export interface MembersRepositoryWithIds extends MembersRepository {
  /** Upserts members and returns their row ids keyed by `platform\0userId`. */
  touchReturningIds(list: Array<{ platform: Platform; author: Author; at: Date }>): Promise<Map<string, number>>;
}

/** last_seen_at is kept to this precision: a member seen again sooner costs no statement. */
export const MEMBER_LAST_SEEN_PRECISION_MS = 60_000;

/** Members known to exist, shared by every session of one store; filled only after commit. */
export type MemberCache = Map<string, { id: number; displayName: string; lastSeenAt: number }>;

export function createMembersRepository(s: DbSession, cache: MemberCache = new Map()): MembersRepositoryWithIds {
  const touchReturningIds: MembersRepositoryWithIds['touchReturningIds'] = async (list) => {
    const unique = new Map<string, { platform: Platform; author: Author; at: Date }>();
    const ids = new Map<string, number>();
    for (const m of list) {
      const key = `${m.platform}\u0000${m.author.id}`;
      const known = cache.get(key);
      if (known && known.displayName === m.author.displayName && m.at.getTime() - known.lastSeenAt < MEMBER_LAST_SEEN_PRECISION_MS) {
        ids.set(key, known.id);
        continue;
      }
      const prev = unique.get(key);
      if (!prev || prev.at < m.at) unique.set(key, m);
    }
    if (unique.size === 0) return ids;
    const rows = await s.orm
      .insert(members)
      .values(
        // Sorted by the conflict key: concurrent upserts lock rows in the same order (no deadlock).
        [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => ({
          platform: m.platform,
          platformUserId: m.author.id,
          displayName: m.author.displayName,
          isBot: m.author.isBot,
          firstSeenAt: m.at,
          lastSeenAt: m.at,
        })),
      )
      .onConflictDoUpdate({
        target: [members.platform, members.platformUserId],
        set: {
          displayName: sql`excluded.display_name`,
          lastSeenAt: sql`greatest(${members.lastSeenAt}, excluded.last_seen_at)`,
        },
      })
      .returning({ id: members.id, platform: members.platform, platformUserId: members.platformUserId, displayName: members.displayName, lastSeenAt: members.lastSeenAt });
    for (const r of rows) ids.set(`${r.platform}\u0000${r.platformUserId}`, r.id);
    s.afterCommit(() => {
      for (const r of rows) cache.set(`${r.platform}\u0000${r.platformUserId}`, { id: r.id, displayName: r.displayName, lastSeenAt: r.lastSeenAt.getTime() });
    });
    return ids;
  };
  return {
    touchReturningIds,
    async touch(list) {
      await touchReturningIds(list);
    },
  };
}
