/**
 * In-process wakes: a commit with new jobs wakes a worker of their queue instead of leaving the
 * jobs to the next poll, and commits close together share one wake, so jobs arriving one at a
 * time are fetched in batches. The workers here poll every 60 s: a job that runs within the test's
 * time was woken.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';
import { useMemoryJobQueue } from '../support/memory-job-queue.js';
import { messageIdsOf } from '../../src/core/job-batches.js';

const POLL_SECONDS = 60;
const memory = useMemoryJobQueue();
let db: Database | undefined;
let queue: JobQueue | undefined;

async function draftQueue(wakeThrottleMs: number): Promise<{ batches: number[][]; enqueue: (messageId: number) => Promise<void> }> {
  ({ db, queue } = await memory.open({ pollingIntervalSeconds: POLL_SECONDS, wakeThrottleMs }));
  const batches: number[][] = [];
  await queue.work('draft', { concurrency: 1, batchSize: 100 }, async (jobs) => {
    batches.push(jobs.flatMap((j) => messageIdsOf(j.data)).sort((a, b) => a - b));
  });
  const database = db;
  const jobQueue = queue;
  // Each job commits on its own, as ingest commits one message at a time.
  const enqueue = (messageId: number) => database.transaction((tx) => jobQueue.enqueuerFor(tx).enqueue('draft', [{ messageId }]));
  return { batches, enqueue };
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('in-process job wakes', () => {
  it('runs a job committed after a quiet spell without waiting for the poll', async () => {
    const { batches, enqueue } = await draftQueue(50);
    await enqueue(1);
    await until(() => batches.length === 1, 'the first job');
    expect(batches).toEqual([[1]]);
    // A second lone job, long after the first: woken too, not left for the 60 s poll.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await enqueue(2);
    await until(() => batches.length === 2, 'the second job');
    expect(batches).toEqual([[1], [2]]);
  });

  it('fetches jobs committed one after another within the throttle as one batch after the first', async () => {
    // A long throttle, so a slow machine still commits all of them inside it.
    const { batches, enqueue } = await draftQueue(2_000);
    for (let id = 1; id <= 8; id++) await enqueue(id);
    await until(() => batches.flat().length === 8, 'all eight jobs');
    // The first commit wakes a worker at once (it may find one or a few jobs); the rest wait for
    // the one wake at the end of the throttle instead of a fetch each.
    expect(batches.length).toBeLessThanOrEqual(2);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches.at(-1)).toContain(8);
  });

  it('does not wake a worker for jobs held back by a delay: a fetch could not see them yet', async () => {
    const { batches } = await draftQueue(0);
    const database = db!;
    let fetches = 0;
    const executeSql = database.sql.executeSql.bind(database.sql);
    database.sql.executeSql = (text, values) => {
      if (/FOR UPDATE SKIP LOCKED/i.test(text)) fetches++;
      return executeSql(text, values);
    };
    await database.transaction((tx) => queue!.enqueuerFor(tx).enqueue('draft', [{ messageId: 1 }], { startAfterSeconds: 30 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fetches).toBe(0);
    // A job due now still wakes one at once.
    await database.transaction((tx) => queue!.enqueuerFor(tx).enqueue('draft', [{ messageId: 2 }]));
    await until(() => batches.length === 1, 'the job due now');
    expect(batches).toEqual([[2]]);
    expect(fetches).toBeGreaterThanOrEqual(1);
  });

  it('wakes at every commit when the throttle is off', async () => {
    const { batches, enqueue } = await draftQueue(0);
    await enqueue(1);
    await until(() => batches.length === 1, 'the first job');
    await enqueue(2);
    await until(() => batches.length === 2, 'the second job');
    expect(batches).toEqual([[1], [2]]);
  });
});
