import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestService, INGEST_BATCH_MAX, MESSAGE_TEXT_MAX_CHARS, type IngestService, type Labeler } from '../../../src/core/ingest-service.js';
import { labelMessage } from '../../../src/llm/offline/heuristics.js';
import { createFakeCore, inbound, type FakeCore } from '../../support/fakes.js';
import { messageIdsOf } from '../../../src/core/job-batches.js';

let core: FakeCore;
let ingest: IngestService;
let hints: Array<{ text: string; communityLanguage: string }>;

const offlineLabeler: Labeler = (text, hint) => labelMessage(text, { fallbackLanguage: hint.communityLanguage });

beforeEach(() => {
  core = createFakeCore();
  hints = [];
  const labeler: Labeler = (text, hint) => {
    hints.push({ text, ...hint });
    return offlineLabeler(text, hint);
  };
  ingest = createIngestService({ store: core.store, communities: core.communities, labeler, metrics: core.metrics, clock: core.clock, log: core.log });
});

const stored = () => [...core.store.state.messages.values()];

describe('ingest', () => {
  it('stores a question with its labels and queues one draft job, audited, in one statement', async () => {
    const outcome = await ingest.ingest(inbound('How do I reset my password?', { messageId: 'tg-1' }));

    expect(outcome).toEqual({ messageId: expect.any(Number), stored: true, draftDue: true });
    expect(stored()).toEqual([
      expect.objectContaining({ id: outcome.messageId, communityId: 'alpha', platformMessageId: 'tg-1', labels: expect.objectContaining({ language: 'en', isQuestion: true }) }),
    ]);
    expect(core.store.jobs.of('draft')).toEqual([{ messageIds: [outcome.messageId] }]);
    expect(core.store.auditOf('message.labelled')).toEqual([
      { communityId: 'alpha', actor: 'jamii', action: 'message.labelled', subject: `message:${outcome.messageId}`, details: { labels: expect.objectContaining({ isQuestion: true }) } },
    ]);
    // The job and the audit entry ride on the message's insert: no transaction around it.
    expect(core.store.messageWrites).toEqual([1]);
    expect(core.store.transactionCount).toBe(0);
    expect(core.metrics.ingested).toBe(1);
    expect(core.metrics.latencies).toEqual([{ stage: 'stored', seconds: 0 }]);
  });

  it('stores a redelivered message once and does not queue it again', async () => {
    const message = inbound('This is terrible, the app keeps crashing', { messageId: 'tg-2' });
    const first = await ingest.ingest(message);
    const again = await ingest.ingest({ ...message, sentAt: new Date('2025-03-01T10:00:00Z') });

    expect(again).toEqual({ messageId: first.messageId, stored: false, draftDue: false });
    expect(stored()).toHaveLength(1);
    expect(core.store.jobs.of('draft')).toEqual([{ messageIds: [first.messageId] }]);
    expect(core.store.auditOf('message.labelled')).toHaveLength(1);
    expect(core.metrics.ingested).toBe(1);
  });

  it('keeps the same platform message id in two different chats apart', async () => {
    const a = await ingest.ingest(inbound('hello', { messageId: '1', chat: { platform: 'sandbox', chatId: 'general' } }));
    const b = await ingest.ingest(inbound('hello', { messageId: '1', chat: { platform: 'sandbox', chatId: 'plaza' } }));
    expect(a.messageId).not.toBe(b.messageId);
    expect(b.stored).toBe(true);
  });

  it('stores a neutral message with its labels and queues nothing', async () => {
    const outcome = await ingest.ingest(inbound('Thanks a lot, that helped'));
    expect(outcome).toMatchObject({ stored: true, draftDue: false });
    expect(stored()[0]!.labels).toMatchObject({ isQuestion: false, isNegative: false });
    expect(core.store.jobs.jobs).toEqual([]);
    expect(core.store.state.audit).toEqual([]);
  });

  it.each([
    ['a bot', inbound('How do I reset my password?', { author: { id: 'jamii', displayName: 'Jamii', isBot: true } })],
    ['a service message', inbound('Amina changed the group title. Why?', { isService: true })],
    ['an empty message', inbound('   ')],
  ])('stores %s without labelling or drafting it', async (_what, message) => {
    const outcome = await ingest.ingest(message);
    expect(outcome).toMatchObject({ stored: true, draftDue: false });
    expect(stored()[0]!.labels).toBeNull();
    expect(hints).toEqual([]);
    expect(core.store.jobs.jobs).toEqual([]);
  });

  it('labels with the language of the community the chat belongs to', async () => {
    await ingest.ingest(inbound('👍', { chat: { platform: 'sandbox', chatId: 'plaza' } }));
    await ingest.ingest(inbound('👍', { chat: { platform: 'sandbox', chatId: 'somewhere-else' } }));
    expect(hints.map((h) => h.communityLanguage)).toEqual(['es', 'en']);
    expect(stored().map((m) => [m.communityId, m.labels?.language])).toEqual([
      ['beta', 'es'],
      ['alpha', 'en'],
    ]);
  });

  it(`truncates text longer than ${MESSAGE_TEXT_MAX_CHARS} characters before storing and labelling`, async () => {
    await ingest.ingest(inbound('a'.repeat(MESSAGE_TEXT_MAX_CHARS + 10)));
    expect(stored()[0]!.text).toHaveLength(MESSAGE_TEXT_MAX_CHARS);
    expect(hints[0]!.text).toHaveLength(MESSAGE_TEXT_MAX_CHARS);
  });

  it('stores display names and chat titles without invisible characters, on one line (a bidi override garbled cards)', async () => {
    await ingest.ingest(inbound('hello', { author: { id: 'u1', displayName: 'ev\u202eil\u200b\nmallory', isBot: false }, chatTitle: 'Gen\u2066eral\u2069 ' }));
    await ingest.ingest(inbound('hi', { author: { id: 'u2', displayName: '\u200b\u202e', isBot: false } }));
    expect(stored().map((m) => [m.author.displayName, m.chatTitle])).toEqual([
      ['evil mallory', 'General'],
      ['u2', null],
    ]);
  });
});

