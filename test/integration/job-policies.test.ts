/**
 * Job expiries: RETRY_POLICIES' by default; a longer one for draft jobs when a slow model may
 * keep a batch running (draftJobExpirySeconds), never a shorter one.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_POLICIES, type createJobQueue } from '../../src/jobs/job-queue.js';
import { draftJobExpirySeconds } from '../../src/jobs/workers.js';
import { callBudgetMs } from '../../src/llm/openai/chat.js';
import { useMemoryJobQueue } from '../support/memory-job-queue.js';

const jobQueue = useMemoryJobQueue();

async function expiries(expireInSeconds: Parameters<typeof createJobQueue>[0]['expireInSeconds']): Promise<Record<string, number>> {
  const { db, queue } = await jobQueue.open({ expireInSeconds });
  const jobs = queue.enqueuerFor(db);
  await jobs.enqueue('draft', [{ messageId: 1 }]);
  await jobs.enqueue('send', [{ outboxId: 1 }]);
  const { rows } = await db.sql.executeSql(`select name, extract(epoch from expire_in)::int as seconds from pgboss.job order by name`, []);
  return Object.fromEntries(rows.map((r: { name: string; seconds: number }) => [r.name, r.seconds]));
}

describe('job expiries', () => {
  it('uses the retry policies when nothing asks for longer', async () => {
    expect(await expiries(undefined)).toEqual({ draft: RETRY_POLICIES.draft.expireInSeconds, send: RETRY_POLICIES.send.expireInSeconds });
  });

  it('gives draft jobs a longer expiry when asked, and ignores a shorter one', async () => {
    expect(await expiries({ draft: 540, send: 5 })).toEqual({ draft: 540, send: RETRY_POLICIES.send.expireInSeconds });
  });
});

describe('draftJobExpirySeconds', () => {
  it('keeps the default offline, and covers a round of three model calls per draft worker plus a minute', () => {
    expect(draftJobExpirySeconds(null, 2)).toBeUndefined();
    // Defaults: 20 s a try, 2 retries, 10 s between tries -> an 80 s budget a call.
    const budget = callBudgetMs({ timeoutMs: 20_000, maxRetries: 2 });
    expect(budget).toBe(80_000);
    expect(draftJobExpirySeconds(budget, 2)).toBe(3 * 80 * 2 + 60);
    expect(draftJobExpirySeconds(5_000, 0)).toBe(3 * 5 + 60);
  });
});
