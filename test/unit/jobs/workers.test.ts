import { describe, expect, it } from 'vitest';
import type { FeedPoller } from '../../../src/core/news/feed-poller.js';
import type { NewsPublisher } from '../../../src/core/news/news-publisher.js';
import type { JobQueue } from '../../../src/jobs/job-queue.js';
import { registerWorkers } from '../../../src/jobs/workers.js';
import { createFakeClock, createRecordingLogger } from '../../support/fakes.js';

/** A queue that keeps the scheduled handlers, so a test runs a schedule's round by hand. */
function createSchedulesOnlyQueue(): { queue: JobQueue; run(name: string): Promise<void> } {
  const handlers = new Map<string, () => Promise<void>>();
  const queue = {
    schedule: async (name: string, _cron: string, handler: () => Promise<void>) => void handlers.set(name, handler),
    work: async () => undefined,
  } as unknown as JobQueue;
  return { queue, run: (name) => handlers.get(name)!() };
}

describe('news job', () => {
  it('serves due news slots even when polling the feeds throws, then fails with the poll error', async () => {
    const { queue, run } = createSchedulesOnlyQueue();
    const calls: string[] = [];
    const pollError = new Error('database unavailable');
    const poller = {
      pollDue: async () => {
        calls.push('poll');
        throw pollError;
      },
    } as unknown as FeedPoller;
    const publisher = { publishDue: async () => void calls.push('publish') } as unknown as NewsPublisher;
    const log = createRecordingLogger();
    await registerWorkers({
      queue,
      kinds: new Set(['maintenance']),
      draftConcurrency: 1,
      sendConcurrency: 1,
      drafting: {} as never,
      delivery: {} as never,
      approvals: {} as never,
      draftExpiryHours: 24,
      news: { poller, publisher },
      clock: createFakeClock(),
      log,
    });
    await expect(run('news')).rejects.toBe(pollError);
    expect(calls).toEqual(['poll', 'publish']);
    expect(log.entries.find((e) => e.msg === 'news.poll_failed')).toMatchObject({ level: 'error', obj: { err: pollError } });
  });
});
