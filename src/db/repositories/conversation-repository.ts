/** The conversation around a message, as drafting needs it: context, bursts, the member, answers. */
import type { ContextMessage, ConversationRepository, MemberHistory } from '../../core/ports.js';
import type { DbSession } from '../database.js';

/** How far around a message a burst is looked for, in burst windows. */
const BURST_SCAN_WINDOWS = 10;

const RECENT_BEFORE = `
select q.id::int8 as qid, r.author, r.text, r.from_bot, r.created_at
from messages q
cross join lateral (
  select coalesce(a.display_name, 'unknown') as author, m.text, m.from_bot, m.created_at, m.id
  from messages m
  left join members a on a.id = m.author_id
  where m.chat_id = q.chat_id
    and (q.thread_id is null or m.thread_id = q.thread_id or m.platform_message_id = q.thread_id)
    and m.id <> q.id and not m.is_service
    and (m.created_at, m.id) < (q.created_at, q.id)
  order by m.created_at desc, m.id desc
  limit $2
) r
where q.id = any($1::int8[])
order by q.id, r.created_at, r.id`;

const BURST_CANDIDATES = `
select m.id::int8 as id, m.created_at,
       exists (select 1 from drafts d where d.message_id = m.id or d.merged_message_ids @> array[m.id]) as drafted
from messages q
join messages m on m.chat_id = q.chat_id and m.author_id = q.author_id and m.thread_id is not distinct from q.thread_id
where q.id = $1 and not m.is_service and m.deleted_at is null
  and m.created_at between q.created_at - make_interval(secs => $2) and q.created_at + make_interval(secs => $2)
order by m.created_at, m.id`;

const MEMBER_CONTEXT = `
select q.id::int8 as qid, a.first_seen_at,
       (select count(*) from messages m2 join chats c2 on c2.id = m2.chat_id
         where m2.author_id = q.author_id and c2.community_id = c.community_id
           and m2.is_negative and m2.created_at >= $2::timestamptz and m2.id <> q.id)::int as complaints
from messages q
join chats c on c.id = q.chat_id
left join members a on a.id = q.author_id
where q.id = any($1::int8[])`;

const MARK_ANSWERED = `
update drafts d
set answered_by_name = coalesce(a.display_name, 'a member'), answered_by_message_id = r.id, answered_at = r.created_at, updated_at = now()
from messages r
join messages q on q.chat_id = r.chat_id
  and (q.platform_message_id = r.reply_to_platform_message_id or q.platform_message_id = r.thread_id)
left join members a on a.id = r.author_id
where r.id = any($1::int8[]) and (d.message_id = q.id or d.merged_message_ids @> array[q.id])
  and d.status = 'pending' and d.answered_at is null
  and not r.from_bot and r.author_id is distinct from q.author_id and r.id <> q.id
returning d.id`;

/**
 * The first reply (or thread message) to a draft's message, or to one merged into its burst, by
 * another person who is not a bot, stored before the draft: marks the draft answered by it. A
 * reply comes after its question, so the chat's messages are read from the question on.
 */
const MARK_ALREADY_ANSWERED = `
with first_reply as (
  select distinct on (d.id) d.id as draft_id, r.id as reply_id, r.created_at, r.author_id
  from drafts d
  join messages q on q.id = d.message_id or d.merged_message_ids @> array[q.id]
  join messages r on r.chat_id = q.chat_id and r.created_at >= q.created_at
    and (r.reply_to_platform_message_id = q.platform_message_id or r.thread_id = q.platform_message_id)
  where d.id = any($1::int8[]) and d.status = 'pending' and d.answered_at is null
    and not r.from_bot and r.author_id is distinct from q.author_id and r.id <> q.id
  order by d.id, r.created_at, r.id
)
update drafts d
set answered_by_name = coalesce(a.display_name, 'a member'), answered_by_message_id = f.reply_id, answered_at = f.created_at, updated_at = now()
from first_reply f
left join members a on a.id = f.author_id
where d.id = f.draft_id
returning d.id, d.answered_by_name, d.answered_at`;

