import { and, count, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { ClaimedPost, OutboxRepository } from '../../core/ports.js';
import type { DraftStatus, OutboundPost, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { auditLog, drafts, outbox } from '../schema/index.js';

type Row = typeof outbox.$inferSelect;

const toPost = (r: Row): OutboundPost => ({
  id: r.id,
  kind: r.kind,
  target: { platform: r.platform as Platform, chatId: r.platformChatId, threadId: r.threadId ?? undefined },
  replyToMessageId: r.replyToPlatformMessageId,
  text: r.text,
  card: r.card ?? null,
  poll: r.poll ?? null,
  image: r.image ?? null,
  draftId: r.draftId,
  status: r.status,
  attempts: r.attempts,
  platformMessageId: r.platformMessageId,
  claimedAt: r.claimedAt,
});

const MAX_ERROR_CHARS = 500;

/** What a claim returns: the row, and its draft's status (the card of a decided draft shows the decision). */
const claimedColumns = {
  ...getTableColumns(outbox),
  draftStatus: sql<DraftStatus | null>`(select ${drafts.status} from ${drafts} where ${drafts.id} = ${outbox.draftId})`,
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
    return row ? { ...toPost(row), draftStatus: row.draftStatus ?? null } : null;
  };
  const insertMany: OutboxRepository['insertMany'] = async (list) => {
    if (list.length === 0) return [];
    const rows = await s.orm
      .insert(outbox)
      .values(
        list.map((p) => ({
          kind: p.kind,
          dedupeKey: p.dedupeKey,
          draftId: p.draftId,
          platform: p.target.platform,
          platformChatId: p.target.chatId,
          threadId: p.target.threadId ?? null,
          replyToPlatformMessageId: p.replyToMessageId,
          text: p.text,
          card: p.card,
          poll: p.poll ?? null,
          image: p.image ?? null,
        })),
      )
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning();
    return rows.map(toPost);
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
      // A confirmation beats an earlier "unconfirmed" verdict on the same row. The audit entry
      // rides on the same statement: one round trip, and written only when the row moved.
      await s.orm.execute(sql`
        with sent as (
          update ${outbox}
             set status = 'sent', platform_message_id = ${platformMessageId}, sent_at = ${at.toISOString()}::timestamptz, last_error = null
           where id = ${id} and status in ('sending', 'unconfirmed')
          returning id
        )
        insert into ${auditLog} (community_id, actor, action, subject, details)
        select ${audit.communityId}, ${audit.actor}, ${audit.action}, ${audit.subject}, ${JSON.stringify(audit.details ?? {})}::jsonb from sent`);
    },
    async release(id, error) {
      await move(id, ['sending'], { status: 'pending', lastError: error.slice(0, MAX_ERROR_CHARS) });
    },
    async markUnconfirmed(id, error) {
      await move(id, ['sending', 'pending'], { status: 'unconfirmed', lastError: error.slice(0, MAX_ERROR_CHARS) });
    },
    async markFailed(id, error) {
      await move(id, ['sending', 'pending'], { status: 'failed', lastError: error.slice(0, MAX_ERROR_CHARS) });
    },
    requeue: (id) => transition(id, ['unconfirmed', 'failed'], { status: 'pending' }),
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
