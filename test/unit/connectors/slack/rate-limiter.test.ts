import { describe, expect, it } from 'vitest';
import { createChannelLimiter } from '../../../../src/connectors/slack/rate-limiter.js';

describe('Slack per-channel limiter', () => {
  it('spaces posts to one channel a second apart, and leaves other channels alone', async () => {
    let now = 0;
    const waits: Array<[string, number]> = [];
    let current = '';
    const limiter = createChannelLimiter({ now: () => now, sleep: async (ms) => void waits.push([current, ms]) });
    const acquire = (c: string) => {
      current = c;
      return limiter.acquire(c);
    };
    await acquire('C1');
    await acquire('C1');
    await acquire('C1');
    await acquire('C2');
    expect(waits).toEqual([
      ['C1', 1000],
      ['C1', 2000],
    ]);
    now = 5000;
    await acquire('C1');
    expect(waits).toHaveLength(2);
  });
});
