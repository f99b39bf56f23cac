/** The deadline helpers connectors share, and what each connector may run past a deadline. */
import { describe, expect, it } from 'vitest';
import { FIND_POSTED_DEADLINE_MS, SEND_CLAIM_STALE_AFTER_MS, SEND_DEADLINE_MS } from '../../../src/core/delivery-service.js';
import { DeliveryError } from '../../../src/core/errors.js';
import { DISCORD_DEADLINE_OVERRUN_MS } from '../../../src/connectors/discord/discord-connector.js';
import { checkDeadline, untilDeadline } from '../../../src/connectors/send-deadline.js';
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
    // The listener is gone once the wait is over: aborting later rejects nothing.
    controller.abort();
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
});
