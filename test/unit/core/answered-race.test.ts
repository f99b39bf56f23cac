/**
 * A member's reply stored while the asker's draft is being written: the reply is committed after
 * drafting's markAlreadyAnswered has read the replies, but before the drafting transaction
 * commits, so ingest's markAnsweredBy cannot see the draft yet. The card must still say the
 * question was answered.
 *
 * PGlite and the fake store run transactions one at a time, where this cannot happen; Postgres
 * runs them at once. So the fake store is given Postgres's READ COMMITTED for what matters here:
 * transactions run concurrently, the answering queries see the drafts and messages committed
 * before them (and their own transaction's), and lockAnswers is a real shared/exclusive lock held
 * until commit. The two paths are interleaved by gates, never by waiting for time to pass.
 */
import { describe, expect, it } from 'vitest';
import { createDraftingService } from '../../../src/core/drafting-service.js';
import { createIngestService } from '../../../src/core/ingest-service.js';
import type { ConversationRepository, Repositories, Store } from '../../../src/core/ports.js';
import type { Labels } from '../../../src/core/types.js';
import { createOfflineProvider } from '../../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../../src/llm/prompt-registry.js';
import { createFakeCore, inbound, type FakeStore } from '../../support/fakes.js';

const QUESTION: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['asks with a question mark'] };

/** One shared/exclusive lock per key, held until the transaction that took it ends. */
function createLocks() {
  const held = new Map<string, { shared: number; exclusive: boolean }>();
  const waiting: Array<() => void> = [];
  const free = (key: string, mode: 'shared' | 'exclusive') => {
    const h = held.get(key) ?? { shared: 0, exclusive: false };
    return mode === 'shared' ? !h.exclusive : !h.exclusive && h.shared === 0;
  };
  return {
    async take(key: string, mode: 'shared' | 'exclusive'): Promise<() => void> {
      while (!free(key, mode)) await new Promise<void>((resolve) => waiting.push(resolve));
      const h = held.get(key) ?? { shared: 0, exclusive: false };
      if (mode === 'shared') h.shared += 1;
      else h.exclusive = true;
      held.set(key, h);
      return () => {
        if (mode === 'shared') h.shared -= 1;
        else h.exclusive = false;
        for (const wake of waiting.splice(0)) wake();
      };
    },
  };
}

