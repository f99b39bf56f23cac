/**
 * Ingest: every inbound message is stored once, labelled, and — when it is a question or
 * negative feedback — given a draft job in the same transaction. Nothing else happens first.
 */
import type { CommunityDirectory } from './communities.js';
import { draftJobs } from './job-batches.js';
import type { Clock, CoreMetrics, Logger, MessageToStore, Store } from './ports.js';
import { stripInvisible, visibleLine } from './safety/invisible.js';
import type { ChatRef, InboundMessage, Labels } from './types.js';

/** Longest text Jamii stores for one message; platforms cap lower (Telegram 4096, Discord 4000). */
export const MESSAGE_TEXT_MAX_CHARS = 40_000;
/** How many concurrent inbound messages one transaction takes at most. */
export const INGEST_BATCH_MAX = 500;

export type Labeler = (text: string, hint: { communityLanguage: string }) => Labels;

export interface IngestOutcome {
  messageId: number;
  /** false when the platform redelivered a message already stored, or an edit older than the one stored. */
  stored: boolean;
  draftDue: boolean;
}

export interface IngestService {
  /** Stores a batch in one transaction (a Telegram getUpdates page, a replay). */
  ingestBatch(batch: InboundMessage[]): Promise<IngestOutcome[]>;
  /** Stores one message; concurrent calls share a transaction (group commit). */
  ingest(message: InboundMessage): Promise<IngestOutcome>;
  /**
   * A member edited a message: its stored text and labels are replaced (a message never seen
   * before is stored as new), a draft job is queued when it now needs a reply and has none, and
   * the cards of drafts written from it (or from a burst it is in) are refreshed to
   * quote the new text and say it changed.
   */
  applyEdit(message: InboundMessage, editedAt: Date): Promise<IngestOutcome>;
  /**
   * Messages were deleted on the platform: they stay stored, marked deleted (for the record and
   * analytics); the cards of drafts answering them (pending, or approved and not yet sent) say
   * so, and no draft is written for them.
   */
  applyDeletion(chat: ChatRef, platformMessageIds: string[], at: Date): Promise<{ deleted: number[] }>;
  /**
   * Resolves when no inbound message is waiting or being stored, or after `maxWaitMs`: background
   * work (drafting) lets intake go first on the shared event loop, and is never held longer.
   */
  whenIdle(maxWaitMs: number): Promise<void>;
}

/** A question someone should answer, or negative feedback: a draft is due. */
export function isDraftDue(labels: Labels | null): boolean {
  if (!labels) return false;
  return labels.isNegative || (labels.isQuestion && labels.needsReply !== false);
}

/** Shortest message (in words) sent to a model for labelling when every message is a candidate. */
export const CANDIDATE_MIN_WORDS = 2;

/**
 * Which messages get a draft job: `labelled` — those the rules at ingest call a question or
 * negative; `all` — every member's message of a few words, for a model provider to label again
 * in the draft job (rules miss questions a model catches; the model never runs in ingest).
 */
export type DraftCandidates = 'labelled' | 'all';

