/** The SQL behind drafting context, on each real database: recent messages, bursts, the member, answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import type { InboundMessage, Labels } from '../../src/core/types.js';
import { DATABASES } from '../support/databases.js';
import { openTestStore } from '../support/harness.js';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const QUESTION: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: [] };
const COMPLAINT: Labels = { language: 'en', isQuestion: false, isNegative: true, severity: 2, reasons: [] };

describe.each(DATABASES)('conversation repository on %s', (kind) => {
  let store: Store;
  let close: () => Promise<void>;
  let seq = 0;

  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind, { id: 'c1', name: 'C1', language: 'en' }));
  });
  afterAll(() => close());

  /** Stores one message `seconds` after T0 and returns its id. */
  const say = async (chat: string, user: string, text: string, seconds: number, extra: Partial<InboundMessage> & { labels?: Labels | null } = {}) => {
    const { labels = null, ...inbound } = extra;
    const [ref] = await store.messages.storeMany([
      {
        communityId: 'c1',
        labels,
        inbound: { chat: { platform: 'sandbox', chatId: chat }, messageId: `m${++seq}`, author: { id: user, displayName: user, isBot: user === 'bot' }, text, sentAt: new Date(T0 + seconds * 1000), ...inbound },
      },
    ]);
    return ref!.id;
  };
  const draftFor = async (messageId: number, merged: number[] = []) => {
    const [draft] = await store.drafts.insertMany([{ messageId, communityId: 'c1', kind: 'question', text: 'x', reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'offline', mergedMessageIds: merged }]);
    return draft!;
  };

  it('gives the messages before one in its chat, oldest first, without other chats or service messages', async () => {
    await say('r1', 'ann', 'first', 0);
    await say('r2', 'bob', 'elsewhere', 1);
    await say('r1', 'bot', 'joined', 2, { isService: true });
    await say('r1', 'bob', 'second', 3);
    const q = await say('r1', 'ann', 'the question?', 4);
    await say('r1', 'cat', 'after', 5);
    expect((await store.conversation.recentBefore(q, 5)).map((m) => `${m.author}: ${m.text}`)).toEqual(['ann: first', 'bob: second']);
    expect((await store.conversation.recentBefore(q, 1)).map((m) => m.text)).toEqual(['second']);
  });

  it('keeps to the thread of a message in a thread', async () => {
    const root = await say('r3', 'ann', 'thread root', 0);
    await say('r3', 'bob', 'main chat chatter', 1);
    await say('r3', 'cat', 'in the thread', 2, { chat: { platform: 'sandbox', chatId: 'r3', threadId: `m${seq - 1}` } });
    const q = await say('r3', 'ann', 'question in thread?', 3, { chat: { platform: 'sandbox', chatId: 'r3', threadId: `m${seq - 2}` } });
    expect(root).toBeGreaterThan(0);
    expect((await store.conversation.recentBefore(q, 5)).map((m) => m.text)).toEqual(['thread root', 'in the thread']);
  });

  it('chains a member’s burst by the window, skipping other members and drafted messages', async () => {
    const a = await say('r4', 'dan', 'hi', 0);
    const b = await say('r4', 'dan', 'my order is late', 4);
    await say('r4', 'eve', 'same here', 5);
    const c = await say('r4', 'dan', 'where is it?', 9);
    const far = await say('r4', 'dan', 'hello?', 30);
    expect(await store.conversation.burstOf(b, 5)).toEqual([a, b, c]);
    expect(await store.conversation.burstOf(far, 5)).toEqual([far]);
    await draftFor(c, [a, b]);
    expect(await store.conversation.burstOf(b, 5)).toEqual([]);
    expect([...(await store.drafts.draftedMessageIds([a, b, c, far]))].sort((x, y) => x - y)).toEqual([a, b, c]);
  });

  it('leaves the messages the member deleted out of a burst', async () => {
    const a = await say('r12', 'dan', 'my card number is 4111 1111, why was I charged twice?', 0, { labels: QUESTION });
    await store.messages.markDeleted({ platform: 'sandbox', chatId: 'r12' }, [`m${seq}`], new Date(T0 + 2000));
    const b = await say('r12', 'dan', 'anyone?', 4, { labels: QUESTION });
    expect(a).toBeGreaterThan(0);
    expect(await store.conversation.burstOf(b, 5)).toEqual([b]);
  });

  it('counts the member’s earlier complaints in the community since a date, and their first sighting', async () => {
    await say('r5', 'fay', 'this is terrible', 0, { labels: COMPLAINT });
    await say('r6', 'fay', 'still broken', 60, { labels: COMPLAINT });
    await say('r5', 'gus', 'awful', 61, { labels: COMPLAINT });
    const q = await say('r5', 'fay', 'why is it late again?', 120, { labels: { ...COMPLAINT, isQuestion: true } });
    const context = await store.conversation.memberContext(q, new Date(T0 + 30_000));
    expect(context.complaints).toBe(1);
    expect(context.firstSeenAt).toBeInstanceOf(Date);
    expect((await store.conversation.memberContext(q, new Date(T0 - 1000))).complaints).toBe(2);
  });

  it('marks a pending draft answered by another member’s reply or thread message, not by the asker or a bot', async () => {
    const q = await say('r7', 'hal', 'do you ship to Kampala?', 0, { labels: QUESTION });
    const draft = await draftFor(q);
    const qRef = `m${seq - 0}`;
    const self = await say('r7', 'hal', 'anyone?', 5, { replyToMessageId: qRef });
    const bot = await say('r7', 'bot', 'beep', 6, { replyToMessageId: qRef });
    expect(await store.conversation.markAnsweredBy([self, bot])).toEqual([]);
    const answer = await say('r7', 'ivy', 'yes, 6 days for me', 7, { replyToMessageId: qRef });
    expect(await store.conversation.markAnsweredBy([answer])).toEqual([draft.id]);
    expect(await store.drafts.get(draft.id)).toMatchObject({ answeredByName: 'ivy', answeredAt: new Date(T0 + 7000) });
    // Once marked, a later answer changes nothing.
    const again = await say('r7', 'joe', 'me too', 8, { replyToMessageId: qRef });
    expect(await store.conversation.markAnsweredBy([again])).toEqual([]);

    const q2 = await say('r8', 'kim', 'how do I reset my password?', 0, { labels: QUESTION });
    const d2 = await draftFor(q2);
    const inThread = await say('r8', 'lee', 'settings › account', 3, { chat: { platform: 'sandbox', chatId: 'r8', threadId: `m${seq}` } });
    expect(await store.conversation.markAnsweredBy([inThread])).toEqual([d2.id]);
  });

  it('marks a burst draft answered by a reply to one of its merged messages', async () => {
    const a = await say('r11', 'eve', 'my order is late', 0, { labels: QUESTION });
    const b = await say('r11', 'eve', 'where is order 123?', 3, { labels: QUESTION });
    const bRef = `m${seq}`;
    const draft = await draftFor(a, [b]);
    const answer = await say('r11', 'fay', 'it ships tomorrow', 10, { replyToMessageId: bRef });
    expect(await store.conversation.markAnsweredBy([answer])).toEqual([draft.id]);
    expect(await store.drafts.get(draft.id)).toMatchObject({ answeredByName: 'fay', answeredAt: new Date(T0 + 10_000) });
  });

  it('marks a draft answered by a reply stored before it was written (the burst window), with the first one by another person', async () => {
    const q = await say('r12', 'gus', 'is the shop open today?', 0, { labels: QUESTION });
    const qRef = `m${seq}`;
    await say('r12', 'gus', 'anyone?', 2, { replyToMessageId: qRef });
    await say('r12', 'bot', 'beep', 3, { replyToMessageId: qRef });
    await say('r12', 'hana', 'something else', 4);
    await say('r12', 'ida', 'yes, till 6', 5, { replyToMessageId: qRef });
    await say('r12', 'jon', 'it is', 6, { replyToMessageId: qRef });
    const draft = await draftFor(q);
    expect(await store.conversation.markAlreadyAnswered([draft.id])).toEqual([{ draftId: draft.id, answeredByName: 'ida', answeredAt: new Date(T0 + 5000) }]);
    expect(await store.drafts.get(draft.id)).toMatchObject({ answeredByName: 'ida', answeredAt: new Date(T0 + 5000) });
    // Marked once: asking again changes nothing.
    expect(await store.conversation.markAlreadyAnswered([draft.id])).toEqual([]);

    // In a thread, and for a message merged into the burst.
    const a = await say('r13', 'kai', 'my parcel', 0, { labels: QUESTION });
    const b = await say('r13', 'kai', 'where is it?', 2, { labels: QUESTION });
    await say('r13', 'lou', 'check the tracking page', 3, { chat: { platform: 'sandbox', chatId: 'r13', threadId: `m${seq}` } });
    const burst = await draftFor(a, [b]);
    const lone = await draftFor(await say('r13', 'max', 'anyone here?', 9, { labels: QUESTION }));
    expect((await store.conversation.markAlreadyAnswered([burst.id, lone.id])).map((m) => [m.draftId, m.answeredByName])).toEqual([[burst.id, 'lou']]);
  });

  it('orders answers: drafting locks exclusively and replies share, each until its transaction ends', async () => {
    // Replies share the lock (several communities, repeated, any order); drafting takes it alone.
    await store.transaction(async (tx) => {
      await tx.conversation.lockAnswers(['c1', 'c0', 'c1'], 'shared');
      await tx.conversation.lockAnswers(['c1'], 'shared');
    });
    await store.transaction((tx) => tx.conversation.lockAnswers(['c1', 'c0'], 'exclusive'));
    // Released at commit: the next transaction takes it again at once.
    await store.transaction((tx) => tx.conversation.lockAnswers(['c1'], 'exclusive'));
  });

  it('marks deleted messages once, and finds the open drafts answering them (bursts included, pending or approved and unsent)', async () => {
    const a = await say('r10', 'nia', 'hello', 0);
    const b = await say('r10', 'nia', 'where is my order?', 2, { labels: QUESTION });
    const draft = await draftFor(b, [a]);
    const at = new Date(T0 + 60_000);
    expect(await store.messages.markDeleted({ platform: 'sandbox', chatId: 'r10' }, [`m${seq - 1}`, 'unknown'], at)).toEqual([a]);
    expect(await store.messages.markDeleted({ platform: 'sandbox', chatId: 'r10' }, [`m${seq - 1}`], at)).toEqual([]);
    expect((await store.messages.get(a))!.deletedAt).toEqual(at);
    expect(await store.conversation.openDraftsFor([a])).toEqual([draft.id]);
    expect(await store.conversation.openDraftsFor([b])).toEqual([draft.id]);
    // Approved and not yet sent: still open. Sent or rejected: its card changes no more.
    await store.drafts.decide(draft.id, { status: 'approved', decidedBy: 'sandbox:m', decidedByName: 'M', decidedAt: at });
    expect(await store.conversation.openDraftsFor([a])).toEqual([draft.id]);
    await store.drafts.markSent(draft.id);
    expect(await store.conversation.openDraftsFor([a])).toEqual([]);
  });

  it('replaces a message’s labels', async () => {
    const id = await say('r9', 'max', 'lipa kwa mpesa inawezekana', 0, { labels: null });
    await store.conversation.setLabels(id, { ...QUESTION, language: 'sw', labeledBy: 'openai' });
    expect((await store.messages.get(id))!.labels).toMatchObject({ language: 'sw', isQuestion: true, labeledBy: 'openai' });
  });
});
