/** The fake store's repositories of record: messages, drafts, the outbox and the audit log. */
import type { JobEnqueuer, NewDraft, Repositories } from '../../../src/core/ports.js';
import type { Draft, DraftKind } from '../../../src/core/types.js';
import { draftJobs } from '../../../src/core/job-batches.js';
import { chatKey, clone, type StoreContext } from './store-context.js';

export type RecordRepositories = Pick<Repositories, 'messages' | 'drafts' | 'outbox' | 'audit'>;

export function recordRepositories(ctx: StoreContext, jobs: JobEnqueuer): RecordRepositories {
  const { chatIdOf, withMessage, insertOutbox, toPost, transition, storeDraft, claimed, markSentMany, clock, messageWrites } = ctx;
  return {
    messages: {
      async markDeleted(chat, platformMessageIds, at) {
        const hit = [...ctx.state.messages.values()].filter((m) => chatKey(m.chat) === chatKey(chat) && platformMessageIds.includes(m.platformMessageId) && !m.deletedAt);
        for (const m of hit) m.deletedAt = at;
        return hit.map((m) => m.id);
      },
      async storeMany(batch, options = {}) {
        messageWrites.push(batch.length);
        const refs = [];
        const drafted: number[] = [];
        for (const b of batch) {
          const existing = [...ctx.state.messages.values()].find(
            (m) => chatKey(m.chat) === chatKey(b.inbound.chat) && m.platformMessageId === b.inbound.messageId,
          );
          if (existing) {
            refs.push({ id: existing.id, chatRef: b.inbound.chat, platformMessageId: b.inbound.messageId, inserted: false });
            continue;
          }
          const id = ctx.state.nextId.message++;
          ctx.state.messages.set(id, {
            id,
            communityId: b.communityId,
            chat: clone(b.inbound.chat),
            chatTitle: b.inbound.chatTitle ?? null,
            platformMessageId: b.inbound.messageId,
            author: clone(b.inbound.author),
            text: b.inbound.text,
            replyToMessageId: b.inbound.replyToMessageId ?? null,
            labels: clone(b.labels),
            sentAt: b.inbound.sentAt,
          });
          refs.push({ id, chatRef: b.inbound.chat, platformMessageId: b.inbound.messageId, inserted: true });
          if (b.audit) ctx.state.audit.push({ communityId: b.communityId, actor: 'jamii', action: b.audit.action, subject: `message:${id}`, details: clone(b.audit.details) });
          if (b.draftJob) drafted.push(id);
        }
        if (drafted.length > 0) await jobs.enqueue('draft', draftJobs(drafted, options.messagesPerDraftJob ?? 1), { startAfterSeconds: options.draftDelaySeconds });
        return refs;
      },
      async get(id) {
        const m = ctx.state.messages.get(id);
        return m ? clone(m) : null;
      },
      async getMany(ids) {
        return ids.flatMap((id) => {
          const m = ctx.state.messages.get(id);
          return m ? [clone(m)] : [];
        });
      },
      async updateText(edit) {
        const m = [...ctx.state.messages.values()].find((x) => chatKey(x.chat) === chatKey(edit.chat) && x.platformMessageId === edit.platformMessageId);
        if (!m) return null;
        // As the database: an older edit arriving late never overwrites a newer one.
        if (m.editedAt && m.editedAt > edit.editedAt) return { id: m.id, applied: false };
        m.text = edit.text;
        m.labels = clone(edit.labels);
        m.editedAt = edit.editedAt;
        return { id: m.id, applied: true };
      },
    },
    drafts: {
      lockDrafting: async () => undefined,
      async insertPost(d) {
        for (const existing of ctx.state.drafts.values()) if (existing.dedupeKey === d.dedupeKey) return null;
        return storeDraft({ messageId: null, ...d, mergedMessageIds: [], translation: null });
      },
      async insertMany(list) {
        const out: Draft[] = [];
        for (const d of list) {
          const made = await this.insert(d);
          if (made) out.push(made);
        }
        return out;
      },
      async insert(d: NewDraft) {
        for (const existing of ctx.state.drafts.values()) if (existing.messageId === d.messageId) return null;
        const message = ctx.state.messages.get(d.messageId);
        return storeDraft({
          ...d,
          targetChatId: message ? chatIdOf(message.chat, message.communityId, message.chatTitle) : 0,
          poll: null,
          details: {},
          dedupeKey: null,
          model: d.model ?? null,
          mergedMessageIds: d.mergedMessageIds ?? [],
          sources: d.sources ?? [],
          translation: d.translation ?? null,
          flags: d.flags ?? [],
        });
      },
      async get(id) {
        const d = ctx.state.drafts.get(id);
        return d ? withMessage(d) : null;
      },
      async statusOf(id) {
        return ctx.state.drafts.get(id)?.status ?? null;
      },
      async draftedMessageIds(messageIds) {
        return new Set([...ctx.state.drafts.values()].flatMap((d) => [d.messageId ?? -1, ...d.mergedMessageIds]).filter((id) => messageIds.includes(id)));
      },
      async listPending(communityIds, limit, kinds) {
        const rank = (kind: string) => (kind === 'negative' ? 0 : kind === 'question' ? 1 : 2);
        const severity = (d: Draft) => (d.messageId === null ? 0 : (ctx.state.messages.get(d.messageId)?.labels?.severity ?? 0));
        return [...ctx.state.drafts.values()]
          .filter((d) => d.status === 'pending' && communityIds.includes(d.communityId) && (!kinds || kinds.includes(d.kind)))
          .sort((a, b) => rank(a.kind) - rank(b.kind) || severity(b) - severity(a) || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
          .slice(0, limit)
          .flatMap((d) => withMessage(d) ?? []);
      },
      async claimOverdue(communityIds, cutoffs, at, detailed) {
        const severity = (d: Draft) => (d.messageId === null ? 0 : (ctx.state.messages.get(d.messageId)?.labels?.severity ?? 0));
        // drafts.reminded_at, kept on the draft so a rolled-back transaction forgets it.
        const reminded = (d: Draft) => d as Draft & { remindedAt?: Date };
        const due = [...ctx.state.drafts.values()]
          .filter((d) => d.status === 'pending' && (d.kind === 'question' || d.kind === 'negative') && !reminded(d).remindedAt && communityIds.includes(d.communityId))
          .filter((d) => !(d.messageId !== null && ctx.state.messages.get(d.messageId)?.deletedAt && d.mergedMessageIds.every((id) => ctx.state.messages.get(id)?.deletedAt)))
          .filter((d) => d.createdAt.getTime() <= (d.kind === 'negative' && severity(d) >= 3 ? cutoffs.urgentBefore : cutoffs.before).getTime())
          .sort(
            (a, b) =>
              a.communityId.localeCompare(b.communityId) ||
              (a.kind === 'negative' ? 0 : 1) - (b.kind === 'negative' ? 0 : 1) ||
              severity(b) - severity(a) ||
              a.createdAt.getTime() - b.createdAt.getTime() ||
              a.id - b.id,
          );
        for (const d of due) reminded(d).remindedAt = at;
        const byCommunity = new Map<string, Draft[]>();
        for (const d of due) byCommunity.set(d.communityId, [...(byCommunity.get(d.communityId) ?? []), d]);
        return [...byCommunity].map(([communityId, list]) => ({ communityId, total: list.length, drafts: list.slice(0, detailed).flatMap((d) => withMessage(d) ?? []) }));
      },
      async countPendingByKind(communityIds) {
        const counts: Partial<Record<DraftKind, number>> = {};
        for (const d of ctx.state.drafts.values()) if (d.status === 'pending' && communityIds.includes(d.communityId)) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
        return counts;
      },
      async countPending(communityIds) {
        return [...ctx.state.drafts.values()].filter((d) => d.status === 'pending' && communityIds.includes(d.communityId)).length;
      },
      async decide(id, u) {
        const d = ctx.state.drafts.get(id);
        if (!d || d.status !== 'pending' || (u.ifText !== undefined && d.text !== u.ifText)) return null;
        d.status = u.status;
        if (u.text !== undefined) Object.assign(d, { text: u.text, flags: u.flags ?? [], heldEdit: null });
        d.decidedBy = u.decidedBy;
        d.decidedByName = u.decidedByName;
        d.decidedAt = u.decidedAt;
        d.decisionNote = u.note ?? null;
        return clone(d);
      },
      async holdEdit(id, { text, flags, ...heldEdit }) {
        const d = ctx.state.drafts.get(id);
        if (!d || d.status !== 'pending') return null;
        Object.assign(d, { text, flags, heldEdit });
        return clone(d);
      },
      async markSent(id) {
        const d = ctx.state.drafts.get(id);
        if (d && (d.status === 'approved' || d.status === 'edited')) d.status = 'sent';
      },
      async expirePendingBefore(before) {
        const ids: number[] = [];
        for (const d of ctx.state.drafts.values()) {
          if (d.status === 'pending' && d.createdAt.getTime() < before.getTime()) {
            d.status = 'expired';
            ids.push(d.id);
          }
        }
        return ids;
      },
    },
    outbox: {
      async insert(p) {
        const row = insertOutbox(p);
        return row ? toPost(row) : null;
      },
      async insertMany(list) {
        return list.flatMap((p) => {
          const row = insertOutbox(p);
          return row ? [toPost(row)] : [];
        });
      },
      async get(id) {
        const row = ctx.state.outbox.get(id);
        return row ? toPost(row) : null;
      },
      claim: async (id) =>
        claimed(
          transition(id, ['pending'], (r) => {
            r.status = 'sending';
            r.attempts += 1;
            r.claimedAt = clock.now();
          }),
        ),
      reclaim: async (id) =>
        claimed(
          transition(id, ['sending'], (r) => {
            r.attempts += 1;
            r.claimedAt = clock.now();
          }),
        ),
      async markSent(id, platformMessageId, at, audit) {
        await markSentMany([{ id, platformMessageId, at, audit }]);
      },
      markSentMany,
      async claimPendingCards(ids, platforms) {
        const cards = ids.filter((id) => {
          const row = ctx.state.outbox.get(id);
          return row?.kind === 'card' && platforms.includes(row.target.platform);
        });
        return cards.flatMap((id) => {
          const post = claimed(
            transition(id, ['pending'], (r) => {
              r.status = 'sending';
              r.attempts += 1;
              r.claimedAt = clock.now();
            }),
          );
          return post ? [post] : [];
        });
      },
      async release(id, error) {
        transition(id, ['sending'], (r) => {
          r.status = 'pending';
          r.lastError = error;
          r.waitUntil = null;
        });
      },
      async postpone(id, error, until) {
        transition(id, ['sending'], (r) => {
          r.status = 'pending';
          r.lastError = error;
          r.waitUntil = new Date(until);
        });
      },
      async markUnconfirmed(id, error) {
        transition(id, ['sending', 'pending'], (r) => {
          r.status = 'unconfirmed';
          r.lastError = error;
        });
      },
      async markFailed(id, error) {
        transition(id, ['sending', 'pending'], (r) => {
          r.status = 'failed';
          r.lastError = error;
        });
      },
      requeue: async (id, at) =>
        transition(id, ['unconfirmed', 'failed'], (r) => {
          r.status = 'pending';
          r.waitUntil = null;
          r.requeuedAt = at;
        }),
      async findReplyForDraft(draftId) {
        const row = [...ctx.state.outbox.values()].find((r) => r.draftId === draftId && (r.kind === 'reply' || r.kind === 'post'));
        return row ? toPost(row) : null;
      },
      async listCardsForDraft(draftId) {
        return [...ctx.state.outbox.values()].filter((r) => r.draftId === draftId && r.kind === 'card' && r.status === 'sent').map(toPost);
      },
      async countByStatus() {
        const counts: Record<string, number> = {};
        for (const r of ctx.state.outbox.values()) counts[r.status] = (counts[r.status] ?? 0) + 1;
        return counts;
      },
    },
    audit: {
      async write(entry) {
        ctx.state.audit.push(clone(entry));
      },
      async writeMany(entries) {
        for (const e of entries) ctx.state.audit.push(clone(e));
      },
    },
  };
}
