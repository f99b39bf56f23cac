import { describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, createSlidingWindowLimiter, HOUR_MS } from '../../../src/llm/rate-limits.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createConcurrencyLimiter', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const limiter = createConcurrencyLimiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 2]);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect([limiter.active, limiter.waiting]).toEqual([0, 0]);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = createConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
    expect(limiter.active).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => createConcurrencyLimiter(0)).toThrow(RangeError);
  });
});

describe('createSlidingWindowLimiter', () => {
  it('allows `limit` events per key within the window, then again as old events slide out', () => {
    let now = 0;
    const limiter = createSlidingWindowLimiter({ limit: 2, windowMs: HOUR_MS, now: () => now });
    limiter.record('chat-a');
    now = 10 * 60_000;
    limiter.record('chat-a');
    expect(limiter.allows('chat-a')).toBe(false);
    expect(limiter.allows('chat-b')).toBe(true);
    now = HOUR_MS;
    expect(limiter.allows('chat-a')).toBe(true);
    limiter.record('chat-a');
    expect(limiter.allows('chat-a')).toBe(false);
    now = HOUR_MS + 10 * 60_000;
    expect(limiter.allows('chat-a')).toBe(true);
  });
});
