import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DraftsRepository, NewDraft, NewPostDraft } from '../../core/ports.js';
import type { Draft, DraftWithMessage, MessagesRepositoryLike } from './types.js';
import type { DbSession } from '../database.js';
import { UNDECIDED, type Platform } from '../../core/types.js';
import { chats, drafts, messages } from '../schema/index.js';
import { arrayLiteral } from './array-literal.js';

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
  heldEdit: r.heldEditBy !== null && r.heldEditAt !== null ? { by: r.heldEditBy, byName: r.heldEditByName ?? r.heldEditBy, at: r.heldEditAt } : null,
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

/**
 * How angry a draft's member is: the most severe of its message and the burst messages merged
 * into it (a question followed by an angry message is an urgent complaint), deleted ones aside.
 */
const burstSeverity = (draft: string, message: string) =>
  `greatest(coalesce(${message}.severity, 0), coalesce((select max(mm.severity) from messages mm where mm.id = any(${draft}.merged_message_ids) and mm.deleted_at is null), 0))`;

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
    // One array per column (array-literal.ts); the draft comes back from what was written plus
    // what the database chose (id, target chat, time), so no row is read back and parsed.
    const column = (pick: (d: NewDraft) => string | number | null) => arrayLiteral(list.map(pick));
    const { rows } = await s.sql.executeSql(
      `insert into drafts (message_id, target_chat_id, community_id, kind, text, original_text, reason, language,
                           prompt_name, prompt_version, provider, model, merged_message_ids, sources, translation, flags)
       select r.message_id, m.chat_id, r.community_id, r.kind, r.text, r.text, r.reason, r.language,
              r.prompt_name, r.prompt_version, r.provider, r.model, r.merged::int8[], r.sources::jsonb, r.translation, r.flags::jsonb
         from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
           as r(message_id, community_id, kind, text, reason, language, prompt_name, prompt_version, provider, model,
                merged, sources, translation, flags)
         join messages m on m.id = r.message_id
       on conflict (message_id) do nothing
       returning id, message_id, target_chat_id, created_at`,
      [
        column((d) => d.messageId),
        column((d) => d.communityId),
        column((d) => d.kind),
        column((d) => d.text),
        column((d) => d.reason),
        column((d) => d.language),
        column((d) => d.promptName),
        column((d) => d.promptVersion),
        column((d) => d.provider),
        column((d) => d.model ?? null),
        column((d) => `{${(d.mergedMessageIds ?? []).join(',')}}`),
        column((d) => JSON.stringify(d.sources ?? [])),
        column((d) => d.translation ?? null),
        column((d) => JSON.stringify(d.flags ?? [])),
      ],
    );
    const byMessage = new Map(list.map((d) => [d.messageId, d]));
    return (rows as Array<{ id: number | string; message_id: number | string; target_chat_id: number | string; created_at: Date | string }>).map((r) => {
      const d = byMessage.get(Number(r.message_id))!;
      return {
        id: Number(r.id),
        messageId: d.messageId,
        targetChatId: Number(r.target_chat_id),
        ...authored(d),
        status: 'pending',
        mergedMessageIds: d.mergedMessageIds ?? [],
        sources: d.sources ?? [],
        translation: d.translation ?? null,
        flags: d.flags ?? [],
        ...UNDECIDED,
        poll: null,
        details: {},
        dedupeKey: null,
        createdAt: new Date(r.created_at),
      } satisfies Draft;
    });
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
      // Raw, with the ids as one array: the text never changes, so it runs prepared.
      const { rows } = await s.sql.executeSql(
        `select message_id, merged_message_ids from drafts where message_id = any($1::int8[]) or merged_message_ids && $1::int8[]`,
        [arrayLiteral(messageIds)],
      );
      const wanted = new Set(messageIds);
      return new Set(
        (rows as Array<{ message_id: number | string | null; merged_message_ids: Array<number | string> }>)
          .flatMap((r) => [...(r.message_id === null ? [] : [r.message_id]), ...r.merged_message_ids])
          .map(Number)
          .filter((id) => wanted.has(id)),
      );
    },

    async listPending(communityIds, limit, kinds) {
      if (communityIds.length === 0 || kinds?.length === 0) return [];
      const rows = await s.orm
        .select({ draft: drafts })
        .from(drafts)
        .leftJoin(messages, eq(messages.id, drafts.messageId))
        .where(and(eq(drafts.status, 'pending'), inArray(drafts.communityId, communityIds), kinds ? inArray(drafts.kind, [...kinds]) : undefined))
        .orderBy(
          sql`case ${drafts.kind} when 'negative' then 0 when 'question' then 1 else 2 end`,
          desc(sql.raw(burstSeverity('"drafts"', '"messages"'))),
          asc(drafts.createdAt),
          asc(drafts.id),
        )
        .limit(limit);
      return withMessages(rows.map((r) => r.draft));
    },

    async claimOverdue(communityIds, cutoffs, at, detailed) {
      if (communityIds.length === 0) return [];
      // Every overdue draft in one statement (a backlog makes one reminder, not one a minute),
      // returned most urgent first per community. A draft whose messages the member deleted
      // (all of a burst's) waits for nobody: it is left to its card (which says so) and to expiry.
      const { rows } = await s.sql.executeSql(
        `with claimed as (
           update drafts d set reminded_at = $3
            where d.id in (
              select d2.id from drafts d2 join messages m on m.id = d2.message_id
               where d2.status = 'pending' and d2.reminded_at is null and d2.kind in ('question', 'negative') and d2.community_id = any($4::text[])
                 and (m.deleted_at is null or exists (select 1 from messages mm where mm.id = any(d2.merged_message_ids) and mm.deleted_at is null))
                 and d2.created_at <= case when d2.kind = 'negative' and ${burstSeverity('d2', 'm')} >= 3 then $2::timestamptz else $1::timestamptz end
               for update of d2 skip locked)
            returning d.id, d.community_id, d.kind, d.created_at, d.message_id, d.merged_message_ids)
         select c.id, c.community_id from claimed c left join messages m on m.id = c.message_id
          order by c.community_id, case c.kind when 'negative' then 0 else 1 end, ${burstSeverity('c', 'm')} desc, c.created_at, c.id`,
        [cutoffs.before.toISOString(), cutoffs.urgentBefore.toISOString(), at.toISOString(), arrayLiteral(communityIds)],
      );
      const byCommunity = new Map<string, number[]>();
      for (const r of rows as Array<{ id: number | string; community_id: string }>) byCommunity.set(r.community_id, [...(byCommunity.get(r.community_id) ?? []), Number(r.id)]);
      const shown = [...byCommunity.values()].flatMap((ids) => ids.slice(0, detailed));
      if (shown.length === 0) return [...byCommunity].map(([communityId, ids]) => ({ communityId, total: ids.length, drafts: [] }));
      const details = new Map((await withMessages(await s.orm.select().from(drafts).where(inArray(drafts.id, shown)))).map((d) => [d.id, d]));
      return [...byCommunity].map(([communityId, ids]) => ({ communityId, total: ids.length, drafts: ids.slice(0, detailed).flatMap((id) => details.get(id) ?? []) }));
    },

    async countPendingByKind(communityIds) {
      if (communityIds.length === 0) return {};
      const rows = await s.orm
        .select({ kind: drafts.kind, n: count() })
        .from(drafts)
        .where(and(eq(drafts.status, 'pending'), inArray(drafts.communityId, communityIds)))
        .groupBy(drafts.kind);
      return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
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
          // An edit's text comes with its own check results; the flags of the text it replaced go.
          ...(u.text !== undefined ? { text: u.text, flags: u.flags ?? [], heldEditBy: null, heldEditByName: null, heldEditAt: null } : {}),
          decidedBy: u.decidedBy,
          decidedByName: u.decidedByName,
          decidedAt: u.decidedAt,
          decisionNote: u.note ?? null,
          updatedAt: u.decidedAt,
        })
        .where(and(eq(drafts.id, id), eq(drafts.status, 'pending'), u.ifText !== undefined ? eq(drafts.text, u.ifText) : undefined))
        .returning();
      return rows[0] ? toDraft(rows[0]) : null;
    },

    async holdEdit(id, edit) {
      const rows = await s.orm
        .update(drafts)
        .set({ text: edit.text, flags: edit.flags, heldEditBy: edit.by, heldEditByName: edit.byName, heldEditAt: edit.at, updatedAt: edit.at })
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
