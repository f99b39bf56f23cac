import { sql } from 'drizzle-orm';
import type { MembersRepository } from '../../core/ports.js';
import type { Author, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { members } from '../schema/index.js';

export interface MembersRepositoryWithIds extends MembersRepository {
  /** Upserts members and returns their row ids keyed by `platform\0userId`. */
  touchReturningIds(list: Array<{ platform: Platform; author: Author; at: Date }>): Promise<Map<string, number>>;
}

export function createMembersRepository(s: DbSession): MembersRepositoryWithIds {
  const touchReturningIds: MembersRepositoryWithIds['touchReturningIds'] = async (list) => {
    const unique = new Map<string, { platform: Platform; author: Author; at: Date }>();
    for (const m of list) {
      const key = `${m.platform}\u0000${m.author.id}`;
      const prev = unique.get(key);
      if (!prev || prev.at < m.at) unique.set(key, m);
    }
    if (unique.size === 0) return new Map();
    const rows = await s.orm
      .insert(members)
      .values(
        [...unique.values()].map((m) => ({
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
      .returning({ id: members.id, platform: members.platform, platformUserId: members.platformUserId });
    return new Map(rows.map((r) => [`${r.platform}\u0000${r.platformUserId}`, r.id]));
  };
  return {
    touchReturningIds,
    async touch(list) {
      await touchReturningIds(list);
    },
  };
}