describe('ingestBatch', () => {
  it('stores a page of messages in one statement and queues the due ones', async () => {
    const outcomes = await ingest.ingestBatch([inbound('Hello everyone!'), inbound('¿Dónde está la tienda?'), inbound('Это ужасно, приложение не работает')]);
    expect(outcomes.map((o) => o.draftDue)).toEqual([false, true, true]);
    expect(core.store.messageWrites).toEqual([3]);
    expect(core.store.jobs.of('draft').flatMap(messageIdsOf)).toEqual([outcomes[1]!.messageId, outcomes[2]!.messageId]);
  });

  it('puts up to messagesPerDraftJob due messages of a batch in one draft job, in order', async () => {
    ingest = createIngestService({ store: core.store, communities: core.communities, labeler: offlineLabeler, metrics: core.metrics, clock: core.clock, log: core.log, messagesPerDraftJob: 3 });
    const outcomes = await ingest.ingestBatch(Array.from({ length: 8 }, (_, i) => inbound(i === 4 ? 'Hello everyone!' : `Question number ${i}?`)));
    const due = outcomes.filter((o) => o.draftDue).map((o) => o.messageId);
    expect(due).toHaveLength(7);
    expect(core.store.jobs.of('draft')).toEqual([{ messageIds: due.slice(0, 3) }, { messageIds: due.slice(3, 6) }, { messageIds: due.slice(6) }]);
  });

  it('stores a message repeated inside one batch once', async () => {
    const message = inbound('How do I join?');
    const outcomes = await ingest.ingestBatch([message, { ...message }]);
    expect(outcomes.map((o) => o.stored)).toEqual([true, false]);
    expect(outcomes[0]!.messageId).toBe(outcomes[1]!.messageId);
    expect(core.store.jobs.of('draft')).toHaveLength(1);
  });

  it('does nothing for an empty batch', async () => {
    expect(await ingest.ingestBatch([])).toEqual([]);
    expect(core.store.transactionCount).toBe(0);
    expect(core.store.messageWrites).toEqual([]);
  });
});

