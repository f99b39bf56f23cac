/**
 * Limits on model use, per process: how many calls run at once, and how many drafts a chat or a
 * member may get from the model over a sliding window.
 */

export const HOUR_MS = 60 * 60 * 1000;
/** Keys kept before a sweep drops the ones whose window has emptied. */
const SWEEP_AFTER_KEYS = 10_000;

/** At most `limit` tasks run at once; the others wait their turn, first come first served. */
export interface ConcurrencyLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  let active = 0;
  const queue: Array<() => void> = [];

  function release(): void {
    const next = queue.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
    if (next) next();
    else active -= 1;
  }

  return {
    async run(task) {
      if (active < limit) active += 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** At most `limit` events per key within any `windowMs`. */
export interface SlidingWindowLimiter {
  /** True when one more event for `key` fits the window (it is not recorded). */
  allows(key: string): boolean;
  /** Records one event for `key`. */
  record(key: string): void;
  readonly limit: number;
}

export function createSlidingWindowLimiter(options: { limit: number; windowMs: number; now?: () => number }): SlidingWindowLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? Date.now;
  const events = new Map<string, number[]>();

  function recent(key: string, at: number): number[] {
    const kept = (events.get(key) ?? []).filter((t) => t > at - windowMs);
    if (kept.length === 0) events.delete(key);
    else events.set(key, kept);
    return kept;
  }

  function sweep(at: number): void {
    for (const key of [...events.keys()]) recent(key, at);
  }

  return {
    limit,
    allows(key) {
      return recent(key, now()).length < limit;
    },
    record(key) {
      const at = now();
      if (events.size >= SWEEP_AFTER_KEYS) sweep(at);
      events.set(key, [...recent(key, at), at]);
    },
  };
}