export function createConversationRepository(s: DbSession): ConversationRepository {
  const repository: ConversationRepository = {
    async recentBefore(messageId, limit) {
      return (await repository.recentBeforeMany([messageId], limit)).get(messageId) ?? [];
    },

    async recentBeforeMany(messageIds, limit) {
      const byMessage = new Map<number, ContextMessage[]>(messageIds.map((id) => [id, []]));
      if (messageIds.length === 0) return byMessage;
      const { rows } = await s.sql.executeSql(RECENT_BEFORE, [messageIds, limit]);
      for (const r of rows as Array<{ qid: string | number; author: string; text: string; from_bot: boolean; created_at: Date | string }>) {
        byMessage.get(Number(r.qid))?.push({ author: r.author, text: r.text, isBot: r.from_bot, sentAt: new Date(r.created_at) });
      }
      return byMessage;
    },

    async burstOf(messageId, windowSeconds) {
      const { rows } = await s.sql.executeSql(BURST_CANDIDATES, [messageId, windowSeconds * BURST_SCAN_WINDOWS]);
      const list = (rows as Array<{ id: string | number; created_at: Date | string; drafted: boolean }>).map((r) => ({
        id: Number(r.id),
        at: new Date(r.created_at).getTime(),
        drafted: r.drafted,
      }));
      const at = list.findIndex((m) => m.id === messageId);
      if (at < 0) return [];
      // Walk out from the message while each neighbour is within the window of the last one taken.
      let first = at;
      while (first > 0 && !list[first - 1]!.drafted && list[first]!.at - list[first - 1]!.at <= windowSeconds * 1000) first--;
      let last = at;
      while (last < list.length - 1 && !list[last + 1]!.drafted && list[last + 1]!.at - list[last]!.at <= windowSeconds * 1000) last++;
      return list.slice(first, last + 1).filter((m) => !m.drafted).map((m) => m.id);
    },

    async memberContext(messageId, since) {
      return (await repository.memberContextMany([messageId], since)).get(messageId) ?? { firstSeenAt: null, complaints: 0 };
    },

    async memberContextMany(messageIds, since) {
      const byMessage = new Map<number, MemberHistory>();
      if (messageIds.length === 0) return byMessage;
      const { rows } = await s.sql.executeSql(MEMBER_CONTEXT, [messageIds, since.toISOString()]);
      for (const r of rows as Array<{ qid: string | number; first_seen_at: Date | string | null; complaints: number }>) {
        byMessage.set(Number(r.qid), { firstSeenAt: r.first_seen_at ? new Date(r.first_seen_at) : null, complaints: Number(r.complaints) });
      }
      return byMessage;
    },

    async setLabels(messageId, labels) {
      await s.sql.executeSql(
        `update messages set labels = $2, language = $3, is_question = $4, is_negative = $5, severity = $6, needs_draft = $7 where id = $1`,
        [messageId, labels, labels.language, labels.isQuestion, labels.isNegative, labels.severity, labels.isQuestion || labels.isNegative],
      );
    },

    async openDraftsFor(messageIds) {
      if (messageIds.length === 0) return [];
      const { rows } = await s.sql.executeSql(
        `select id from drafts where status in ('pending', 'approved', 'edited') and (message_id = any($1::int8[]) or merged_message_ids && $1::int8[])`,
        [messageIds],
      );
      return (rows as Array<{ id: number }>).map((r) => Number(r.id));
    },

    async markAnsweredBy(replyMessageIds) {
      if (replyMessageIds.length === 0) return [];
      const { rows } = await s.sql.executeSql(MARK_ANSWERED, [replyMessageIds]);
      return (rows as Array<{ id: number }>).map((r) => Number(r.id));
    },

    async lockAnswers(communityIds, mode) {
      const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
      // Sorted, so two transactions take their locks in the same order and never deadlock.
      for (const id of [...new Set(communityIds)].sort()) {
        await s.sql.executeSql(`select ${lock}(hashtext('jamii.answers:' || $1))`, [id]);
      }
    },

    async markAlreadyAnswered(draftIds) {
      if (draftIds.length === 0) return [];
      const { rows } = await s.sql.executeSql(MARK_ALREADY_ANSWERED, [draftIds]);
      return (rows as Array<{ id: number | string; answered_by_name: string; answered_at: Date | string }>).map((r) => ({
        draftId: Number(r.id),
        answeredByName: r.answered_by_name,
        answeredAt: new Date(r.answered_at),
      }));
    },
  };
  return repository;
}
