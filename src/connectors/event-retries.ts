/**
 * Discord's gateway and Slack's Events API hand Jamii a member's message once: neither delivers
 * an event again after it was received (Slack's retries are for an unacknowledged request, and
 * Jamii acknowledges first). An event whose handling failed for a moment (the database
 * restarting, a statement cancelled by its limit) would be lost. Storing is idempotent (one row
 * per platform message id; an edit or a deletion applies once), so the event is handled again a
 * few times with growing waits before it is given up and logged; a failure the same event would
 * meet again (isPermanentFailure) is given up at once. The events behind it wait: a
 * chat's events stay in order, and intake slows down instead of dropping while the database is away.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { JamiiError } from '../core/errors.js';
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

/**
 * SQLSTATE classes of errors the same event would meet again: data exceptions (22: a value
 * Postgres refuses), integrity constraints (23) and syntax or access rules (42: a bug).
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);

/**
 * Whether handling the event again cannot help: a bug (TypeError and the like), an input Jamii
 * refused (JamiiError), or a statement Postgres refused for what it says rather than for the
 * moment (see PERMANENT_SQLSTATE_CLASSES), anywhere in the cause chain. Anything else (a lost
 * connection, a cancelled statement, a deadlock, a platform call that timed out) may pass.
 * Such an error is given up at once: retrying it would hold every event behind it for nothing.
 */
export function isPermanentFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof JamiiError || e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || e instanceof ReferenceError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
  }
  return false;
}

/** Runs `handle`, and again after each delay while it fails for a passing reason; never throws. */
export async function handleWithRetries(handle: () => Promise<void>, options: EventRetryOptions): Promise<void> {
  const delays = options.delaysMs ?? EVENT_RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await handle();
      return;
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || options.stop.aborted || isPermanentFailure(error)) {
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