describe('group commit', () => {
  it('shares writes between concurrent ingest() calls', async () => {
    const messages = Array.from({ length: 8 }, (_, i) => inbound(`Question number ${i}?`));
    const outcomes = await Promise.all(messages.map((m) => ingest.ingest(m)));

    expect(outcomes.every((o) => o.stored && o.draftDue)).toBe(true);
    expect(new Set(outcomes.map((o) => o.messageId)).size).toBe(8);
    expect(core.store.messageWrites.length).toBeLessThanOrEqual(2);
    expect(core.store.jobs.of('draft')).toHaveLength(8);
  });

  it('puts messages handed over in the same tick (a getUpdates page) into one write', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => ingest.ingest(inbound(`Page message ${i}?`))));
    expect(core.store.messageWrites).toEqual([20]);
    // One arriving while that write runs goes into the next.
    const first = ingest.ingest(inbound('Is this the first?'));
    await Promise.resolve();
    await Promise.all([first, ingest.ingest(inbound('Does this come while the first runs?'))]);
    expect(core.store.messageWrites).toEqual([20, 1, 1]);
  });

  it('stores chatter, questions and complaints with no transaction around them; a possible answer gets one', async () => {
    const before = core.store.transactionCount;
    const outcomes = await Promise.all(['Hello all', 'Nice weather today', 'lol'].map((t) => ingest.ingest(inbound(t))));
    expect(outcomes.every((o) => o.stored && !o.draftDue)).toBe(true);
    expect(stored().map((m) => m.text)).toEqual(['Hello all', 'Nice weather today', 'lol']);
    const due = await Promise.all(['How do I pay?', 'This is awful, it broke again'].map((t) => ingest.ingest(inbound(t))));
    expect(due.every((o) => o.stored && o.draftDue)).toBe(true);
    expect(core.store.jobs.of('draft')).toHaveLength(2);
    expect(core.store.transactionCount - before).toBe(0);

    // A reply may answer a question with a pending draft: marked in the same transaction.
    await ingest.ingest(inbound('me too', { replyToMessageId: 'tg-1' }));
    expect(core.store.transactionCount - before).toBe(1);
  });

  it('rejects every caller of a chatter batch whose insert failed, and keeps serving later calls', async () => {
    const storeMany = core.store.messages.storeMany.bind(core.store.messages);
    let fail = true;
    core.store.messages.storeMany = async (batch) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      return storeMany(batch);
    };
    const results = await Promise.allSettled([ingest.ingest(inbound('hello')), ingest.ingest(inbound('hi there'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stored()).toEqual([]);
    await expect(ingest.ingest(inbound('good morning'))).resolves.toMatchObject({ stored: true, draftDue: false });
  });

  it('hands every caller the outcome of its own message', async () => {
    const texts = ['Hello', 'Why is it down?', 'Thanks', 'This is awful!!'];
    const outcomes = await Promise.all(texts.map((t) => ingest.ingest(inbound(t))));
    for (const [i, outcome] of outcomes.entries()) expect(core.store.state.messages.get(outcome.messageId)!.text).toBe(texts[i]);
    expect(outcomes.map((o) => o.draftDue)).toEqual([false, true, false, true]);
  });

  it(`never puts more than ${INGEST_BATCH_MAX} messages in one write`, async () => {
    const replies = { replyToMessageId: 'tg-0' };
    await Promise.all(Array.from({ length: INGEST_BATCH_MAX + 20 }, (_, i) => ingest.ingest(inbound(`Question ${i}: how do I pay?`))));
    // Replies take the transaction path (they may answer a question): capped the same way.
    await Promise.all(Array.from({ length: INGEST_BATCH_MAX + 20 }, (_, i) => ingest.ingest(inbound(`Reply ${i}: how?`, replies))));
    expect(Math.max(...core.store.messageWrites)).toBeLessThanOrEqual(INGEST_BATCH_MAX);
    expect(core.store.messageWrites.reduce((a, b) => a + b, 0)).toBe(2 * (INGEST_BATCH_MAX + 20));
    expect(core.store.jobs.of('draft')).toHaveLength(2 * (INGEST_BATCH_MAX + 20));
  });

  it('rejects every caller of a failed transaction, rolls it back with its draft jobs, and keeps serving later calls', async () => {
    // Replies: they may answer a question, so they are stored in a transaction.
    const reply = { replyToMessageId: 'tg-0' };
    // The first call commits alone; the two that arrive while it runs share the second transaction.
    core.store.failNextTransaction(new Error('disk full'), { skip: 1 });
    const warmUp = ingest.ingest(inbound('Is this on?', reply));
    await Promise.resolve(); // its transaction has started
    const results = await Promise.allSettled([warmUp, ingest.ingest(inbound('Why?', reply)), ingest.ingest(inbound('How?', reply))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(results[1]).toMatchObject({ reason: new Error('disk full') });
    expect(stored().map((m) => m.text)).toEqual(['Is this on?']);
    expect(core.store.jobs.of('draft')).toHaveLength(1);

    await expect(ingest.ingest(inbound('Where?', reply))).resolves.toMatchObject({ stored: true, draftDue: true });
  });
});

describe('ingest: edits', () => {
  const EDITED_AT = new Date('2025-03-01T10:05:00Z');

  it('replaces the text and labels and queues a draft when the edit turns the message into a question', async () => {
    const first = await ingest.ingest(inbound('hello all', { messageId: 'tg-9' }));
    expect(first.draftDue).toBe(false);
    const edited = await ingest.applyEdit(inbound('hello all, how do I pay?', { messageId: 'tg-9' }), EDITED_AT);
    expect(edited).toEqual({ messageId: first.messageId, stored: true, draftDue: true });
    expect(stored()).toEqual([expect.objectContaining({ text: 'hello all, how do I pay?', labels: expect.objectContaining({ isQuestion: true }) })]);
    expect(core.store.jobs.of('draft')).toEqual([{ messageIds: [first.messageId] }]);
    expect(core.store.auditOf('message.edited')).toHaveLength(1);
  });

  it('queues nothing when the edited message needs no reply', async () => {
    await ingest.ingest(inbound('hello all', { messageId: 'tg-10' }));
    await ingest.applyEdit(inbound('hello everyone', { messageId: 'tg-10' }), EDITED_AT);
    expect(core.store.jobs.of('draft')).toEqual([]);
    expect(stored()[0]!.text).toBe('hello everyone');
  });

  it('queues a draft for an edit by the same rule as a new message when every message is a candidate', async () => {
    const all = createIngestService({ store: core.store, communities: core.communities, labeler: offlineLabeler, metrics: core.metrics, clock: core.clock, log: core.log, draftCandidates: 'all' });
    const first = await all.ingest(inbound('hey', { messageId: 'tg-12' }));
    expect(first.draftDue).toBe(false);
    const edited = await all.applyEdit(inbound('I still cannot log in since yesterday', { messageId: 'tg-12' }), EDITED_AT);
    expect(edited).toEqual({ messageId: first.messageId, stored: true, draftDue: true });
    expect(core.store.jobs.of('draft')).toEqual([{ messageIds: [first.messageId] }]);
  });

  it('refreshes the cards of the pending drafts the edited message belongs to (merged into a burst too), in the same transaction', async () => {
    const own = core.store.seedDraft({ message: { platformMessageId: 'tg-13', text: 'How do I reset my password?' } });
    const merged = core.store.seedMessage({ platformMessageId: 'tg-14', text: 'order 1234 btw' });
    const burst = core.store.seedDraft({ message: { platformMessageId: 'tg-15', text: 'Where is my order?' }, mergedMessageIds: [merged.id] });
    const transactions = core.store.transactionCount;
    await ingest.applyEdit(inbound('Never mind, found it. Thanks!', { messageId: 'tg-13' }), EDITED_AT);
    expect(core.store.transactionCount).toBe(transactions + 1);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: own.id }]);
    await ingest.applyEdit(inbound('order 1235 sorry', { messageId: 'tg-14' }), EDITED_AT);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: own.id }, { draftId: burst.id }]);
    expect(core.store.auditOf('message.edited')).toMatchObject([{ details: { drafts: [own.id] } }, { details: { drafts: [burst.id] } }]);
    expect(core.store.state.messages.get(own.messageId!)!.editedAt).toEqual(EDITED_AT);
  });

  it('ignores an older edit that arrives after a newer one: no draft job, card refresh or audit entry', async () => {
    const first = await ingest.ingest(inbound('hello all', { messageId: 'tg-16' }));
    await ingest.applyEdit(inbound('hello all, see you at the meetup', { messageId: 'tg-16' }), EDITED_AT);
    const late = await ingest.applyEdit(inbound('hello all, how do I pay?', { messageId: 'tg-16' }), new Date(EDITED_AT.getTime() - 60_000));
    expect(late).toEqual({ messageId: first.messageId, stored: false, draftDue: false });
    expect(stored()[0]!.text).toBe('hello all, see you at the meetup');
    expect(core.store.jobs.of('draft')).toEqual([]);
    expect(core.store.auditOf('message.edited')).toHaveLength(1);
  });

  it('stores the edit as a new message when the original was never seen', async () => {
    const outcome = await ingest.applyEdit(inbound('Where is my parcel?', { messageId: 'tg-11' }), EDITED_AT);
    expect(outcome).toMatchObject({ stored: true, draftDue: true });
    expect(stored()).toHaveLength(1);
  });
});

