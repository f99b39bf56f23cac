import { beforeEach, describe, expect, it } from 'vitest';
import { cardView } from '../../../src/core/desk-cards.js';
import { REPLY_TO_DELETED_REASON } from '../../../src/core/delivery-service.js';
import { SEND_CLAIM_STALE_AFTER_MS } from '../../../src/core/delivery-timing.js';
import { DeliveryError, JamiiError } from '../../../src/core/errors.js';
import { approvedReply, build, core, delivery, FINAL, NOT_FINAL, notices, row, sender, senders, useDeliveryHarness } from './delivery-harness.js';

useDeliveryHarness();

describe('a normal send', () => {
  it('posts the reply once, as a reply to the member’s message, and records it', async () => {
    const { draft, reply } = approvedReply();

    await delivery.deliver(reply.id, NOT_FINAL);
    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts).toHaveLength(1);
    expect(sender.attempts[0]).toMatchObject({ kind: 'reply', replyToMessageId: 'member-msg-1', text: draft.text, target: { platform: 'sandbox', chatId: 'general' } });
    expect(row(reply.id)).toMatchObject({ status: 'sent', platformMessageId: 'pm-1', attempts: 1, sentAt: core.clock.now() });
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: draft.id }]);
    expect(core.store.auditOf('post.sent')).toEqual([
      {
        communityId: null,
        actor: 'jamii',
        action: 'post.sent',
        subject: `draft:${draft.id}`,
        details: { outboxId: reply.id, kind: 'reply', platform: 'sandbox', chatId: 'general', platformMessageId: 'pm-1' },
      },
    ]);
    expect(core.metrics.posts).toEqual(['reply']);
  });

  it('does nothing for an unknown outbox row', async () => {
    await delivery.deliver(999, NOT_FINAL);
    expect(sender.attempts).toEqual([]);
  });

  it.each(['unconfirmed', 'failed'] as const)('leaves a row that is %s alone until a manager retries it', async (status) => {
    const { reply } = approvedReply(status);
    await delivery.deliver(reply.id, NOT_FINAL);
    expect(sender.attempts).toEqual([]);
    expect(row(reply.id).status).toBe(status);
  });
});

describe('a row claimed by an attempt that never finished', () => {
  it('marks it unconfirmed for a platform that cannot dedupe, and asks the desk to check', async () => {
    const { draft, reply } = approvedReply('sending', 1);

    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts.filter((p) => p.kind === 'reply')).toEqual([]);
    expect(row(reply.id)).toMatchObject({ status: 'unconfirmed', lastError: 'an earlier attempt stopped mid-send' });
    expect(notices()).toEqual([
      expect.objectContaining({
        target: { platform: 'sandbox', chatId: 'desk' },
        draftId: draft.id,
        status: 'pending',
        text: expect.stringContaining(`/retry ${draft.id}`),
      }),
    ]);
    expect(notices()[0]!.text).toContain('did not confirm');
    expect(core.store.jobs.of('send')).toEqual([{ outboxIds: [notices()[0]!.id] }]);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: draft.id }]);
    expect(core.store.auditOf('post.unconfirmed')).toEqual([expect.objectContaining({ communityId: 'alpha', subject: `draft:${draft.id}` })]);
  });

  it('sends it again for a platform that dedupes our sends', async () => {
    build({ idempotentSend: true });
    const { draft, reply } = approvedReply('sending', 1);

    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts).toHaveLength(1);
    expect(row(reply.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(notices()).toEqual([]);
  });

  // BUG (delivery-service.ts deliver + outbox markSent): a second delivery of the same row (the
  // send job expired and retried while the first attempt still waits on the platform) sees
  // 'sending', marks the row unconfirmed and warns the desk; when the first attempt then succeeds,
  // markSent only moves rows out of 'sending', so the post stays "unconfirmed" with no platform
  // message id while the draft says sent — and /retry would post it a second time.
  it('leaves a claim that is still in flight alone, and the first attempt records the send', async () => {
    const { draft, reply } = approvedReply();
    let finish!: (value: { messageId: string }) => void;
    sender.nextSend(() => new Promise((resolve) => (finish = resolve)));

    const first = delivery.deliver(reply.id, NOT_FINAL);
    await new Promise((r) => setTimeout(r, 0));
    await expect(delivery.deliver(reply.id, NOT_FINAL)).rejects.toMatchObject({ code: 'send_in_progress' });
    expect(notices()).toEqual([]);
    finish({ messageId: 'pm-late' });
    await first;

    expect(sender.attempts.filter((p) => p.kind === 'reply')).toHaveLength(1);
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(row(reply.id)).toMatchObject({ status: 'sent', platformMessageId: 'pm-late' });
  });

  it('records a send that succeeds after an overdue claim was judged unconfirmed', async () => {
    const { draft, reply } = approvedReply();
    let finish!: (value: { messageId: string }) => void;
    sender.nextSend(() => new Promise((resolve) => (finish = resolve)));

    const first = delivery.deliver(reply.id, NOT_FINAL);
    await new Promise((r) => setTimeout(r, 0));
    core.clock.advance(SEND_CLAIM_STALE_AFTER_MS + 1);
    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id).status).toBe('unconfirmed');
    finish({ messageId: 'pm-late' });
    await first;

    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(row(reply.id)).toMatchObject({ status: 'sent', platformMessageId: 'pm-late' });
  });
});

