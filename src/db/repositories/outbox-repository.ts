import { and, count, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { ClaimedPost, NewOutboundPost, OutboxRepository } from '../../core/ports.js';
import { withCardLabels } from '../../core/desk-cards.js';
import type { DraftStatus, OutboundPost, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { arrayLiteral } from './array-literal.js';
import { drafts, outbox } from '../schema/index.js';

type Row = typeof outbox.$inferSelect;

/** The columns a post is made of. */
type PostColumns = Pick<
  Row,
  'id' | 'kind' | 'platform' | 'platformChatId' | 'threadId' | 'replyToPlatformMessageId' | 'text' | 'card' | 'poll' | 'image' | 'draftId' | 'status' | 'attempts' | 'platformMessageId' | 'claimedAt' | 'waitUntil'
>;

const toPost = (r: PostColumns): OutboundPost => ({
  id: r.id,
  kind: r.kind,
  target: { platform: r.platform as Platform, chatId: r.platformChatId, threadId: r.threadId ?? undefined },
  replyToMessageId: r.replyToPlatformMessageId,
  text: r.text,
  card: r.card ? withCardLabels(r.card) : null,
  poll: r.poll ?? null,
  image: r.image ?? null,
  draftId: r.draftId,
  status: r.status,
  attempts: r.attempts,
  platformMessageId: r.platformMessageId,
  claimedAt: r.claimedAt,
  waitUntil: r.waitUntil,
});

/**
 * A claimed row from raw SQL (columns aliased to PostColumns' names): numbers and timestamps
 * arrive as text or as values depending on the driver.
 */
type ClaimedRow = Omit<PostColumns, 'id' | 'draftId' | 'attempts' | 'claimedAt' | 'waitUntil'> & {
  id: number | string;
  draftId: number | string | null;
  attempts: number | string;
  claimedAt: Date | string | null;
  waitUntil: Date | string | null;
  draftStatus: DraftStatus | null;
  answersDeleted: boolean;
};

const fromClaimedRow = ({ draftStatus, answersDeleted, ...r }: ClaimedRow): ClaimedPost => ({
  ...toPost({
    ...r,
    id: Number(r.id),
    draftId: r.draftId === null ? null : Number(r.draftId),
    attempts: Number(r.attempts),
    claimedAt: r.claimedAt === null ? null : new Date(r.claimedAt),
    waitUntil: r.waitUntil === null ? null : new Date(r.waitUntil),
  }),
  draftStatus: draftStatus ?? null,
  answersDeleted: Boolean(answersDeleted),
});

const MAX_ERROR_CHARS = 500;

/**
 * What a claim returns: the row, its draft's status (the card of a decided draft shows the
 * decision), and whether a reply's member message was deleted since it was queued or retried.
 */
const claimedColumns = {
  ...getTableColumns(outbox),
  draftStatus: sql<DraftStatus | null>`(select ${drafts.status} from ${drafts} where ${drafts.id} = ${outbox.draftId})`,
  // Qualified by hand: drizzle writes a RETURNING's columns unqualified, ambiguous in the join.
  answersDeleted: sql<boolean>`("outbox"."kind" = 'reply' and exists (
    select 1 from drafts d join messages m on m.id = d.message_id
     where d.id = "outbox"."draft_id" and m.deleted_at is not null
       and ("outbox"."requeued_at" is null or m.deleted_at > "outbox"."requeued_at")
       -- A burst stands while any of its messages does.
       and not exists (select 1 from messages mm where mm.id = any(d.merged_message_ids) and mm.deleted_at is null)))`,
};

export function createOutboxRepository(s: DbSession): OutboxRepository {
  const where = (id: number, from: Row['status'][]) => and(eq(outbox.id, id), inArray(outbox.status, from));
  const transition = async (id: number, from: Row['status'][], set: PgUpdateSetSource<typeof outbox>) => {
    const rows = await s.orm.update(outbox).set(set).where(where(id, from)).returning();
    return rows[0] ? toPost(rows[0]) : null;
  };
  /** A transition whose row nobody reads: no RETURNING (a card's JSON is not parsed for nothing). */
  const move = async (id: number, from: Row['status'][], set: PgUpdateSetSource<typeof outbox>) => {
    await s.orm.update(outbox).set(set).where(where(id, from));
  };
  const claimWith = async (id: number, from: Row['status'][], set: PgUpdateSetSource<typeof outbox>): Promise<ClaimedPost | null> => {
    const rows = await s.orm.update(outbox).set(set).where(where(id, from)).returning(claimedColumns);
    const row = rows[0];
    return row ? { ...toPost(row), draftStatus: row.draftStatus ?? null, answersDeleted: Boolean(row.answersDeleted) } : null;
  };
  const insertMany: OutboxRepository['insertMany'] = async (list) => {
    if (list.length === 0) return [];
    // One array per column; each post comes back from what was written plus its new id.
    const column = (pick: (p: NewOutboundPost) => string | number | null) => arrayLiteral(list.map(pick));
    const json = (value: unknown) => (value == null ? null : JSON.stringify(value));
    const { rows } = await s.sql.executeSql(
      `insert into outbox (kind, dedupe_key, draft_id, platform, platform_chat_id, thread_id, reply_to_platform_message_id, text, card, poll, image)
       select kind, dedupe_key, draft_id, platform, platform_chat_id, thread_id, reply_to, text, card::jsonb, poll::jsonb, image::jsonb
         from unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
           as r(kind, dedupe_key, draft_id, platform, platform_chat_id, thread_id, reply_to, text, card, poll, image)
       on conflict (dedupe_key) do nothing
       returning id, dedupe_key`,
      [
        column((p) => p.kind),
        column((p) => p.dedupeKey),
        column((p) => p.draftId),
        column((p) => p.target.platform),
        column((p) => p.target.chatId),
        column((p) => p.target.threadId ?? null),
        column((p) => p.replyToMessageId),
        column((p) => p.text),
        column((p) => json(p.card)),
        column((p) => json(p.poll)),
        column((p) => json(p.image)),
      ],
    );
    const byKey = new Map(list.map((p) => [p.dedupeKey, p]));
    return (rows as Array<{ id: number | string; dedupe_key: string }>).map((r): OutboundPost => {
      const p = byKey.get(r.dedupe_key)!;
      return {
        id: Number(r.id),
        kind: p.kind,
        target: { platform: p.target.platform, chatId: p.target.chatId, threadId: p.target.threadId ?? undefined },
        replyToMessageId: p.replyToMessageId,
        text: p.text,
        card: p.card ?? null,
        poll: p.poll ?? null,
        image: p.image ?? null,
        draftId: p.draftId,
        status: 'pending',
        attempts: 0,
        platformMessageId: null,
        claimedAt: null,
        waitUntil: null,
      };
    });
  };
  const markSentMany: OutboxRepository['markSentMany'] = async (sent) => {
    if (sent.length === 0) return [];
    // sending (or unconfirmed) -> sent; a confirmation beats an earlier "unconfirmed" verdict on
    // the same row. Audit entries ride on the same statement, written only for rows that moved.
    const { rows } = await s.sql.executeSql(
      `with v as (
         select * from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           as v(id, platform_message_id, sent_at, community_id, actor, action, subject, details, shown_status)
       ), done as (
         update outbox o
            set status = 'sent', platform_message_id = v.platform_message_id, sent_at = v.sent_at::timestamptz, last_error = null
           from v
          where o.id = v.id and o.status in ('sending', 'unconfirmed')
         returning o.id, o.draft_id
       ), audited as (
         insert into audit_log (community_id, actor, action, subject, details)
         select v.community_id, v.actor, v.action, v.subject, v.details::jsonb from v join done on done.id = v.id
       )
       select distinct d.id::int8 as draft_id
         from done join v on v.id = done.id join drafts d on d.id = done.draft_id
        where v.shown_status is not null and d.status <> v.shown_status`,
      [
        arrayLiteral(sent.map((x) => x.id)),
        arrayLiteral(sent.map((x) => x.platformMessageId)),
        arrayLiteral(sent.map((x) => x.at.toISOString())),
        arrayLiteral(sent.map((x) => x.audit.communityId)),
        arrayLiteral(sent.map((x) => x.audit.actor)),
        arrayLiteral(sent.map((x) => x.audit.action)),
        arrayLiteral(sent.map((x) => x.audit.subject)),
        arrayLiteral(sent.map((x) => JSON.stringify(x.audit.details ?? {}))),
        arrayLiteral(sent.map((x) => x.shownDraftStatus ?? null)),
      ],
    );
    return (rows as Array<{ draft_id: string | number }>).map((r) => Number(r.draft_id));
  };
  return {
    async insert(p) {
      const [post] = await insertMany([p]);
      return post ?? null;
    },
    insertMany,
    async get(id) {
      const rows = await s.orm.select().from(outbox).where(eq(outbox.id, id));
      return rows[0] ? toPost(rows[0]) : null;
    },
    claim: (id) => claimWith(id, ['pending'], { status: 'sending', attempts: sql`${outbox.attempts} + 1`, claimedAt: sql`now()` }),
    reclaim: (id) => claimWith(id, ['sending'], { attempts: sql`${outbox.attempts} + 1`, claimedAt: sql`now()` }),
    async markSent(id, platformMessageId, at, audit) {
      await markSentMany([{ id, platformMessageId, at, audit }]);
    },
    async claimPendingCards(ids, platforms) {
      if (ids.length === 0 || platforms.length === 0) return [];
      // Raw, with the ids as one array: a send batch's claim runs prepared whatever its size,
      // and no query builder runs on it.
      const { rows } = await s.sql.executeSql(
        `update outbox o set status = 'sending', attempts = o.attempts + 1, claimed_at = now()
          where o.id = any($1::int8[]) and o.kind = 'card' and o.status = 'pending' and o.platform = any($2::text[])
          returning o.id, o.kind, o.platform, o.platform_chat_id as "platformChatId", o.thread_id as "threadId",
                    o.reply_to_platform_message_id as "replyToPlatformMessageId", o.text, o.card, o.poll, o.image,
                    o.draft_id as "draftId", o.status, o.attempts, o.platform_message_id as "platformMessageId",
                    o.claimed_at as "claimedAt", o.wait_until as "waitUntil", (select d.status from drafts d where d.id = o.draft_id) as "draftStatus",
                    false as "answersDeleted"`,
        [arrayLiteral(ids), arrayLiteral(platforms)],
      );
      return (rows as ClaimedRow[]).map(fromClaimedRow);
    },
    markSentMany,
    async release(id, error) {
      await move(id, ['sending'], { status: 'pending', lastError: error.slice(0, MAX_ERROR_CHARS), waitUntil: null });
    },
    async postpone(id, error, until) {
      await move(id, ['sending'], { status: 'pending', lastError: error.slice(0, MAX_ERROR_CHARS), waitUntil: until });
    },
    async markUnconfirmed(id, error) {
      await move(id, ['sending', 'pending'], { status: 'unconfirmed', lastError: error.slice(0, MAX_ERROR_CHARS) });
    },
    async markFailed(id, error) {
      await move(id, ['sending', 'pending'], { status: 'failed', lastError: error.slice(0, MAX_ERROR_CHARS) });
    },
    requeue: (id, at) => transition(id, ['unconfirmed', 'failed'], { status: 'pending', waitUntil: null, requeuedAt: at }),
    async findReplyForDraft(draftId) {
      const rows = await s.orm
        .select()
        .from(outbox)
        .where(and(eq(outbox.draftId, draftId), inArray(outbox.kind, ['reply', 'post'])));
      return rows[0] ? toPost(rows[0]) : null;
    },
    async listCardsForDraft(draftId) {
      const rows = await s.orm
        .select()
        .from(outbox)
        .where(and(eq(outbox.draftId, draftId), eq(outbox.kind, 'card'), eq(outbox.status, 'sent')));
      return rows.map(toPost);
    },
    async countByStatus() {
      const rows = await s.orm.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}
