/**
 * What spark detection and writing read. Every message query is bounded to one chat and a time
 * range, so the (chat_id, created_at) index serves it whatever the size of the history; the
 * baseline reads at most the last weeks of one chat.
 */
import type { OpenQuestion, RecentNews, SparkBasis, SparkChat, SparksRepository } from '../../core/sparks/spark-types.js';
import type { Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';

/** Members' messages of one chat in `[$2, $3)`: not Jamii's, not service notices, not other bots'. */
const MEMBER_MESSAGES_OF_CHAT = `
  from messages m
  left join members a on a.id = m.author_id
  where m.chat_id = $1 and m.created_at >= $2::timestamptz and m.created_at < $3::timestamptz
    and not m.from_bot and not m.is_service and not coalesce(a.is_bot, false)`;

const HOUR_TOTALS = `
select extract(dow from m.created_at at time zone $4::text)::int as dow,
       extract(hour from m.created_at at time zone $4::text)::int as hour,
       count(*)::int as messages
${MEMBER_MESSAGES_OF_CHAT}
group by 1, 2`;

const TOPICS = `
select lower(m.labels->>'topic') as topic, count(*)::int as n
${MEMBER_MESSAGES_OF_CHAT}
  and coalesce(m.labels->>'topic', '') <> ''
group by 1 order by 2 desc, 1 limit $4::int`;

/**
 * Questions with no answer: no reply or thread message from another person (members or Jamii),
 * and no draft that was sent, approved or pending on the desk, nor one marked answered.
 */
const OPEN_QUESTIONS = `
select q.id::int8 as id, coalesce(a.display_name, 'a member') as author, q.text, q.created_at
from messages q
left join members a on a.id = q.author_id
where q.chat_id = $1 and q.created_at >= $2::timestamptz
  and not q.from_bot and not q.is_service and not coalesce(a.is_bot, false)
  and q.is_question and q.deleted_at is null
  and not exists (
    select 1 from messages r
    where r.chat_id = q.chat_id and r.created_at >= q.created_at and r.id <> q.id
      and (r.reply_to_platform_message_id = q.platform_message_id or r.thread_id = q.platform_message_id)
      and r.author_id is distinct from q.author_id and not r.is_service
  )
  and not exists (
    select 1 from drafts d
    where (d.message_id = q.id or d.merged_message_ids @> array[q.id])
      and (d.status in ('pending', 'approved', 'edited', 'sent') or d.answered_at is not null)
  )
order by q.created_at desc, q.id desc
limit $3::int`;

const RECENT_NEWS = `
select d.sources->0->>'source' as url, coalesce(d.sources->0->>'heading', '') as heading, d.created_at
from drafts d
where d.community_id = $1 and d.kind = 'news' and d.status = 'sent' and d.created_at >= $2::timestamptz
  and d.sources->0->>'source' ~* '^https?://'
order by d.created_at desc
limit $3::int`;

const RECENT_SPARKS = `
select d.created_at, d.details->'basis' as basis
from drafts d
where d.target_chat_id = $1 and d.kind = 'spark' and d.created_at >= $2::timestamptz
order by d.created_at desc`;

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

/** The item's own title from a heading like "Feed title › Item title". */
function titleOf(heading: string, url: string): string {
  const parts = heading.split('›').map((p) => p.trim()).filter(Boolean);
  return parts.at(-1) ?? url;
}

function basisOf(value: unknown): SparkBasis | null {
  const raw = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!raw || typeof raw !== 'object') return null;
  const b = raw as { kind?: unknown; ref?: unknown };
  return typeof b.kind === 'string' ? ({ kind: b.kind, ref: typeof b.ref === 'string' ? b.ref : null } as SparkBasis) : null;
}

export function createSparksRepository(s: DbSession): SparksRepository {
  return {
    async chats(communityIds) {
      const { rows } = await s.sql.executeSql(
        `select id, community_id, platform, platform_chat_id, title from chats where community_id = any($1::text[]) and active order by id`,
        [communityIds],
      );
      return rows.map(
        (r): SparkChat => ({
          id: Number(r.id),
          communityId: String(r.community_id),
          ref: { platform: r.platform as Platform, chatId: String(r.platform_chat_id) },
          title: r.title ?? null,
        }),
      );
    },

    async hourOfWeekTotals(chatId, from, to, timeZone) {
      const { rows } = await s.sql.executeSql(HOUR_TOTALS, [chatId, from.toISOString(), to.toISOString(), timeZone]);
      return rows.map((r) => ({ dow: Number(r.dow), hour: Number(r.hour), messages: Number(r.messages) }));
    },

    async messageCount(chatId, from, to) {
      const { rows } = await s.sql.executeSql(`select count(*)::int as n ${MEMBER_MESSAGES_OF_CHAT}`, [chatId, from.toISOString(), to.toISOString()]);
      return Number(rows[0]?.n ?? 0);
    },

    async topics(chatId, since, limit) {
      const { rows } = await s.sql.executeSql(TOPICS, [chatId, since.toISOString(), 'infinity', limit]);
      return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
    },

    async openQuestions(chatId, since, limit) {
      const { rows } = await s.sql.executeSql(OPEN_QUESTIONS, [chatId, since.toISOString(), limit]);
      return rows.map((r): OpenQuestion => ({ messageId: Number(r.id), author: String(r.author), text: String(r.text), at: date(r.created_at) }));
    },

    async recentNews(communityId, since, limit) {
      const { rows } = await s.sql.executeSql(RECENT_NEWS, [communityId, since.toISOString(), limit]);
      return rows.map((r): RecentNews => ({ url: String(r.url), title: titleOf(String(r.heading), String(r.url)), at: date(r.created_at) }));
    },

    async recentSparks(chatId, since) {
      const { rows } = await s.sql.executeSql(RECENT_SPARKS, [chatId, since.toISOString()]);
      return rows.map((r) => ({ createdAt: date(r.created_at), basis: basisOf(r.basis) }));
    },
  };
}
