/**
 * Every send and every lookup has a deadline (SendOptions.signal): a connector stopped by it
 * either posted nothing (the row goes back to the queue) or may have posted (a human checks).
 */
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/core/errors.js';
import { FIND_POSTED_DEADLINE_MS, SEND_CLAIM_STALE_AFTER_MS, SEND_DEADLINE_MS } from '../../../src/core/delivery-timing.js';
import type { OutboundPost } from '../../../src/core/types.js';
import type { SendOptions } from '../../../src/core/ports.js';
import { deadlinePassed } from '../../../src/connectors/send-deadline.js';
import { approvedReply, build, core, delivery, FINAL, NOT_FINAL, notices, row, sender, useDeliveryHarness } from './delivery-harness.js';

useDeliveryHarness();

const DEADLINES = { sendMs: 30, lookupMs: 30 };

/** A connector whose platform never answers: it gives up only when the deadline aborts it. */
function hangsUntilDeadline(onAbort: () => Error) {
  return (_post: OutboundPost, options?: SendOptions) =>
    new Promise<{ messageId: string }>((_, reject) => {
      if (!options?.signal) return; // no deadline: it would hang for good (the test then times out)
      options.signal.addEventListener('abort', () => reject(onAbort()), { once: true });
    });
}

describe('the send deadline', () => {
  it('hands every send a signal that aborts at the deadline', async () => {
    build({ deadlines: DEADLINES });
    const { reply } = approvedReply();
    sender.nextSend(hangsUntilDeadline(() => deadlinePassed()));

    await expect(delivery.deliver(reply.id, NOT_FINAL)).rejects.toBeInstanceOf(DeliveryError);

    const signal = sender.sendOptions[0]?.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal!.aborted).toBe(true);
    // With when it aborts, for an SDK wait no signal reaches (discord.js' rate-limit sleeps).
    expect(sender.sendOptions[0]?.deadlineAt).toBeLessThanOrEqual(Date.now());
  });

  it('puts a reply stopped before anything went out back in the queue, and sends it on the next attempt', async () => {
    build({ deadlines: DEADLINES });
    const { draft, reply } = approvedReply();
    sender.nextSend(hangsUntilDeadline(() => deadlinePassed()));

    const error = await delivery.deliver(reply.id, NOT_FINAL).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(row(reply.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row(reply.id).lastError).toContain('deadline');
    expect(notices()).toEqual([]);

    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id).status).toBe('sent');
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
  });

  it('tells the desk when the last attempt is stopped by the deadline too', async () => {
    build({ deadlines: DEADLINES });
    const { draft, reply } = approvedReply();
    sender.nextSend(hangsUntilDeadline(() => deadlinePassed()));

    await delivery.deliver(reply.id, FINAL);

    expect(row(reply.id).status).toBe('failed');
    expect(notices().map((n) => n.text)).toEqual([expect.stringContaining(`/retry ${draft.id}`)]);
  });

  it('gives a reply stopped after its request may have left to a human, never sending it again by itself', async () => {
    build({ deadlines: DEADLINES });
    const { draft, reply } = approvedReply();
    sender.nextSend(hangsUntilDeadline(() => new DeliveryError('unknown', false, 'request aborted in flight at the deadline')));

    await delivery.deliver(reply.id, NOT_FINAL);
    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts.filter((p) => p.kind === 'reply')).toHaveLength(1);
    expect(row(reply.id).status).toBe('unconfirmed');
    expect(notices().map((n) => n.text)).toEqual([expect.stringContaining('did not confirm')]);
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('approved');
  });

  it('gives the lookup of an unknown outcome a deadline of its own, and a human the post when it runs out', async () => {
    build({ deadlines: DEADLINES, looks: true });
    const { reply } = approvedReply();
    sender.nextSend(async () => {
      throw new DeliveryError('unknown', false, 'timeout after the request left');
    });
    sender.findPosted = (post, options) => {
      sender.lookups.push(post.id);
      sender.lookupOptions.push(options);
      return hangsUntilDeadline(() => new Error('lookup aborted'))(post, options).then(() => null);
    };

    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.lookups).toEqual([reply.id]);
    expect(sender.lookupOptions[0]?.signal?.aborted).toBe(true);
    expect(sender.lookupOptions[0]?.deadlineAt).toEqual(expect.any(Number));
    // The lookup's signal is not the send's: the send's had its own time.
    expect(sender.lookupOptions[0]?.signal).not.toBe(sender.sendOptions[0]?.signal);
    expect(row(reply.id).status).toBe('unconfirmed');
  });

  it('goes on with the rest of a batch past a card stopped at its deadline, each row with a deadline of its own', async () => {
    build({ deadlines: DEADLINES });
    const draft = core.store.seedDraft();
    const cards = [0, 1].map(() => core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, text: 'card' }));
    sender.nextSend(hangsUntilDeadline(() => deadlinePassed()));

    await expect(delivery.deliverMany(cards.map((c) => ({ outboxId: c.id, ctx: NOT_FINAL })))).rejects.toMatchObject({ outcome: 'not_sent' });

    expect(cards.map((c) => row(c.id).status)).toEqual(['pending', 'sent']);
    expect(sender.sendOptions).toHaveLength(2);
    expect(sender.sendOptions[0]!.signal).not.toBe(sender.sendOptions[1]!.signal);
    expect(sender.sendOptions[0]!.deadlineAt).toEqual(expect.any(Number));
  });

  it('gives a batch call (cards several at once) a deadline too', async () => {
    build({ deadlines: DEADLINES, batches: true, idempotentSend: true });
    const draft = core.store.seedDraft();
    const cards = [0, 1].map(() => core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, text: 'card' }));
    let given: SendOptions | undefined;
    sender.sendBatch = async (posts, options) => {
      given = options;
      return posts.map((_, i) => ({ messageId: `b-${i}` }));
    };
    await delivery.deliverMany(cards.map((c) => ({ outboxId: c.id, ctx: NOT_FINAL })));
    expect(given?.signal).toBeInstanceOf(AbortSignal);
    expect(cards.map((c) => row(c.id).status)).toEqual(['sent', 'sent']);
  });

  it('ends an attempt that lives (its send and its lookup) well before its claim can be judged stale', () => {
    // What a connector may run past each deadline is checked against the connectors' own
    // figures in test/unit/connectors/send-deadline.test.ts; here the core's share.
    expect(SEND_DEADLINE_MS + FIND_POSTED_DEADLINE_MS).toBeLessThan(SEND_CLAIM_STALE_AFTER_MS);
  });
});
