import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../../src/core/concurrency.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapConcurrently', () => {
  it('keeps the input order whatever order the calls finish in, and never runs more than the limit', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3], 2, async (n, i) => {
      running++;
      most = Math.max(most, running);
      for (let t = 0; t < n; t++) await tick();
      running--;
      return `${i}:${n}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(most).toBe(2);
  });

  it('runs one at a time for a limit below one, and resolves empty for no items', async () => {
    let running = 0;
    let most = 0;
    await mapConcurrently([1, 2, 3], 0, async () => {
      most = Math.max(most, ++running);
      await tick();
      running--;
    });
    expect(most).toBe(1);
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });

  it('rejects with the error a call threw', async () => {
    await expect(mapConcurrently([1, 2, 3], 3, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))).rejects.toThrow('two');
  });
});
