/**
 * Analytics reads over raw SQL. Every report query takes the same first five parameters: community
 * ids, platform (or null), chat id/title (or null), period start and end (ISO strings).
 */
import type {
  AnalyticsRepository,
  AnalyticsScope,
  AttentionRow,
  DraftDecisionRow,
  Period,
} from '../../core/analytics/analytics-types.js';
import { NO_PEOPLE, type PeopleDirectory } from '../../core/people.js';
import type { Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';

const SCOPED_CHATS = `
  c.community_id = any($1::text[])
  and ($2::text is null or c.platform = $2::text)
  and ($3::text is null or c.platform_chat_id = $3::text or lower(c.title) = lower($3::text))`;

/** Messages members wrote (not Jamii's, not service notices, not other bots'). */
const MEMBER_MESSAGES = `
  from messages m
  join chats c on c.id = m.chat_id
  join members a on a.id = m.author_id
  where ${SCOPED_CHATS}
    and m.created_at >= $4::timestamptz and m.created_at < $5::timestamptz
    and not m.from_bot and not m.is_service and not a.is_bot`;

const MEMBER_FLOW = `
select count(*) filter (where e.kind = 'joined')::int as joined,
       count(*) filter (where e.kind = 'left')::int as left
from member_events e
join chats c on c.id = e.chat_id
where ${SCOPED_CHATS}
  and e.occurred_at >= $4::timestamptz and e.occurred_at < $5::timestamptz
  and not e.is_bot`;

const MEMBER_FLOW_BY_DAY = `
select to_char(e.occurred_at at time zone $6::text, 'YYYY-MM-DD') as day,
       count(*) filter (where e.kind = 'joined')::int as joined,
       count(*) filter (where e.kind = 'left')::int as left
from member_events e
join chats c on c.id = e.chat_id
where ${SCOPED_CHATS}
  and e.occurred_at >= $4::timestamptz and e.occurred_at < $5::timestamptz
  and not e.is_bot
group by 1 order by 1`;

const DAILY = `
select to_char(m.created_at at time zone $6::text, 'YYYY-MM-DD') as day,
       count(*)::int as messages, count(distinct m.author_id)::int as active
${MEMBER_MESSAGES}
group by 1 order by 1`;

const HOUR_OF_WEEK = `
select extract(dow from m.created_at at time zone $6::text)::int as dow,
       extract(hour from m.created_at at time zone $6::text)::int as hour,
       count(*)::int as messages
${MEMBER_MESSAGES}
group by 1, 2 order by 1, 2`;

const TOTALS = `
select count(*)::int as messages, count(distinct m.author_id)::int as active
${MEMBER_MESSAGES}`;

/**
 * Questions and complaints with their first responses and follow-ups. Replies and follow-ups
 * are found with set joins (hash joins over the period's messages) rather than a lookup per
 * question, which no index supports and which grows with the square of the history.
 */
const ATTENTION = `
with q as (
  select m.id, m.chat_id, m.platform_message_id, m.author_id, m.text, m.created_at,
         m.is_question, m.is_negative, m.severity, c.community_id, c.platform, c.title,
         a.display_name as author, a.platform_user_id
  from messages m
  join chats c on c.id = m.chat_id
  join members a on a.id = m.author_id
  where ${SCOPED_CHATS}
    and m.created_at >= $4::timestamptz and m.created_at < $5::timestamptz
    and not m.from_bot and not m.is_service and not a.is_bot
    and (m.is_question or m.is_negative)
),
candidates as (
  select q.id as qid, x.id, x.created_at, x.text, x.author_id
  from q join messages x on x.chat_id = q.chat_id and x.reply_to_platform_message_id = q.platform_message_id
  where x.created_at >= $4::timestamptz
  union all
  select q.id as qid, x.id, x.created_at, x.text, x.author_id
  from q join messages x on x.chat_id = q.chat_id and x.thread_id = q.platform_message_id
  where x.created_at >= $4::timestamptz
),
first_reply as (
  select distinct on (r.qid) r.qid, r.created_at, r.text, coalesce(xa.display_name, 'a member') as author
  from candidates r
  join q on q.id = r.qid
  join messages x on x.id = r.id
  left join members xa on xa.id = r.author_id
  where not x.from_bot and not x.is_service and r.author_id is distinct from q.author_id
    and r.created_at >= q.created_at and r.id <> q.id
  order by r.qid, r.created_at, r.id
),
follow_ups as (
  select q.id as qid,
         json_agg(json_build_object('createdAt', f.created_at, 'isNegative', f.is_negative,
                                    'severity', f.severity, 'topic', f.labels->>'topic') order by f.created_at, f.id) as list
  from q
  join messages f on f.author_id = q.author_id
  join chats fc on fc.id = f.chat_id and fc.community_id = q.community_id
  where q.is_negative and f.id <> q.id and not f.is_service
    and f.created_at > q.created_at and f.created_at < q.created_at + make_interval(days => $6::int)
    and f.created_at > $4::timestamptz and f.created_at < $5::timestamptz + make_interval(days => $6::int)
  group by q.id
)
select q.id::int8 as id, q.platform, q.title, q.author, q.text, q.created_at,
       q.is_question, q.is_negative, q.severity,
       d.id as draft_id, d.status as draft_status, d.decided_by_name,
       bot.sent_at as bot_at, bot.text as bot_text,
       coalesce(r.created_at, d.answered_at) as member_at,
       coalesce(r.author, d.answered_by_name) as member_name,
       coalesce(r.text, ans.text) as member_text,
       fu.list as follow_ups,
       case when q.is_negative then (
         select case when e.kind = 'left' then e.occurred_at end
         from member_events e
         where e.chat_id = q.chat_id and e.platform_user_id = q.platform_user_id and e.occurred_at > q.created_at
         order by e.occurred_at desc limit 1
       ) end as left_at
from q
left join drafts d on d.message_id = q.id
left join lateral (
  select o.sent_at, o.text from outbox o
  where o.draft_id = d.id and o.kind = 'reply' and o.status = 'sent'
  order by o.sent_at limit 1
) bot on true
left join first_reply r on r.qid = q.id
left join follow_ups fu on fu.qid = q.id
left join messages ans on ans.id = d.answered_by_message_id
order by q.created_at, q.id`;

const DRAFT_DECISIONS = `
select d.status, (d.status = 'edited' or d.text <> d.original_text) as edited, d.created_at, d.decided_at, d.decided_by, d.decided_by_name
from drafts d
join messages m on m.id = d.message_id
join chats c on c.id = m.chat_id
where ${SCOPED_CHATS}
  and d.created_at >= $4::timestamptz and d.created_at < $5::timestamptz
order by d.created_at, d.id`;

const TOPICS = `
select lower(m.labels->>'topic') as topic, count(*)::int as n
${MEMBER_MESSAGES}
  and coalesce(m.labels->>'topic', '') <> ''
group by 1 order by 2 desc, 1 limit $6::int`;

const SAMPLE_TEXTS = `
select m.text
${MEMBER_MESSAGES}
order by m.created_at desc limit $6::int`;

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const maybeDate = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));

