/**
 * Discord's gateway and Slack's Events API hand Jamii a member's message once: neither delivers
 * an event again after it was received (Slack's retries are for an unacknowledged request, and
 * Jamii acknowledges first). An event whose handling failed for a moment (the database
 * restarting, a statement cancelled by its limit) would be lost. Storing is idempotent (one row
 * per platform message id; an edit or a deletion applies once), so the event is handled again a
 * few times with growing waits before it is given up and logged. The events behind it wait: a
 * chat's events stay in order, and intake slows down instead of dropping while the database is away.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/ports.js';

/** Waits before the second, third and fourth try of an event. */
export const EVENT_RETRY_DELAYS_MS: readonly number[] = [500, 2_000, 8_000];

export interface EventRetryOptions {
  log: Logger;
  /** What the log calls the event's failure (`discord.event_failed`). */
  failure: string;
  /** Aborted when the connector stops: no further try, and a wait ends at once. */
  stop: AbortSignal;
  delaysMs?: readonly number[] | undefined;
}

/** Runs `handle`, and again after each delay while it fails; never throws. */
export async function handleWithRetries(handle: () => Promise<void>, options: EventRetryOptions): Promise<void> {
  const delays = options.delaysMs ?? EVENT_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await handle();
      return;
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || options.stop.aborted) {
        options.log.error({ err: error, attempts: attempt + 1 }, options.failure);
        return;
      }
      options.log.warn({ err: error, attempt: attempt + 1, retryInMs: delay }, `${options.failure}_retrying`);
      try {
        await sleep(delay, undefined, { signal: options.stop });
      } catch {
        options.log.error({ err: error, attempts: attempt + 1, stopping: true }, options.failure);
        return;
      }
    }
  }
}
