/**
 * A send's deadline, as connectors honour it (SendOptions.signal): once it has passed, no wait
 * goes on and no request starts. Stopped before anything of the post left, the send is simply
 * not sent (retryable): that is what these helpers throw. Stopped after a request may have left,
 * the connector reports an unknown outcome instead.
 */
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
 * deadlinePassed() as soon as `signal` aborts. The wait's own timer may run on; nothing follows it.
 */
export async function untilDeadline<T>(wait: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return wait;
  checkDeadline(signal);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadlinePassed());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([wait, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