describe('a reply whose member message was deleted while it waited', () => {
  const deleteMemberMessage = (draft: ReturnType<typeof approvedReply>['draft']) => {
    core.store.state.messages.get(draft.messageId!)!.deletedAt = core.clock.now();
  };

  it('is not posted: the row fails with the reason, the desk is told it can /retry, the card refreshed', async () => {
    const { draft, reply } = approvedReply();
    deleteMemberMessage(draft);

    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts).toEqual([]);
    expect(row(reply.id)).toMatchObject({ status: 'failed', lastError: REPLY_TO_DELETED_REASON });
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('approved');
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.text).toBe(`⚠ Draft #${draft.id}: the member deleted the message before the reply went out, so it was not posted. Send /retry ${draft.id} to post it anyway.`);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: draft.id }]);
    expect(core.store.auditOf('post.failed')).toMatchObject([{ details: { outboxId: reply.id, why: REPLY_TO_DELETED_REASON } }]);
  });

  it('is posted once when a manager retries it after the deletion', async () => {
    const { draft, reply } = approvedReply();
    deleteMemberMessage(draft);
    await delivery.deliver(reply.id, NOT_FINAL);
    core.clock.advance(60_000);
    await core.store.outbox.requeue(reply.id, core.clock.now());

    await delivery.deliver(reply.id, NOT_FINAL);
    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts).toHaveLength(1);
    expect(row(reply.id).status).toBe('sent');
  });

  it('is judged by the platform, as any send, when an attempt that claimed it before the deletion died', async () => {
    build({ idempotentSend: true });
    const { draft, reply } = approvedReply('sending', 1);
    deleteMemberMessage(draft);

    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts).toHaveLength(1);
    expect(row(reply.id).status).toBe('sent');
  });
});

describe('when the platform refuses or does not answer', () => {
  it('releases the row and rethrows a retryable not-sent error so the job retries', async () => {
    const { reply } = approvedReply();
    const refusal = new DeliveryError('not_sent', true, '429 Too Many Requests');
    sender.nextSend(async () => {
      throw refusal;
    });

    await expect(delivery.deliver(reply.id, NOT_FINAL)).rejects.toBe(refusal);

    expect(row(reply.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'DeliveryError: 429 Too Many Requests' });
    expect(notices()).toEqual([]);

    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks a retryable not-sent error failed on the final attempt and tells the desk', async () => {
    const { draft, reply } = approvedReply();
    sender.nextSend(async () => {
      throw new DeliveryError('not_sent', true, '503 Service Unavailable');
    });

    await delivery.deliver(reply.id, FINAL);

    expect(row(reply.id).status).toBe('failed');
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.text).toContain(`refused the reply`);
    expect(notices()[0]!.text).toContain(`/retry ${draft.id}`);
    expect(core.store.auditOf('post.failed')).toHaveLength(1);
  });

  it('marks a non-retryable not-sent error failed at once', async () => {
    const { reply } = approvedReply();
    sender.nextSend(async () => {
      throw new DeliveryError('not_sent', false, '403 bot was kicked');
    });
    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id).status).toBe('failed');
  });

  it('marks an unknown outcome unconfirmed and never retries it blindly', async () => {
    const { draft, reply } = approvedReply();
    sender.nextSend(async () => {
      throw new DeliveryError('unknown', true, 'timeout after the request left');
    });

    await delivery.deliver(reply.id, NOT_FINAL);
    await delivery.deliver(reply.id, NOT_FINAL);

    expect(sender.attempts.filter((p) => p.kind === 'reply')).toHaveLength(1);
    expect(row(reply.id).status).toBe('unconfirmed');
    expect(notices()).toHaveLength(1);
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('approved');
  });

  it('treats an error it cannot classify as an unknown outcome', async () => {
    const { reply } = approvedReply();
    sender.nextSend(async () => {
      throw new TypeError('fetch failed');
    });
    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id)).toMatchObject({ status: 'unconfirmed', lastError: 'TypeError: fetch failed' });
  });

  it('does not raise a desk notice about a notice or a card that failed', async () => {
    const draft = core.store.seedDraft();
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft) });
    const notice = core.store.seedOutbox({ kind: 'notice', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id });
    for (const id of [card.id, notice.id]) {
      sender.nextSend(async () => {
        throw new DeliveryError('unknown', true, 'timeout');
      });
      await delivery.deliver(id, NOT_FINAL);
    }
    expect([row(card.id).status, row(notice.id).status]).toEqual(['unconfirmed', 'unconfirmed']);
    expect(notices().map((n) => n.id)).toEqual([notice.id]);
  });
});

