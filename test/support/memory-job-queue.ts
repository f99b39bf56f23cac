/**
 * A job queue on an in-memory PGlite for tests of the queue itself: `open` makes one, and the
 * queue is stopped and the database closed after each test of the file that calls
 * `useMemoryJobQueue()`.
 */
import pino from 'pino';
import { afterEach } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/job-queue.js';

type QueueOptions = Omit<Parameters<typeof createJobQueue>[0], 'db' | 'log' | 'supervise'>;

export function useMemoryJobQueue(): { open(options?: QueueOptions): Promise<{ db: Database; queue: JobQueue }> } {
  const log = pino({ level: 'silent' });
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  afterEach(async () => {
    await queue?.stop(5_000);
    await db?.close();
    queue = undefined;
    db = undefined;
  });
  return {
    async open(options = {}) {
      db = await openDatabase({ databaseUrl: undefined, dataDir: '/nonexistent', memory: true, log });
      queue = await createJobQueue({ db, log, supervise: false, ...options });
      return { db, queue };
    },
  };
}
