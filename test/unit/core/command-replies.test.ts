import { describe, expect, it } from 'vitest';
import { queueCommandReply } from '../../../src/core/command-replies.js';
import { cardView } from '../../../src/core/desk-cards.js';
import { createFakeStore } from '../../support/fakes.js';

describe('queueCommandReply', () => {
  const target = { platform: 'telegram' as const, chatId: '1001' };

  it('queues the text and each card through the outbox with their send jobs', async () => {
    const store = createFakeStore();
    const card = cardView(store.seedDraft());
    const made = await queueCommandReply(store, { target, replyToMessageId: '7', reply: { text: '1 draft waiting.', cards: [card] }, dedupeKey: 'telegram:update:5' });
    expect(made).toBe(2);
    const rows = [...store.state.outbox.values()];
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'notice', target, replyToMessageId: '7', text: '1 draft waiting.', draftId: null }),
      expect.objectContaining({ kind: 'card', target, replyToMessageId: null, card, draftId: card.draftId }),
    ]);
    expect(store.jobs.of('send')).toEqual([{ outboxIds: rows.map((r) => r.id) }]);
  });

  it('posts nothing twice for the same dedupe key (a redelivered command)', async () => {
    const store = createFakeStore();
    const input = { target, replyToMessageId: null, reply: { text: 'No drafts are waiting.' }, dedupeKey: 'telegram:update:6' };
    await queueCommandReply(store, input);
    expect(await queueCommandReply(store, input)).toBe(0);
    expect(store.state.outbox.size).toBe(1);
    expect(store.jobs.of('send')).toHaveLength(1);
  });
});
