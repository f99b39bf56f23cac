/**
 * A job a killed process left active: on embedded PGlite (one process owns the data dir) the
 * next start hands it back to its retry policy at once instead of waiting out its expiry (two
 * minutes for a draft); where other processes may be running it (a shared Postgres), it is left
 * alone for pg-boss's expiry to judge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/job-queue.js';
import { waitFor } from '../support/harness.js';
import { messageIdsOf } from '../../src/core/job-batches.js';

const log = pino({ level: 'silent' });
let dir = '';
const open: Array<{ db: Database; queue?: JobQueue }> = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) {
    await o.queue?.stop(5_000);
    await o.db.close();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const openDb = async () => {
  const db = await openDatabase({ databaseUrl: undefined, dataDir: dir, log });
  const entry: { db: Database; queue?: JobQueue } = { db };
  open.push(entry);
  return entry;
};

/** A draft job as a process that died mid-job leaves it: active, started a moment ago. */
async function leaveActiveDraftJob(): Promise<void> {
  const first = await openDb();
  const queue = await createJobQueue({ db: first.db, log, supervise: false, soleWorker: true });
  await queue.enqueuerFor(first.db).enqueue('draft', [{ messageId: 7 }]);
  await first.db.sql.executeSql(`update pgboss.job set state = 'active', started_on = now() where name = 'draft'`, []);
  await queue.stop(5_000);
  await first.db.close();
  open.splice(open.indexOf(first), 1);
}

const stateOfDraftJob = async (db: Database) => ((await db.sql.executeSql(`select state from pgboss.job where name = 'draft'`, [])).rows[0] as { state: string }).state;

describe('jobs left active by a stopped process', () => {
  it('runs them again within seconds when this process is the only worker (PGlite)', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-orphans-'));
    await leaveActiveDraftJob();

    const second = await openDb();
    second.queue = await createJobQueue({ db: second.db, log, supervise: false, soleWorker: true });
    expect(await stateOfDraftJob(second.db)).toBe('retry');
    const seen: number[] = [];
    await second.queue.work('draft', { concurrency: 1, batchSize: 1 }, async (jobs) => {
      for (const j of jobs) seen.push(...messageIdsOf(j.data));
    });
    await waitFor(async () => seen.length > 0, 20_000, 'the orphaned draft job to run again');
    expect(seen).toEqual([7]);
  });

  it('leaves them to their expiry when other processes may be running them', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-orphans-'));
    await leaveActiveDraftJob();

    const second = await openDb();
    second.queue = await createJobQueue({ db: second.db, log, supervise: false, soleWorker: false });
    expect(await stateOfDraftJob(second.db)).toBe('active');
  });
});
