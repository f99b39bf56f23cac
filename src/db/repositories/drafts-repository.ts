import { and, arrayOverlaps, asc, count, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { DraftsRepository, NewDraft, NewPostDraft } from '../../core/ports.js';
import type { Draft, DraftWithMessage, MessagesRepositoryLike } from './types.js';
import type { DbSession } from '../database.js';
import type { Platform } from '../../core/types.js';
import { chats, drafts, messages } from '../schema/index.js';

type Row = typeof drafts.$inferSelect;

const toDraft = (r: Row): Draft => ({
  id: r.id,
  messageId: r.messageId,
  targetChatId: r.targetChatId,
  communityId: r.communityId,
  kind: r.kind,
  text: r.text,
  originalText: r.originalText,
  status: r.status,
  reason: r.reason,
  language: r.language,
  promptName: r.promptName,
  promptVersion: r.promptVersion,
  provider: r.provider,
  model: r.model,
  mergedMessageIds: r.mergedMessageIds,
  sources: r.sources,
  translation: r.translation,
  flags: r.flags,
  answeredByName: r.answeredByName,
  answeredAt: r.answeredAt,
  decidedBy: r.decidedBy,
  decidedByName: r.decidedByName,
  decidedAt: r.decidedAt,
  decisionNote: r.decisionNote,
  poll: r.poll ?? null,
  details: r.details,
  dedupeKey: r.dedupeKey,
  createdAt: r.createdAt,
});

/** The columns every draft has from its author: what, why, and which prompt and provider wrote it. */
const authored = (d: Pick<NewDraft | NewPostDraft, 'communityId' | 'kind' | 'text' | 'reason' | 'language' | 'promptName' | 'promptVersion' | 'provider' | 'model'>) => ({
  communityId: d.communityId,
  kind: d.kind,
  text: d.text,
  originalText: d.text,
  reason: d.reason,
  language: d.language,
  promptName: d.promptName,
  promptVersion: d.promptVersion,
  provider: d.provider,
  model: d.model ?? null,
});

export function createDraftsRepository(s: DbSession, messagesRepo: MessagesRepositoryLike): DraftsRepository {
  const withMessages = async (rows: Row[]): Promise<DraftWithMessage[]> => {
    const msgs = await messagesRepo.getMany(rows.flatMap((r) => (r.messageId === null ? [] : [r.messageId, ...r.mergedMessageIds])));
    const byId = new Map(msgs.map((m) => [m.id, m]));
    const postChatIds = [...new Set(rows.filter((r) => r.messageId === null).map((r) => r.targetChatId))];
    const postChats = postChatIds.length > 0 ? await s.orm.select().from(chats).where(inArray(chats.id, postChatIds)) : [];
    const chatById = new Map(postChats.map((c) => [c.id, c]));
    return rows.flatMap((r): DraftWithMessage[] => {
      if (r.messageId === null) {
        const chat = chatById.get(r.targetChatId);
        if (!chat) return [];
        return [{ ...toDraft(r), message: null, target: { platform: chat.platform as Platform, chatId: chat.platformChatId }, targetTitle: chat.title }];
      }
      const message = byId.get(r.messageId);
      if (!message) return [];
      const burst = r.mergedMessageIds.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || a.id - b.id);
      return [{ ...toDraft(r), message, target: message.chat, targetTitle: message.chatTitle, ...(burst.length > 0 ? { burst } : {}) }];
    });
  };

  const insertMany: DraftsRepository['insertMany'] = async (list) => {
    if (list.length === 0) return [];
    const rows = await s.orm
      .insert(drafts)
      .values(
        list.map((d) => ({
          messageId: d.messageId,
          targetChatId: sql<number>`(select ${messages.chatId} from ${messages} where ${messages.id} = ${d.messageId})`,
          ...authored(d),
          mergedMessageIds: d.mergedMessageIds ?? [],
          sources: d.sources ?? [],
          translation: d.translation ?? null,
          flags: d.flags ?? [],
        })),
      )
      .onConflictDoNothing({ target: drafts.messageId })
      .returning();
    return rows.map(toDraft);
  };

  return {
    async insert(d) {
      const [draft] = await insertMany([d]);
      return draft ?? null;
    },
    insertMany,

    async insertPost(d) {
      const rows = await s.orm
        .insert(drafts)
        .values({
          messageId: null,
          targetChatId: d.targetChatId,
          ...authored(d),
          sources: d.sources,
          flags: d.flags,
          poll: d.poll,
          details: d.details,
          dedupeKey: d.dedupeKey,
        })
        .onConflictDoNothing({ target: drafts.dedupeKey })
        .returning();
      return rows[0] ? toDraft(rows[0]) : null;
    },

    async get(id) {
      const rows = await s.orm.select().from(drafts).where(eq(drafts.id, id));
      const [withMessage] = await withMessages(rows);
      return withMessage ?? null;
    },

    async lockDrafting(communityIds) {
      // Sorted, so two transactions take their locks in the same order and never deadlock.
      for (const id of [...new Set(communityIds)].sort()) {
        await s.sql.executeSql(`select pg_advisory_xact_lock(hashtext('jamii.drafting:' || $1))`, [id]);
      }
    },

    async statusOf(id) {
      const [row] = await s.orm.select({ status: drafts.status }).from(drafts).where(eq(drafts.id, id));
      return row?.status ?? null;
    },

    async draftedMessageIds(messageIds) {
      if (messageIds.length === 0) return new Set();
      // A message is drafted when it has its own draft or was folded into another one's burst.
      const rows = await s.orm
        .select({ messageId: drafts.messageId, merged: drafts.mergedMessageIds })
        .from(drafts)
        .where(or(inArray(drafts.messageId, messageIds), arrayOverlaps(drafts.mergedMessageIds, messageIds)));
      const wanted = new Set(messageIds);
      return new Set(rows.flatMap((r) => [...(r.messageId === null ? [] : [r.messageId]), ...r.merged]).filter((id) => wanted.has(id)));
    },

    async listPending(communityIds, limit) {
      if (communityIds.length === 0) return [];
      const rows = await s.orm
        .select()
        .from(drafts)
        .where(and(eq(drafts.status, 'pending'), inArray(drafts.communityId, communityIds)))
        .orderBy(asc(drafts.createdAt), asc(drafts.id))
        .limit(limit);
      return withMessages(rows);
    },

    async countPending(communityIds) {
      if (communityIds.length === 0) return 0;
      const [row] = await s.orm
        .select({ n: count() })
        .from(drafts)
        .where(and(eq(drafts.status, 'pending'), inArray(drafts.communityId, communityIds)));
      return Number(row?.n ?? 0);
    },

    async decide(id, u) {
      const rows = await s.orm
        .update(drafts)
        .set({
          status: u.status,
          ...(u.text !== undefined ? { text: u.text } : {}),
          decidedBy: u.decidedBy,
          decidedByName: u.decidedByName,
          decidedAt: u.decidedAt,
          decisionNote: u.note ?? null,
          updatedAt: u.decidedAt,
        })
        .where(and(eq(drafts.id, id), eq(drafts.status, 'pending')))
        .returning();
      return rows[0] ? toDraft(rows[0]) : null;
    },

    async markSent(id) {
      await s.orm
        .update(drafts)
        .set({ status: 'sent', updatedAt: sql`now()` })
        .where(and(eq(drafts.id, id), inArray(drafts.status, ['approved', 'edited'])));
    },

    async expirePendingBefore(before) {
      const rows = await s.orm
        .update(drafts)
        .set({ status: 'expired', updatedAt: sql`now()` })
        .where(and(eq(drafts.status, 'pending'), lt(drafts.createdAt, before)))
        .returning({ id: drafts.id });
      return rows.map((r) => r.id);
    },
  };
}