describe('a platform that can show whether a post is in the chat (findPosted)', () => {
  beforeEach(() => build({ looks: true }));

  it('records a reply whose send timed out as sent when the platform shows it, without a desk notice', async () => {
    const { draft, reply } = approvedReply();
    sender.posted.set(reply.id, 'pm-landed');
    sender.nextSend(async () => {
      throw new DeliveryError('unknown', false, 'timeout after the request left');
    });
    await delivery.deliver(reply.id, NOT_FINAL);
    expect(row(reply.id)).toMatchObject({ status: 'sent', platformMessageId: 'pm-landed' });
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(sender.lookups).toEqual([reply.id]);
    expect(notices()).toHaveLength(0);
    expect(core.store.auditOf('post.sent')).toHaveLength(1);
  });

  it('still marks it unconfirmed for a human when the platform does not show it, or the look fails', async () => {
    const first = approvedReply().reply;
    sender.nextSend(async () => {
      throw new DeliveryError('unknown', false, 'timeout after the request left');
    });
    await delivery.deliver(first.id, NOT_FINAL);
    expect(row(first.id).status).toBe('unconfirmed');

    const second = approvedReply().reply;
    sender.posted.set(second.id, new Error('history unavailable'));
    sender.nextSend(async () => {
      throw new DeliveryError('unknown', false, 'timeout after the request left');
    });
    await delivery.deliver(second.id, NOT_FINAL);
    expect(row(second.id).status).toBe('unconfirmed');
    expect(sender.lookups).toEqual([first.id, second.id]);
    expect(notices()).toHaveLength(2);
    expect(sender.attempts).toHaveLength(2);
  });

  it('records a reply an attempt died sending when the platform shows it, and never sends it again', async () => {
    const { draft, reply } = approvedReply('sending', 1);
    Object.assign(row(reply.id), { claimedAt: new Date(core.clock.now().getTime() - SEND_CLAIM_STALE_AFTER_MS - 1) });
    sender.posted.set(reply.id, 'pm-from-the-dead-attempt');
    await delivery.deliverMany([{ outboxId: reply.id, ctx: NOT_FINAL }]);
    expect(row(reply.id)).toMatchObject({ status: 'sent', platformMessageId: 'pm-from-the-dead-attempt' });
    expect(core.store.state.drafts.get(draft.id)!.status).toBe('sent');
    expect(sender.attempts).toHaveLength(0);
    expect(notices()).toHaveLength(0);
  });

  it('marks that reply unconfirmed when the platform does not show it', async () => {
    const { reply } = approvedReply('sending', 1);
    Object.assign(row(reply.id), { claimedAt: new Date(core.clock.now().getTime() - SEND_CLAIM_STALE_AFTER_MS - 1) });
    await delivery.deliverMany([{ outboxId: reply.id, ctx: NOT_FINAL }]);
    expect(row(reply.id).status).toBe('unconfirmed');
    expect(sender.attempts).toHaveLength(0);
    expect(notices()).toHaveLength(1);
  });
});

describe('when the connector is not running', () => {
  it('releases the row and throws connector_unavailable so the job retries', async () => {
    const { reply } = approvedReply();
    senders.delete('sandbox');

    const error = await delivery.deliver(reply.id, NOT_FINAL).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JamiiError);
    expect((error as JamiiError).code).toBe('connector_unavailable');
    expect(row(reply.id)).toMatchObject({ status: 'pending', lastError: 'the sandbox connector is not running' });
  });

  it('marks the row failed on the final attempt', async () => {
    const { reply } = approvedReply();
    senders.delete('sandbox');
    await delivery.deliver(reply.id, FINAL);
    expect(row(reply.id).status).toBe('failed');
    expect(core.store.auditOf('post.failed')).toHaveLength(1);
  });
});

describe('cards', () => {
  it('renders a card as the draft is at send time, not as it was queued', async () => {
    const draft = core.store.seedDraft();
    const staleView = cardView(draft);
    const card = core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: staleView, text: 'stale' });
    Object.assign(core.store.state.drafts.get(draft.id)!, { status: 'approved', decidedByName: 'Alice', decidedAt: core.clock.now(), decidedBy: 'sandbox:alice' });

    await delivery.deliver(card.id, NOT_FINAL);

    const sent = sender.attempts[0]!;
    expect(sent.card).toMatchObject({ draftId: draft.id, status: 'approved', actions: [] });
    expect(sent.card!.fields.find((f) => f.label === 'Status')!.value).toMatch(/^Approved by Alice/);
    expect(sent.text).toContain('Approved by Alice');
    expect(sent.text).not.toBe('stale');
    expect(core.metrics.posts).toEqual(['card']);
  });

  it('updates every sent card of a draft in place', async () => {
    const draft = core.store.seedDraft();
    core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), status: 'sent', platformMessageId: 'card-msg-1' });
    core.store.seedOutbox({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, card: cardView(draft), status: 'pending' });
    Object.assign(core.store.state.drafts.get(draft.id)!, { status: 'rejected', decidedByName: 'Alice', decidedAt: core.clock.now() });

    await delivery.refreshCards(draft.id);

    expect(sender.updates).toHaveLength(1);
    expect(sender.updates[0]).toMatchObject({ messageId: 'card-msg-1', target: { chatId: 'desk' }, card: { status: 'rejected', actions: [] } });
    expect(sender.updates[0]!.text).toContain('Rejected by Alice');
  });
});

