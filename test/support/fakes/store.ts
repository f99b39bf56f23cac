/**
 * The fake store: every table in memory (store-context.ts), each repository call atomic
 * (conditional updates check and write in one synchronous step), and transactions run one at a
 * time with rollback, like a database with a single connection. Jobs enqueued inside a
 * transaction become visible only when it commits.
 */
import type { Clock, JobEnqueuer, Repositories } from '../../../src/core/ports.js';
import { UNDECIDED, type Draft, type StoredMessage } from '../../../src/core/types.js';
import { createFakeClock, createRecordingJobs } from './basics.js';
import { clone, createStoreContext, type FakeStore } from './store-context.js';
import { peopleRepositories } from './store-people.js';
import { recordRepositories } from './store-records.js';

export function createFakeStore(options: { clock?: Clock } = {}): FakeStore {
  const clock = options.clock ?? createFakeClock();
  const ctx = createStoreContext(clock);
  const { chatIdOf, withMessage, insertOutbox } = ctx;
  const committedJobs = createRecordingJobs();
  let transactionCount = 0;
  let failing: { error: Error; transaction: number } | null = null;
  let lock: Promise<void> = Promise.resolve();


  const repositories = (jobs: JobEnqueuer): Repositories => ({ ...peopleRepositories(ctx), ...recordRepositories(ctx, jobs), jobs });
  const base = repositories(committedJobs);

  const store: FakeStore = {
    ...base,
    get state() {
      return ctx.state;
    },
    jobs: committedJobs,
    messageWrites: ctx.messageWrites,
    get transactionCount() {
      return transactionCount;
    },
    async transaction(fn) {
      transactionCount += 1;
      const number = transactionCount;
      const previous = lock;
      let release!: () => void;
      lock = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      const snapshot = clone(ctx.state);
      const staged = createRecordingJobs();
      try {
        const result = await fn(repositories(staged));
        if (failing?.transaction === number) {
          const { error } = failing;
          failing = null;
          throw error;
        }
        committedJobs.jobs.push(...staged.jobs);
        return result;
      } catch (error) {
        ctx.state = snapshot;
        throw error;
      } finally {
        release();
      }
    },
    failNextTransaction(error, options = {}) {
      failing = { error, transaction: transactionCount + 1 + (options.skip ?? 0) };
    },
    grant(platform, userId, communityId, role) {
      ctx.state.roles.push({ platform, userId, communityId, role, source: 'test' });
    },
    seedMessage(seed = {}) {
      const id = ctx.state.nextId.message++;
      const message: StoredMessage = {
        id,
        communityId: seed.communityId ?? 'alpha',
        chat: seed.chat ?? { platform: 'sandbox', chatId: 'general' },
        chatTitle: seed.chatTitle ?? null,
        platformMessageId: seed.platformMessageId ?? `m-${id}`,
        author: { id: 'amina', displayName: 'Amina', isBot: false, ...seed.author },
        text: seed.text ?? 'How do I reset my password?',
        replyToMessageId: null,
        labels: seed.labels === undefined ? { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['asks with a question mark'] } : seed.labels,
        sentAt: seed.sentAt ?? clock.now(),
      };
      ctx.state.messages.set(id, message);
      return clone(message);
    },
    seedDraft(seed = {}) {
      const { message: messageSeed, ...fields } = seed;
      const message = store.seedMessage({ communityId: fields.communityId, ...messageSeed });
      const text = fields.text ?? 'Thanks for your question, Amina! Our team is looking into it.';
      const draft: Draft = {
        id: ctx.state.nextId.draft++,
        messageId: message.id,
        communityId: message.communityId,
        kind: 'question',
        text,
        originalText: text,
        status: 'pending',
        reason: 'Question in en: asks with a question mark.',
        language: 'en',
        promptName: 'offline-question',
        promptVersion: '1+abcdef0',
        provider: 'offline',
        model: null,
        mergedMessageIds: [],
        sources: [],
        translation: null,
        flags: [],
        ...UNDECIDED,
        poll: null,
        details: {},
        dedupeKey: null,
        targetChatId: chatIdOf(message.chat, message.communityId, message.chatTitle),
        createdAt: clock.now(),
        ...fields,
      };
      ctx.state.drafts.set(draft.id, draft);
      return withMessage(draft)!;
    },
    seedOutbox(post) {
      const row = insertOutbox({
        kind: post.kind,
        target: post.target,
        replyToMessageId: post.replyToMessageId ?? null,
        text: post.text ?? 'text',
        card: post.card ?? null,
        draftId: post.draftId ?? null,
        dedupeKey: post.dedupeKey ?? `seed:${ctx.state.nextId.outbox}`,
      })!;
      Object.assign(row, {
        ...(post.status ? { status: post.status } : {}),
        ...(post.attempts !== undefined ? { attempts: post.attempts } : {}),
        ...(post.platformMessageId !== undefined ? { platformMessageId: post.platformMessageId } : {}),
      });
      return clone(row);
    },
    auditOf(action) {
      return ctx.state.audit.filter((a) => a.action === action);
    },
  };
  return store;
}
