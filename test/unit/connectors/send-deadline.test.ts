/** The deadline helpers connectors share, and what each connector may run past a deadline. */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FIND_POSTED_DEADLINE_MS, SEND_CLAIM_STALE_AFTER_MS, SEND_DEADLINE_MS, SEND_JOB_BUDGET_MS } from '../../../src/core/delivery-timing.js';
import { RETRY_POLICIES } from '../../../src/jobs/job-queue.js';
import { DeliveryError } from '../../../src/core/errors.js';
import { DISCORD_DEADLINE_OVERRUN_MS } from '../../../src/connectors/discord/discord-connector.js';
import { checkDeadline, sleepUnlessAborted, untilDeadline } from '../../../src/connectors/send-deadline.js';
import { SLACK_DEADLINE_OVERRUN_MS } from '../../../src/connectors/slack/slack-connector.js';
import { TELEGRAM_DEADLINE_OVERRUN_MS } from '../../../src/connectors/telegram/telegram-connector.js';

const never = new Promise<never>(() => undefined);

describe('send deadline helpers', () => {
  it('checkDeadline lets a call start before the deadline and refuses it after, as not sent and retryable', () => {
    const controller = new AbortController();
    expect(() => checkDeadline(controller.signal)).not.toThrow();
    expect(() => checkDeadline(undefined)).not.toThrow();
    controller.abort();
    let thrown: unknown;
    try {
      checkDeadline(controller.signal);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeliveryError);
    expect(thrown).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: null });
  });

  it('untilDeadline ends a wait that would never end when the deadline passes', async () => {
    const controller = new AbortController();
    const waiting = untilDeadline(never, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ outcome: 'not_sent', retryable: true });
  });

  it('untilDeadline refuses to start a wait once the deadline has passed, and leaves a wait that ends in time alone', async () => {
    await expect(untilDeadline(never, AbortSignal.abort())).rejects.toBeInstanceOf(DeliveryError);
    const controller = new AbortController();
    await expect(untilDeadline(Promise.resolve('slot'), controller.signal)).resolves.toBe('slot');
    await expect(untilDeadline(Promise.resolve('slot'), undefined)).resolves.toBe('slot');
    // The listener is gone once the wait is over: nothing piles up on a send's signal.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const failed = untilDeadline(Promise.reject(new Error('x')), controller.signal).catch(() => undefined);
    await failed;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('turns a wait that ends on the abort (a sleep given the signal) into the deadline’s refusal, its timer cleared', async () => {
    const controller = new AbortController();
    const waiting = untilDeadline(sleepUnlessAborted(60_000, controller.signal), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ outcome: 'not_sent', retryable: true });
    await expect(sleepUnlessAborted(60_000, AbortSignal.abort())).rejects.toThrow();
    await expect(sleepUnlessAborted(1)).resolves.toBeUndefined();
  });

  it('lets no wait it never started reject unhandled once the deadline had passed', async () => {
    let rejectLater!: (e: Error) => void;
    const wait = new Promise<void>((_, reject) => (rejectLater = reject));
    await expect(untilDeadline(wait, AbortSignal.abort())).rejects.toMatchObject({ outcome: 'not_sent' });
    rejectLater(new Error('the limiter broke afterwards'));
    // An unhandled rejection would fail the run (vitest reports it); give it a turn to surface.
    await new Promise((r) => setTimeout(r, 5));
  });

  it('passes on the wait’s own failure', async () => {
    const controller = new AbortController();
    await expect(untilDeadline(Promise.reject(new Error('limiter broke')), controller.signal)).rejects.toThrow('limiter broke');
  });
});

describe('what connectors may run past a deadline', () => {
  it('leaves an attempt that lives done with its post (send, then lookup, overruns included) before its claim looks stale', () => {
    const overrun = Math.max(TELEGRAM_DEADLINE_OVERRUN_MS, DISCORD_DEADLINE_OVERRUN_MS, SLACK_DEADLINE_OVERRUN_MS);
    const longestAttemptMs = SEND_DEADLINE_MS + overrun + FIND_POSTED_DEADLINE_MS + overrun;
    // At least 5 s left for the database writes around the send (claim, record, release).
    expect(longestAttemptMs).toBeLessThanOrEqual(SEND_CLAIM_STALE_AFTER_MS - 5_000);
  });

  it('lets a send job that starts its last row at the end of its budget finish before the job expires', () => {
    const overrun = Math.max(TELEGRAM_DEADLINE_OVERRUN_MS, DISCORD_DEADLINE_OVERRUN_MS, SLACK_DEADLINE_OVERRUN_MS);
    const longestJobMs = SEND_JOB_BUDGET_MS + SEND_DEADLINE_MS + overrun + FIND_POSTED_DEADLINE_MS + overrun;
    expect(longestJobMs).toBeLessThanOrEqual(RETRY_POLICIES.send.expireInSeconds * 1000 - 5_000);
  });
});
