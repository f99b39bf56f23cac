/** Batches of send jobs (deliverMany), cards sent several at once, and drafts decided while their card is on the way. */
import { describe, expect, it } from 'vitest';
import { cardView } from '../../../src/core/desk-cards.js';
import { SEND_CLAIM_REFRESH_AFTER_MS, SEND_CLAIM_STALE_AFTER_MS, SEND_JOB_BUDGET_MS } from '../../../src/core/delivery-timing.js';
import { DeliveryError } from '../../../src/core/errors.js';
import type { OutboxRow } from '../../support/fakes.js';
import { approvedReply, build, core, delivery, FINAL, NOT_FINAL, notices, row, sender, useDeliveryHarness } from './delivery-harness.js';

useDeliveryHarness();

describe('a batch of send jobs (deliverMany)', () => {
  const seedCard = (status: OutboxRow['status'] = 'pending') => {
    const draft = core.store.seedDraft();
    return core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card', status });
  };
  const job = (outboxId: number) => ({ outboxId, ctx: NOT_FINAL });

  it('sends every card and reply of the batch once, in order, and records each with its audit entry', async () => {
    const cards = [seedCard(), seedCard(), seedCard()];
    const { reply } = approvedReply();
    await delivery.deliverMany([job(cards[0]!.id), job(reply.id), job(cards[1]!.id), job(cards[2]!.id)]);

    expect(sender.attempts.map((a) => a.id)).toEqual([cards[0]!.id, reply.id, cards[1]!.id, cards[2]!.id]);
    for (const c of [...cards, reply]) expect(row(c.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(core.store.auditOf('post.sent').map((a) => a.details!.outboxId).sort()).toEqual([...cards, reply].map((c) => c.id).sort());
    expect(core.metrics.posts.sort()).toEqual(['card', 'card', 'card', 'reply']);

    // The same batch again (a retry): nothing is sent twice.
    await delivery.deliverMany([job(cards[0]!.id), job(reply.id), job(cards[1]!.id), job(cards[2]!.id)]);
    expect(sender.attempts).toHaveLength(4);
  });

  it('goes on past a card the platform refuses for now, records the others, and throws so the job retries', async () => {
    const cards = [seedCard(), seedCard(), seedCard()];
    sender.nextSend(async () => ({ messageId: 'first' }));
    sender.nextSend(async () => {
      throw new DeliveryError('not_sent', true, 'rate limited');
    });
    await expect(delivery.deliverMany(cards.map((c) => job(c.id)))).rejects.toMatchObject({ outcome: 'not_sent' });
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'pending', 'sent']);

    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent']);
    expect(sender.attempts).toHaveLength(4);
  });

  it('sends a card again when an earlier attempt died holding its claim (a second copy beats a missing one)', async () => {
    const card = seedCard('sending');
    Object.assign(row(card.id), { claimedAt: new Date(core.clock.now().getTime() - SEND_CLAIM_STALE_AFTER_MS - 1), attempts: 1 });
    await delivery.deliverMany([job(card.id)]);
    expect(row(card.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sender.attempts).toHaveLength(1);
    expect(notices()).toHaveLength(0);
  });

  it('hands rows whose chat is busy to a job that starts when the chat frees up, without failing the job', async () => {
    const cards = [seedCard(), seedCard(), seedCard()];
    const { reply } = approvedReply();
    const busy = () => {
      throw new DeliveryError('not_sent', true, 'desk at its posting limit', { retryAfterMs: 41_500 });
    };
    sender.nextSend(async () => ({ messageId: 'first' }));
    sender.nextSend(async () => busy());
    sender.nextSend(async () => busy());
    sender.nextSend(async () => busy());
    // On the job's final attempt too: waiting for a busy chat is not a failure.
    await delivery.deliverMany([cards[0]!, reply, cards[1]!, cards[2]!].map((r) => ({ outboxId: r.id, ctx: FINAL })));

    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'pending', 'pending']);
    expect(row(reply.id).status).toBe('pending');
    expect(core.store.jobs.jobs.filter((j) => j.name === 'send')).toEqual([{ name: 'send', payload: { outboxIds: [reply.id, cards[1]!.id, cards[2]!.id] }, startAfterSeconds: 42 }]);
    expect(notices()).toHaveLength(0);
    expect(core.metrics.deferred).toEqual(['sandbox:busy', 'sandbox:busy', 'sandbox:busy']);

    // The handed-on job sends them, once each.
    await delivery.deliverMany([reply, cards[1]!, cards[2]!].map((r) => job(r.id)));
    expect([...cards, reply].map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(sender.attempts.map((a) => a.id)).toEqual([cards[0]!.id, reply.id, cards[1]!.id, cards[2]!.id, reply.id, cards[1]!.id, cards[2]!.id]);
  });

  it("shows on the reply's cards that it waits for its busy chat, and until when, then that it was posted", async () => {
    const { draft, reply } = approvedReply();
    core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), status: 'sent', platformMessageId: 'card-msg-1' });
    const busySince = core.clock.now().getTime();
    sender.nextSend(async () => {
      throw new DeliveryError('not_sent', true, 'chat at its posting limit', { retryAfterMs: 45_000 });
    });
    await delivery.deliverMany([job(reply.id)]);

    expect(row(reply.id)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('posting limit') });
    expect(row(reply.id).waitUntil?.getTime()).toBe(busySince + 45_000);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: draft.id }]);
    await delivery.refreshCards(draft.id);
    expect(sender.updates.at(-1)!.text).toContain('waiting: sandbox takes no more posts in this chat for now; posting at about');
    expect(sender.updates.at(-1)!.text).not.toContain('posting…');

    // Once it is out, the card says so.
    core.clock.advance(45_000);
    await delivery.deliverMany([job(reply.id)]);
    expect(row(reply.id).status).toBe('sent');
    await delivery.refreshCards(draft.id);
    expect(sender.updates.at(-1)!.text).toContain('· posted');
  });

  it('edits the cards of a reply held again only when the time they show moves by a minute or more', async () => {
    const { reply } = approvedReply();
    const busy = (ms: number) => () => {
      throw new DeliveryError('not_sent', true, 'chat at its posting limit', { retryAfterMs: ms });
    };
    sender.nextSend(async () => busy(45_000)());
    await delivery.deliverMany([job(reply.id)]);
    expect(core.store.jobs.of('desk-refresh')).toHaveLength(1);
    // Still busy when it is tried again, for a little longer: the card's "about" time holds.
    core.clock.advance(45_000);
    sender.nextSend(async () => busy(10_000)());
    await delivery.deliverMany([job(reply.id)]);
    expect(core.store.jobs.of('desk-refresh')).toHaveLength(1);
    // The row keeps the time the card shows: small moves do not add up unseen.
    const shown = row(reply.id).waitUntil!.getTime();
    expect(shown).toBe(core.clock.now().getTime());
    for (let i = 0; i < 3; i++) {
      core.clock.advance(10_000);
      sender.nextSend(async () => busy(40_000)());
      await delivery.deliverMany([job(reply.id)]);
    }
    // Held three more times, 40 s each time from 10 s apart: 50 s past the card's time (kept), then
    // 60 s past it (edited, the new time kept), then 10 s past that (kept).
    expect(core.store.jobs.of('desk-refresh')).toHaveLength(2);
    expect(row(reply.id).waitUntil!.getTime()).toBe(shown + 60_000);
  });

  it('puts a busy chat\'s row back in the queue without a desk refresh when it is a card', async () => {
    const draft = core.store.seedDraft();
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card' });
    sender.nextSend(async () => {
      throw new DeliveryError('not_sent', true, 'desk at its posting limit', { retryAfterMs: 5_000 });
    });
    await delivery.deliverMany([job(card.id)]);
    expect(row(card.id)).toMatchObject({ status: 'pending' });
    expect(row(card.id).waitUntil).not.toBeNull();
    expect(core.store.jobs.of('desk-refresh')).toEqual([]);
  });

  it('hands what it has no time left for to a new job, leaving its rows pending', async () => {
    const cards = [seedCard(), seedCard(), seedCard(), seedCard()];
    const { reply } = approvedReply();
    // Each send takes a third of the job's budget: the fourth row starts past it.
    for (let i = 0; i < 5; i++) {
      sender.nextSend(async () => {
        core.clock.advance(SEND_JOB_BUDGET_MS / 3 + 1);
        return { messageId: `slow-${i}` };
      });
    }
    await delivery.deliverMany([cards[0]!, cards[1]!, cards[2]!, reply, cards[3]!].map((r) => job(r.id)));

    expect(sender.attempts).toHaveLength(3);
    expect([...cards, reply].map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent', 'pending', 'pending']);
    expect(core.store.jobs.jobs.filter((j) => j.name === 'send')).toEqual([{ name: 'send', payload: { outboxIds: [reply.id, cards[3]!.id] } }]);
    expect(core.metrics.deferred).toEqual(['sandbox:out_of_time', 'sandbox:out_of_time']);

    await delivery.deliverMany([reply, cards[3]!].map((r) => job(r.id)));
    expect([...cards, reply].map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(sender.attempts).toHaveLength(5);
  });

  it('claims each card to a platform that takes them one at a time when it is reached, and records it once sent', async () => {
    const cards = [seedCard(), seedCard(), seedCard()];
    const seen: Array<{ claimedAt: number | undefined; before: string[] }> = [];
    for (let i = 0; i < 3; i++) {
      sender.nextSend(async (post) => {
        seen.push({ claimedAt: post.claimedAt?.getTime(), before: cards.map((c) => row(c.id).status) });
        core.clock.advance(SEND_CLAIM_REFRESH_AFTER_MS / 2 + 1);
        return { messageId: `slow-${i}` };
      });
    }
    const start = core.clock.now().getTime();
    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent']);
    // No claim waits for the rows before it: each is as old as its own send.
    const step = SEND_CLAIM_REFRESH_AFTER_MS / 2 + 1;
    expect(seen.map((s) => s.claimedAt! - start)).toEqual([0, step, 2 * step]);
    // Each is recorded as soon as it is out, before the next one goes.
    expect(seen.map((s) => s.before)).toEqual([
      ['sending', 'pending', 'pending'],
      ['sent', 'sending', 'pending'],
      ['sent', 'sent', 'sending'],
    ]);
    expect(cards.map((c) => row(c.id).attempts)).toEqual([1, 1, 1]);
  });

  it('claims a card afresh before sending it late, when cards claimed together for a failed batch call go one at a time', async () => {
    build({ batches: true, idempotentSend: true });
    const cards = [seedCard(), seedCard(), seedCard()];
    sender.failNextBatch(new Error('batch insert failed'));
    const claimedAt: Array<number | undefined> = [];
    for (let i = 0; i < 3; i++) {
      sender.nextSend(async (post) => {
        claimedAt.push(post.claimedAt?.getTime());
        core.clock.advance(SEND_CLAIM_REFRESH_AFTER_MS / 2 + 1);
        return { messageId: `slow-${i}` };
      });
    }
    const start = core.clock.now().getTime();
    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent']);
    // The first two went within the refresh window on the batch's claim; the third was claimed again.
    expect(claimedAt.map((t) => t! - start)).toEqual([0, 0, SEND_CLAIM_REFRESH_AFTER_MS + 2]);
    expect(cards.map((c) => row(c.id).attempts)).toEqual([1, 1, 2]);
  });

  it('releases the cards it claimed together but had no time left for, for a new job', async () => {
    build({ batches: true, idempotentSend: true });
    const cards = [seedCard(), seedCard(), seedCard(), seedCard()];
    sender.failNextBatch(new Error('batch insert failed'));
    for (let i = 0; i < 4; i++) {
      sender.nextSend(async () => {
        core.clock.advance(SEND_JOB_BUDGET_MS / 3 + 1);
        return { messageId: `slow-${i}` };
      });
    }
    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'sent', 'sent', 'pending']);
    expect(row(cards[3]!.id).lastError).toContain('handed on');
    expect(core.store.jobs.jobs.filter((j) => j.name === 'send')).toEqual([{ name: 'send', payload: { outboxIds: [cards[3]!.id] } }]);
  });

  it('still marks a reply unconfirmed, never resent, when an earlier attempt died holding its claim', async () => {
    const { reply } = approvedReply('sending', 1);
    Object.assign(row(reply.id), { claimedAt: new Date(core.clock.now().getTime() - SEND_CLAIM_STALE_AFTER_MS - 1) });
    await delivery.deliverMany([job(reply.id)]);
    expect(row(reply.id).status).toBe('unconfirmed');
    expect(sender.attempts).toHaveLength(0);
  });
});

