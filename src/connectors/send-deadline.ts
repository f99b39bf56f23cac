/**
 * A send's deadline, as connectors honour it (SendOptions.signal): once it has passed, no wait
 * goes on and no request starts. Stopped before anything of the post left, the send is simply
 * not sent (retryable): that is what these helpers throw. Stopped after a request may have left,
 * the connector reports an unknown outcome instead.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DeliveryError } from '../core/errors.js';

/** The send's deadline passed before this call went out: nothing of it reached the platform. */
export function deadlinePassed(): DeliveryError {
  return new DeliveryError('not_sent', true, 'the send reached its deadline before the post went out; it is tried again');
}

/** Throws deadlinePassed() when `signal` has aborted: call it right before a request starts. */
export function checkDeadline(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw deadlinePassed();
}

/**
 * `wait` (a limiter's slot, a 429's Retry-After), cut short by the deadline: rejects with
 * deadlinePassed() as soon as `signal` aborts, also when the wait itself ends on the abort (a
 * sleep given the signal clears its timer). A wait that ignores the signal runs on; nothing
 * follows it.
 */
export async function untilDeadline<T>(wait: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return wait;
  if (signal.aborted) {
    // Not awaited: a wait that fails later must not surface as an unhandled rejection.
    wait.catch(() => undefined);
    throw deadlinePassed();
  }
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadlinePassed());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([wait, aborted]);
  } catch (error) {
    if (signal.aborted) throw deadlinePassed();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** A sleep that ends early, clearing its timer, when `signal` aborts (rejecting). */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}