export function createIngestService(deps: {
  store: Store;
  communities: CommunityDirectory;
  labeler: Labeler;
  metrics: CoreMetrics;
  clock: Clock;
  log: Logger;
  /** Draft jobs wait this long, so a member's burst of messages is answered once. */
  burstWindowSeconds?: number | undefined;
  draftCandidates?: DraftCandidates | undefined;
  /**
   * Messages one draft job carries at most (default 1): many for offline drafting, where a
   * batch's drafts are one transaction; one for a model, whose worker batch is a round of calls.
   */
  messagesPerDraftJob?: number | undefined;
}): IngestService {
  const { store, communities, labeler, metrics, clock } = deps;
  const storeOptions = { draftDelaySeconds: deps.burstWindowSeconds ?? 0, messagesPerDraftJob: deps.messagesPerDraftJob ?? 1 };
  const isCandidate = (record: MessageToStore): boolean => {
    if (isDraftDue(record.labels)) return true;
    if (deps.draftCandidates !== 'all' || !record.labels) return false;
    return record.inbound.text.trim().split(/\s+/).length >= CANDIDATE_MIN_WORDS;
  };

  const prepare = (m: InboundMessage): MessageToStore => {
    const communityId = communities.communityOf(m.chat.platform, m.chat.chatId);
    // Invisible characters (tag-block smuggling, zero-width splits) never reach storage or a prompt.
    const visible = stripInvisible(m.text);
    const text = visible.length > MESSAGE_TEXT_MAX_CHARS ? visible.slice(0, MESSAGE_TEXT_MAX_CHARS) : visible;
    const labellable = !m.author.isBot && !m.isService && text.trim().length > 0;
    const labels = labellable ? labeler(text, { communityLanguage: communities.get(communityId).language }) : null;
    // Names are shown on cards, in reports and in prompts: the same cleaning, on one line.
    const author = { ...m.author, displayName: visibleLine(m.author.displayName) || m.author.id };
    const chatTitle = m.chatTitle === undefined ? undefined : visibleLine(m.chatTitle) || undefined;
    const record: MessageToStore = { inbound: { ...m, text, author, chatTitle }, communityId, labels };
    // A message that gets a draft job has it queued, and its labels audited, by its own insert.
    return isCandidate(record) ? { ...record, draftJob: true, audit: { action: 'message.labelled', details: { labels } } } : record;
  };

  const ingestBatch = async (batch: InboundMessage[]): Promise<IngestOutcome[]> => {
    if (batch.length === 0) return [];
    const started = clock.now().getTime();
    const records = batch.map(prepare);
    // A member's reply (or a message in a thread) may answer a question that has a pending draft.
    const mayAnswer = (r: MessageToStore) => !r.inbound.author.isBot && Boolean(r.inbound.replyToMessageId || r.inbound.chat.threadId);
    // Unless a message may answer a question, the messages' insert (draft jobs and audit
    // included) is the only write that matters, so it runs as one statement with no transaction
    // around it (a member or chat upsert before it is idempotent on its own): no BEGIN and
    // COMMIT round trips, on questions and complaints too.
    const refs = !records.some(mayAnswer)
      ? await store.messages.storeMany(records, storeOptions)
      : await store.transaction(async (tx) => {
          const stored = await tx.messages.storeMany(records, storeOptions);
          // A reply to a question with a pending draft: the card says it was answered. A draft being
          // written meanwhile is waited for, so it is either seen here or sees the reply itself.
          const replies = stored.flatMap((ref, i) => (ref.inserted && mayAnswer(records[i]!) ? [{ id: ref.id, communityId: records[i]!.communityId }] : []));
          if (replies.length > 0) await tx.conversation.lockAnswers(replies.map((r) => r.communityId), 'shared');
          const answered = await tx.conversation.markAnsweredBy(replies.map((r) => r.id));
          await tx.jobs.enqueue('desk-refresh', answered.map((draftId) => ({ draftId })));
          return stored;
        });
    const inserted = refs.filter((r) => r.inserted).length;
    metrics.messageIngested(inserted);
    const seconds = (clock.now().getTime() - started) / 1000;
    for (let i = 0; i < inserted; i++) metrics.pipelineLatency('stored', seconds);
    return refs.map((ref, i) => ({ messageId: ref.id, stored: ref.inserted, draftDue: ref.inserted && isCandidate(records[i]!) }));
  };

  // Group commit: while one transaction runs, arrivals queue; the next transaction takes them all.
  let queue: Array<{ message: InboundMessage; resolve: (o: IngestOutcome) => void; reject: (e: unknown) => void }> = [];
  let flushing = false;
  let idleWaiters: Array<() => void> = [];
  const flush = async (): Promise<void> => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const take = queue.slice(0, INGEST_BATCH_MAX);
        queue = queue.slice(take.length);
        try {
          const outcomes = await ingestBatch(take.map((t) => t.message));
          take.forEach((t, i) => t.resolve(outcomes[i]!));
        } catch (error) {
          take.forEach((t) => t.reject(error));
        }
      }
    } finally {
      flushing = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const applyEdit = async (message: InboundMessage, editedAt: Date): Promise<IngestOutcome> => {
    const record = prepare(message);
    const outcome = await store.transaction(async (tx) => {
      const updated = await tx.messages.updateText({ chat: message.chat, platformMessageId: message.messageId, text: record.inbound.text, labels: record.labels, editedAt });
      if (!updated) return null;
      // An older edit that arrived after a newer one changed nothing: no draft, card or audit for it.
      if (!updated.applied) return { messageId: updated.id, stored: false, draftDue: false };
      // The same rule as a new message: in `all` mode an edit of a few words is a candidate too.
      const draftDue = isCandidate(record);
      // Drafting skips a message that already has a draft, so this never drafts twice.
      if (draftDue) await tx.jobs.enqueue('draft', draftJobs([updated.id], 1), { startAfterSeconds: storeOptions.draftDelaySeconds });
      // Drafts already written from the old text: their cards quote the new one and say it changed.
      const drafts = await tx.conversation.openDraftsFor([updated.id]);
      await tx.jobs.enqueue('desk-refresh', drafts.map((draftId) => ({ draftId })));
      await tx.audit.write({ communityId: record.communityId, actor: 'jamii', action: 'message.edited', subject: `message:${updated.id}`, details: { labels: record.labels, drafts } });
      return { messageId: updated.id, stored: true, draftDue };
    });
    return outcome ?? (await ingestBatch([message]))[0]!;
  };

  const applyDeletion = async (chat: ChatRef, platformMessageIds: string[], at: Date) =>
    store.transaction(async (tx) => {
      const deleted = await tx.messages.markDeleted(chat, platformMessageIds, at);
      if (deleted.length === 0) return { deleted };
      const drafts = await tx.conversation.openDraftsFor(deleted);
      await tx.jobs.enqueue('desk-refresh', drafts.map((draftId) => ({ draftId })));
      const communityId = communities.communityOf(chat.platform, chat.chatId);
      await tx.audit.write({ communityId, actor: chat.platform, action: 'message.deleted', subject: `${chat.platform}:${chat.chatId}`, details: { messageIds: deleted, drafts } });
      return { deleted };
    });

  return {
    ingestBatch,
    applyEdit,
    applyDeletion,
    whenIdle(maxWaitMs) {
      if (!flushing && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    ingest(message) {
      return new Promise<IngestOutcome>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        if (flushing) return;
        // Start on the next microtask: messages handed over in the same tick (a getUpdates page,
        // a gateway burst) go into one transaction instead of the first alone and the rest after.
        flushing = true;
        queueMicrotask(() => void flush());
      });
    },
  };
}
