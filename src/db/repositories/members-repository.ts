import type { MembersRepository } from '../../core/ports.js';
import type { Author, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { arrayLiteral } from './array-literal.js';

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
    // Sorted by the conflict key: concurrent upserts lock rows in the same order (no deadlock).
    const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
    // One array per column (array-literal.ts): the same statement text for any batch, so it runs prepared.
    const column = (pick: (m: { platform: Platform; author: Author; at: Date }) => string | boolean) => arrayLiteral(sorted.map(pick));
    const { rows: raw } = await s.sql.executeSql(
      `insert into members (platform, platform_user_id, display_name, is_bot, first_seen_at, last_seen_at)
       select platform, platform_user_id, display_name, is_bot, seen_at::timestamptz, seen_at::timestamptz
         from unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::text[]) as m(platform, platform_user_id, display_name, is_bot, seen_at)
       on conflict (platform, platform_user_id) do update
         set display_name = excluded.display_name, last_seen_at = greatest(members.last_seen_at, excluded.last_seen_at)
       returning id, platform, platform_user_id, display_name, last_seen_at`,
      [
        column((m) => m.platform),
        column((m) => m.author.id),
        column((m) => m.author.displayName),
        column((m) => m.author.isBot ?? false),
        column((m) => m.at.toISOString()),
      ],
    );
    const rows = (raw as Array<{ id: number | string; platform: string; platform_user_id: string; display_name: string; last_seen_at: Date | string }>).map((r) => ({
      id: Number(r.id),
      platform: r.platform,
      platformUserId: r.platform_user_id,
      displayName: r.display_name,
      lastSeenAt: new Date(r.last_seen_at),
    }));
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
