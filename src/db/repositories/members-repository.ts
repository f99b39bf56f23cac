import type { MembersRepository } from '../../core/ports.js';
import type { Author, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { arrayLiteral } from './array-literal.js';

export interface MemberSeen {
  platform: Platform;
  author: Author;
  at: Date;
}

/** What a batch of messages needs of members: ids the cache already holds, and the rest to upsert. */
export interface MemberPlan {
  /** Row ids of members the cache holds (current name, seen recently), keyed by `platform\0userId`. */
  known: Map<string, number>;
  /** One per member to write, the latest sighting, sorted by key (concurrent upserts lock in one order). */
  upserts: MemberSeen[];
}

/** A members row as the upsert returns it, from either driver. */
export interface MemberRow {
  id: number | string;
  platform: string;
  platform_user_id: string;
  display_name: string;
  last_seen_at: Date | string;
}

export interface MembersRepositoryWithIds extends MembersRepository {
  /** Upserts members and returns their row ids keyed by `platform\0userId`. */
  touchReturningIds(list: MemberSeen[]): Promise<Map<string, number>>;
  /** Splits a batch's authors into members the cache knows and members to upsert. */
  plan(list: MemberSeen[]): MemberPlan;
  /**
   * Upserted rows (`memberUpsertSql`'s RETURNING, here or inside another statement): their ids
   * into `ids`, and into the cache once the session commits.
   */
  remember(rows: MemberRow[], ids: Map<string, number>): void;
}

/** last_seen_at is kept to this precision: a member seen again sooner costs no statement. */
export const MEMBER_LAST_SEEN_PRECISION_MS = 60_000;

/** Members known to exist, shared by every session of one store; filled only after commit. */
export type MemberCache = Map<string, { id: number; displayName: string; lastSeenAt: number }>;

export const memberKey = (platform: string, userId: string) => `${platform}\u0000${userId}`;

/** Parameters of `memberUpsertSql`, in order: one array per column. */
export function memberUpsertParams(upserts: MemberSeen[]): string[] {
  const column = (pick: (m: MemberSeen) => string | boolean) => arrayLiteral(upserts.map(pick));
  return [column((m) => m.platform), column((m) => m.author.id), column((m) => m.author.displayName), column((m) => m.author.isBot ?? false), column((m) => m.at.toISOString())];
}

/**
 * The members upsert, its five array parameters numbered from `$first`: on its own, or as a CTE
 * of the messages' insert (one statement for a batch whose authors need writing). The same text
 * for any batch, so it runs prepared.
 */
export function memberUpsertSql(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `insert into members (platform, platform_user_id, display_name, is_bot, first_seen_at, last_seen_at)
       select platform, platform_user_id, display_name, is_bot, seen_at::timestamptz, seen_at::timestamptz
         from unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::bool[], ${p(4)}::text[]) as m(platform, platform_user_id, display_name, is_bot, seen_at)
       on conflict (platform, platform_user_id) do update
         set display_name = excluded.display_name, last_seen_at = greatest(members.last_seen_at, excluded.last_seen_at)
       returning id, platform, platform_user_id, display_name, last_seen_at`;
}

export function createMembersRepository(s: DbSession, cache: MemberCache = new Map()): MembersRepositoryWithIds {
  const plan: MembersRepositoryWithIds['plan'] = (list) => {
    const unique = new Map<string, MemberSeen>();
    const known = new Map<string, number>();
    for (const m of list) {
      const key = memberKey(m.platform, m.author.id);
      const cached = cache.get(key);
      if (cached && cached.displayName === m.author.displayName && m.at.getTime() - cached.lastSeenAt < MEMBER_LAST_SEEN_PRECISION_MS) {
        known.set(key, cached.id);
        continue;
      }
      const prev = unique.get(key);
      if (!prev || prev.at < m.at) unique.set(key, m);
    }
    const upserts = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
    return { known, upserts };
  };

  const remember: MembersRepositoryWithIds['remember'] = (raw, ids) => {
    const rows = raw.map((r) => ({ id: Number(r.id), key: memberKey(r.platform, r.platform_user_id), displayName: r.display_name, lastSeenAt: new Date(r.last_seen_at).getTime() }));
    for (const r of rows) ids.set(r.key, r.id);
    s.afterCommit(() => {
      for (const r of rows) cache.set(r.key, { id: r.id, displayName: r.displayName, lastSeenAt: r.lastSeenAt });
    });
  };

  const touchReturningIds: MembersRepositoryWithIds['touchReturningIds'] = async (list) => {
    const { known, upserts } = plan(list);
    if (upserts.length === 0) return known;
    const { rows } = await s.sql.executeSql(memberUpsertSql(1), memberUpsertParams(upserts));
    remember(rows as MemberRow[], known);
    return known;
  };

  return {
    touchReturningIds,
    plan,
    remember,
    async touch(list) {
      await touchReturningIds(list);
    },
  };
}