/** The fake store, with concurrent transactions and READ COMMITTED visibility for the answering queries. */
function readCommitted(fake: FakeStore, hooks: { afterAlreadyAnswered?: () => Promise<void>; onLockAnswers?: (mode: string) => void }): Store {
  const uncommitted = new Map<number, { drafts: Set<number>; messages: Set<number> }>();
  const locks = createLocks();
  let nextTx = 0;
  const visible = (tx: number) => {
    const others = [...uncommitted.entries()].filter(([id]) => id !== tx).map(([, rows]) => rows);
    return {
      draft: (id: number) => !others.some((o) => o.drafts.has(id)),
      message: (id: number) => !others.some((o) => o.messages.has(id)),
    };
  };
  /** A reply by another person to the draft's message (the fake stores platform ids as given). */
  const answers = (draftId: number, replyId: number) => {
    const d = fake.state.drafts.get(draftId)!;
    const q = fake.state.messages.get(d.messageId!)!;
    const r = fake.state.messages.get(replyId)!;
    return r.replyToMessageId === q.platformMessageId && r.chat.chatId === q.chat.chatId && r.author.id !== q.author.id && !r.author.isBot;
  };
  const mark = (draftId: number, replyId: number) => {
    const d = fake.state.drafts.get(draftId)!;
    const r = fake.state.messages.get(replyId)!;
    fake.state.drafts.set(draftId, { ...d, answeredByName: r.author.displayName, answeredAt: r.sentAt });
  };
  const conversation = (tx: number, releases: Array<() => void>): ConversationRepository => ({
    ...fake.conversation,
    async lockAnswers(communityIds, mode) {
      hooks.onLockAnswers?.(mode);
      for (const id of [...new Set(communityIds)].sort()) releases.push(await locks.take(id, mode));
    },
    async markAnsweredBy(replyIds) {
      const see = visible(tx);
      const marked = [...fake.state.drafts.values()]
        .filter((d) => see.draft(d.id) && d.status === 'pending' && d.answeredAt === null && replyIds.some((r) => answers(d.id, r)))
        .map((d) => (mark(d.id, replyIds.find((r) => answers(d.id, r))!), d.id));
      return marked;
    },
    async markAlreadyAnswered(draftIds) {
      const see = visible(tx);
      const result = draftIds.flatMap((draftId) => {
        const reply = [...fake.state.messages.values()].find((m) => see.message(m.id) && answers(draftId, m.id));
        if (!reply || fake.state.drafts.get(draftId)!.answeredAt !== null) return [];
        mark(draftId, reply.id);
        return [{ draftId, answeredByName: reply.author.displayName, answeredAt: reply.sentAt }];
      });
      await hooks.afterAlreadyAnswered?.();
      return result;
    },
  });
  return {
    ...fake,
    async transaction(fn) {
      const tx = (nextTx += 1);
      const rows = { drafts: new Set<number>(), messages: new Set<number>() };
      uncommitted.set(tx, rows);
      const releases: Array<() => void> = [];
      const repositories: Repositories = {
        ...fake,
        drafts: {
          ...fake.drafts,
          async insertMany(list) {
            const inserted = await fake.drafts.insertMany(list);
            for (const d of inserted) rows.drafts.add(d.id);
            return inserted;
          },
        },
        messages: {
          ...fake.messages,
          async storeMany(records, options) {
            const refs = await fake.messages.storeMany(records, options);
            for (const ref of refs) if (ref.inserted) rows.messages.add(ref.id);
            return refs;
          },
        },
        conversation: conversation(tx, releases),
      };
      try {
        return await fn(repositories);
      } finally {
        // Commit: the rows become visible to every statement that starts from now on; the locks go.
        uncommitted.delete(tx);
        for (const release of releases) release();
      }
    },
  };
}

describe('a reply stored while the asker’s draft is being written', () => {
  it('marks the draft answered although the reply commits between drafting’s query and its commit', async () => {
    const core = createFakeCore();
    let queried!: () => void;
    const draftingQueried = new Promise<void>((resolve) => (queried = resolve));
    let commitDrafting!: () => void;
    const draftingMayCommit = new Promise<void>((resolve) => (commitDrafting = resolve));
    let ingestWaits!: () => void;
    const ingestWaiting = new Promise<void>((resolve) => (ingestWaits = resolve));
    const store = readCommitted(core.store, {
      afterAlreadyAnswered: async () => {
        queried();
        await draftingMayCommit;
      },
      onLockAnswers: (mode) => mode === 'shared' && ingestWaits(),
    });
    const drafting = createDraftingService({ store, provider: createOfflineProvider({ prompts: loadPromptRegistry() }), communities: core.communities, deskPlatforms: () => ['sandbox'], metrics: core.metrics, clock: core.clock, log: core.log });
    const ingest = createIngestService({ store, communities: core.communities, labeler: () => ({ ...QUESTION, isQuestion: false, reasons: [] }), metrics: core.metrics, clock: core.clock, log: core.log });
    const question = core.store.seedMessage({ text: 'How do I reset my password?', labels: QUESTION, platformMessageId: 'q-1' });

    const drafted = drafting.draftFor([question.id]);
    await draftingQueried; // drafting has read the replies (none yet); its transaction is still open
    const replied = ingest.ingest(inbound('Settings → Security → Reset password', { user: 'bob', messageId: 'r-1', replyToMessageId: 'q-1' }));
    // The reply is stored, and its transaction either finished or waits for the drafting commit.
    await Promise.race([replied, ingestWaiting]);
    commitDrafting();
    const [{ created }] = await Promise.all([drafted, replied]);

    expect(created).toHaveLength(1);
    const draft = core.store.state.drafts.get(created[0]!)!;
    expect(draft).toMatchObject({ status: 'pending', answeredByName: 'bob' });
    expect(core.store.jobs.of('desk-refresh')).toContainEqual({ draftId: draft.id });
  });
});