describe('cards to a platform that takes several at once (sendBatch)', () => {
  const seedCard = (draftStatus: 'pending' | 'rejected' = 'pending') => {
    const draft = core.store.seedDraft(draftStatus === 'pending' ? {} : { status: draftStatus, decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: core.clock.now() });
    // Queued while the draft was pending: the card as queued shows it pending.
    return core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView({ ...draft, status: 'pending' }), text: 'card' });
  };
  const job = (outboxId: number) => ({ outboxId, ctx: NOT_FINAL });

  it('posts the cards of a batch in one call, the reply on its own, and records each once', async () => {
    build({ idempotentSend: true, batches: true });
    const cards = [seedCard(), seedCard(), seedCard()];
    const { reply } = approvedReply();
    await delivery.deliverMany([job(cards[0]!.id), job(reply.id), job(cards[1]!.id), job(cards[2]!.id)]);

    expect(sender.batches.map((b) => b.map((p) => p.id))).toEqual([cards.map((c) => c.id)]);
    expect(sender.attempts.map((a) => a.id)).toEqual([reply.id]);
    for (const c of [...cards, reply]) expect(row(c.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(cards.map((c) => row(c.id).platformMessageId)).toEqual(['pm-1', 'pm-2', 'pm-3']);
    expect(core.store.auditOf('post.sent').map((a) => a.details!.outboxId).sort()).toEqual([...cards, reply].map((c) => c.id).sort());
    expect(core.metrics.posts.sort()).toEqual(['card', 'card', 'card', 'reply']);

    // A retry of the same jobs sends nothing again.
    await delivery.deliverMany([job(cards[0]!.id), job(reply.id), job(cards[1]!.id), job(cards[2]!.id)]);
    expect(sender.batches).toHaveLength(1);
    expect(sender.attempts).toHaveLength(1);
  });

  it('shows the draft as it is now on a card whose draft was decided before it went out', async () => {
    build({ idempotentSend: true, batches: true });
    const cards = [seedCard(), seedCard('rejected')];
    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(sender.batches[0]!.map((p) => p.card?.status)).toEqual(['pending', 'rejected']);
    expect(sender.batches[0]![1]!.text).toContain('Rejected by Alice');
    // Recorded as showing the decision: no refresh needed.
    expect(sender.updates).toHaveLength(0);
  });

  it('sends the cards one at a time when the batch call fails, each once', async () => {
    build({ idempotentSend: true, batches: true });
    const cards = [seedCard(), seedCard(), seedCard()];
    sender.failNextBatch(new Error('connection reset'));
    await delivery.deliverMany(cards.map((c) => job(c.id)));

    expect(sender.batches).toHaveLength(1);
    expect(sender.attempts.map((a) => a.id)).toEqual(cards.map((c) => c.id));
    for (const c of cards) expect(row(c.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(core.store.auditOf('post.sent')).toHaveLength(3);
    expect(core.log.entries.some((e) => e.msg?.startsWith('send.batch_failed'))).toBe(true);
  });

  it('never batches for a platform that could post a repeated send twice', async () => {
    build({ idempotentSend: false, batches: true });
    const cards = [seedCard(), seedCard()];
    await delivery.deliverMany(cards.map((c) => job(c.id)));
    expect(sender.batches).toHaveLength(0);
    expect(sender.attempts.map((a) => a.id)).toEqual(cards.map((c) => c.id));
  });

  it('sends a lone card with send, not a batch of one', async () => {
    build({ idempotentSend: true, batches: true });
    const card = seedCard();
    await delivery.deliverMany([job(card.id)]);
    expect(sender.batches).toHaveLength(0);
    expect(sender.attempts.map((a) => a.id)).toEqual([card.id]);
  });
});

describe('a draft decided while its card is on the way (deliverMany)', () => {
  it('brings the just-posted card up to date, once the batch records it', async () => {
    const draft = core.store.seedDraft();
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card' });
    // The manager approves from another desk while this card is being posted.
    sender.nextSend(async () => {
      Object.assign(core.store.state.drafts.get(draft.id)!, { status: 'approved', decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: core.clock.now() });
      return { messageId: 'card-msg-9' };
    });
    await delivery.deliverMany([{ outboxId: card.id, ctx: NOT_FINAL }]);

    expect(row(card.id)).toMatchObject({ status: 'sent', platformMessageId: 'card-msg-9' });
    expect(sender.updates).toHaveLength(1);
    expect(sender.updates[0]).toMatchObject({ messageId: 'card-msg-9', card: { status: 'approved', actions: [] } });
  });

  it('leaves alone a card that already showed the decision when it was sent', async () => {
    const draft = core.store.seedDraft({ status: 'rejected', decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: core.clock.now() });
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card' });
    await delivery.deliverMany([{ outboxId: card.id, ctx: NOT_FINAL }]);
    expect(row(card.id).status).toBe('sent');
    expect(sender.attempts[0]!.card).toMatchObject({ status: 'rejected' });
    expect(sender.updates).toHaveLength(0);
  });

  it('refreshes a card sent showing "approved" when the post went out before the card was recorded (auto mode)', async () => {
    const draft = core.store.seedDraft({ status: 'approved', decidedBy: 'jamii:auto', decidedByName: 'Jamii (auto mode)', decidedAt: core.clock.now() });
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card' });
    // The card is rendered as approved; while the platform takes it, the post is sent and the draft moves to sent.
    sender.nextSend(async () => {
      core.store.state.drafts.get(draft.id)!.status = 'sent';
      return { messageId: 'card-msg-10' };
    });
    await delivery.deliverMany([{ outboxId: card.id, ctx: NOT_FINAL }]);

    expect(sender.attempts[0]!.card).toMatchObject({ status: 'approved' });
    expect(sender.updates).toHaveLength(1);
    expect(sender.updates[0]).toMatchObject({ messageId: 'card-msg-10', card: { status: 'sent' } });
  });

  it('refreshes a card delivered alone (deliver) when its draft was decided on the way', async () => {
    const draft = core.store.seedDraft();
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), text: 'card' });
    sender.nextSend(async () => {
      Object.assign(core.store.state.drafts.get(draft.id)!, { status: 'rejected', decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: core.clock.now() });
      return { messageId: 'card-msg-11' };
    });
    await delivery.deliver(card.id, NOT_FINAL);

    expect(row(card.id)).toMatchObject({ status: 'sent', platformMessageId: 'card-msg-11' });
    expect(sender.updates).toHaveLength(1);
    expect(sender.updates[0]).toMatchObject({ messageId: 'card-msg-11', card: { status: 'rejected', actions: [] } });
  });
});