interface FollowUpJson {
  createdAt: string;
  isNegative: boolean;
  severity: number;
  topic: string | null;
}

function followUps(value: unknown): AttentionRow['followUps'] {
  if (value === null || value === undefined) return [];
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as FollowUpJson[];
  return list.map((f) => ({ createdAt: new Date(f.createdAt), isNegative: Boolean(f.isNegative), severity: Number(f.severity), topic: f.topic ?? null }));
}

/** `people` links platform ids to one person: their decisions count once, under the person's name. */
export function createAnalyticsRepository(s: DbSession, people: PeopleDirectory = NO_PEOPLE): AnalyticsRepository {
  const deciderOf = (decidedBy: unknown, decidedByName: unknown): DraftDecisionRow['decider'] => {
    if (typeof decidedBy !== 'string') return null;
    const identity = people.identityOf(decidedBy);
    return { key: identity.key, name: identity.name ?? (typeof decidedByName === 'string' ? decidedByName : decidedBy) };
  };
  const params = (scope: AnalyticsScope, period: Period, ...extra: unknown[]) => [
    scope.communityIds,
    scope.platform ?? null,
    scope.chat ?? null,
    period.from.toISOString(),
    period.to.toISOString(),
    ...extra,
  ];

  return {
    async memberFlow(scope, period) {
      const { rows } = await s.sql.executeSql(MEMBER_FLOW, params(scope, period));
      return { joined: Number(rows[0]?.joined ?? 0), left: Number(rows[0]?.left ?? 0) };
    },

    async memberFlowByDay(scope, period, timeZone) {
      const { rows } = await s.sql.executeSql(MEMBER_FLOW_BY_DAY, params(scope, period, timeZone));
      return rows.map((r) => ({ day: String(r.day), joined: Number(r.joined), left: Number(r.left) }));
    },

    async activity(scope, period, timeZone) {
      const [daily, hours, totals] = await Promise.all([
        s.sql.executeSql(DAILY, params(scope, period, timeZone)),
        s.sql.executeSql(HOUR_OF_WEEK, params(scope, period, timeZone)),
        s.sql.executeSql(TOTALS, params(scope, period)),
      ]);
      return {
        daily: daily.rows.map((r) => ({ day: String(r.day), messages: Number(r.messages), activeMembers: Number(r.active) })),
        hourOfWeek: hours.rows.map((r) => ({ dow: Number(r.dow), hour: Number(r.hour), messages: Number(r.messages) })),
        totalMessages: Number(totals.rows[0]?.messages ?? 0),
        activeMembers: Number(totals.rows[0]?.active ?? 0),
      };
    },

    async attention(scope, period, followUpDays) {
      const { rows } = await s.sql.executeSql(ATTENTION, params(scope, period, followUpDays));
      return rows.map(
        (r): AttentionRow => ({
          messageId: Number(r.id),
          platform: r.platform as Platform,
          chatTitle: r.title ?? null,
          authorName: String(r.author),
          text: String(r.text),
          createdAt: date(r.created_at),
          isQuestion: Boolean(r.is_question),
          isNegative: Boolean(r.is_negative),
          severity: Number(r.severity),
          draftId: r.draft_id === null ? null : Number(r.draft_id),
          draftStatus: r.draft_status ?? null,
          decidedByName: r.decided_by_name ?? null,
          botReplyAt: maybeDate(r.bot_at),
          botReplyText: r.bot_text ?? null,
          memberReplyAt: maybeDate(r.member_at),
          memberReplyName: r.member_name ?? null,
          memberReplyText: r.member_text ?? null,
          followUps: followUps(r.follow_ups),
          leftAt: maybeDate(r.left_at),
        }),
      );
    },

    async draftDecisions(scope, period) {
      const { rows } = await s.sql.executeSql(DRAFT_DECISIONS, params(scope, period));
      return rows.map((r) => ({ status: String(r.status), edited: Boolean(r.edited), createdAt: date(r.created_at), decidedAt: maybeDate(r.decided_at), decider: deciderOf(r.decided_by, r.decided_by_name) }));
    },

    async topics(scope, period, limit) {
      const { rows } = await s.sql.executeSql(TOPICS, params(scope, period, limit));
      return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
    },

    async oldestPendingDraftAt() {
      const { rows } = await s.sql.executeSql(`select min(created_at) as at from drafts where status = 'pending'`, []);
      return maybeDate(rows[0]?.at);
    },

    async chatNames(scope, limit) {
      const { rows } = await s.sql.executeSql(
        `select coalesce(c.title, c.platform_chat_id) as name from chats c where ${SCOPED_CHATS} order by lower(coalesce(c.title, c.platform_chat_id)) limit $4`,
        [scope.communityIds, scope.platform ?? null, scope.chat ?? null, limit],
      );
      return (rows as Array<{ name: string }>).map((r) => r.name);
    },

    async anyPosted(dedupeKeys) {
      const { rows } = await s.sql.executeSql(`select 1 from outbox where dedupe_key = any($1::text[]) limit 1`, [dedupeKeys]);
      return rows.length > 0;
    },

    async sampleTexts(scope, period, limit) {
      const { rows } = await s.sql.executeSql(SAMPLE_TEXTS, params(scope, period, limit));
      return rows.map((r) => String(r.text));
    },
  };
}
