import { describe, expect, it } from 'vitest';
import { callBudgetMs, RETRY_WAIT_ALLOWANCE_MS, withDeadline } from '../../../../src/llm/openai/chat.js';

describe('withDeadline', () => {
  it('gives up with llm_timeout and aborts the call when the budget runs out (e.g. a huge retry-after)', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    await expect(
      withDeadline(50, 'draft', (s) => {
        signal = s;
        return new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('aborted late'))));
      }),
    ).rejects.toMatchObject({ code: 'llm_timeout' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal?.aborted).toBe(true);
  });

  it('returns the value of a call that finishes in time', async () => {
    await expect(withDeadline(1_000, 'draft', async () => 'ok')).resolves.toBe('ok');
  });

  it('maps an unknown failure to llm_unavailable', async () => {
    await expect(withDeadline(1_000, 'classify', () => Promise.reject(new Error('socket hang up')))).rejects.toMatchObject({ code: 'llm_unavailable' });
  });
});

describe('callBudgetMs', () => {
  it('covers every attempt plus a bounded wait between them', () => {
    expect(callBudgetMs({ timeoutMs: 20_000, maxRetries: 2 })).toBe(60_000 + 2 * RETRY_WAIT_ALLOWANCE_MS);
    expect(callBudgetMs({ timeoutMs: 5_000, maxRetries: 0 })).toBe(5_000);
  });
});
