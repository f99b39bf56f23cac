/**
 * What the delivery-service tests share: a fake core, one fake sandbox sender and the service,
 * made afresh before each test. The tests read them through ES module live bindings.
 */
import { beforeEach } from 'vitest';
import { createDeliveryService, type DeliveryService } from '../../../src/core/delivery-service.js';
import type { PlatformSender } from '../../../src/core/ports.js';
import type { Platform } from '../../../src/core/types.js';
import { createFakeCore, createFakeSender, type FakeCore, type FakeSender, type OutboxRow } from '../../support/fakes.js';

export let core: FakeCore;
export let sender: FakeSender;
export let senders: Map<Platform, PlatformSender>;
export let delivery: DeliveryService;

export const NOT_FINAL = { isFinalAttempt: false };
export const FINAL = { isFinalAttempt: true };

/** A new sender (and service) with these capabilities. */
export function build(options: { idempotentSend?: boolean; batches?: boolean; looks?: boolean; deadlines?: { sendMs: number; lookupMs: number } } = {}) {
  const { deadlines, ...capabilities } = options;
  sender = createFakeSender({ platform: 'sandbox', ...capabilities });
  senders = new Map<Platform, PlatformSender>([['sandbox', sender]]);
  delivery = createDeliveryService({ store: core.store, senders, communities: core.communities, metrics: core.metrics, clock: core.clock, log: core.log, deadlines });
}

/** Call once at the top of a test file. */
export function useDeliveryHarness(): void {
  beforeEach(() => {
    core = createFakeCore();
    build();
  });
}

/** An approved draft with its reply queued in the outbox, as ApprovalService leaves it. */
export function approvedReply(status: OutboxRow['status'] = 'pending', attempts = 0) {
  const draft = core.store.seedDraft({ status: 'approved', decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: core.clock.now(), message: { platformMessageId: 'member-msg-1' } });
  const reply = core.store.seedOutbox({
    kind: 'reply',
    target: draft.message!.chat,
    replyToMessageId: draft.message!.platformMessageId,
    text: draft.text,
    draftId: draft.id,
    dedupeKey: `reply:${draft.id}`,
    status,
    attempts,
  });
  return { draft, reply };
}

export const row = (id: number) => core.store.state.outbox.get(id)!;
export const notices = () => [...core.store.state.outbox.values()].filter((r) => r.kind === 'notice');