describe('applyDeletion', () => {
  it('keeps a deleted message marked deleted, refreshes the card of its pending draft, and audits it', async () => {
    const d = core.store.seedDraft({ message: { platformMessageId: 'm-9', text: 'Where is my order?' } });
    const at = new Date('2025-03-01T10:00:00Z');
    const outcome = await ingest.applyDeletion(d.message!.chat, ['m-9', 'never-stored'], at);
    expect(outcome.deleted).toEqual([d.message!.id]);
    expect(core.store.state.messages.get(d.message!.id)!.deletedAt).toEqual(at);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: d.id }]);
    expect(core.store.auditOf('message.deleted')).toMatchObject([{ communityId: 'alpha', details: { messageIds: [d.message!.id], drafts: [d.id] } }]);
  });

  it('refreshes the card of a draft approved but not yet sent, and leaves decided-and-done drafts alone', async () => {
    const approved = core.store.seedDraft({ status: 'approved', message: { platformMessageId: 'm-10', text: 'Where is my order?' } });
    const sent = core.store.seedDraft({ status: 'sent', message: { platformMessageId: 'm-11', text: 'How do I pay?' } });
    const rejected = core.store.seedDraft({ status: 'rejected', message: { platformMessageId: 'm-12', text: 'Why?' } });
    await ingest.applyDeletion(approved.message!.chat, ['m-10', 'm-11', 'm-12'], new Date('2025-03-01T10:00:00Z'));
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: approved.id }]);
  });

  it('does nothing for messages it never stored', async () => {
    expect(await ingest.applyDeletion({ platform: 'sandbox', chatId: 'general' }, ['nope'], new Date())).toEqual({ deleted: [] });
    expect(core.store.auditOf('message.deleted')).toEqual([]);
  });
});

describe('ingest: intake first (whenIdle)', () => {
  it('resolves at once when nothing is being stored', async () => {
    let resolved = false;
    await ingest.whenIdle(60_000).then(() => (resolved = true));
    expect(resolved).toBe(true);
  });

  it('holds background work while messages are being stored, and lets it go when they are', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const storeMany = core.store.messages.storeMany.bind(core.store.messages);
    core.store.messages.storeMany = async (batch) => {
      await gate;
      return storeMany(batch);
    };
    const pending = ingest.ingest(inbound('hello'));
    await Promise.resolve(); // the flush has started
    let idle = false;
    const waiting = ingest.whenIdle(60_000).then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    release();
    await pending;
    await waiting;
    expect(idle).toBe(true);
  });

  it('never holds background work longer than asked, however busy intake stays', async () => {
    vi.useFakeTimers();
    try {
      core.store.messages.storeMany = () => new Promise(() => undefined); // a store that never answers
      void ingest.ingest(inbound('hello'));
      await Promise.resolve();
      let idle = false;
      const waiting = ingest.whenIdle(50).then(() => (idle = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(idle).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(idle).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
