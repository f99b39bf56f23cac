/**
 * Draft jobs queued by the message insert itself (job-queue.ts inlineJobInsertSql): the row it
 * writes into pg-boss's job table is the row `boss.insert` writes for the same job, so pg-boss
 * fetches, retries and expires it the same way; the job exists exactly when the message was
 * newly stored, commits or rolls back with it, and wakes this process's workers.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageToStore, Store } from '../../src/core/ports.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createStore } from '../../src/db/store.js';
import { createJobQueue, JOB_POLL_INTERVAL_SECONDS, type JobQueue } from '../../src/jobs/job-queue.js';
import { inbound } from '../support/fakes.js';
import { DATABASES } from '../support/databases.js';
import { dropPostgresDatabase, freshPostgresUrl, pgliteTemplate } from '../support/harness.js';
import { messageIdsOf } from '../../src/core/job-batches.js';

const log = pino({ level: 'silent' });
const COMMUNITY = { id: 'duka', name: 'Duka', language: 'en' };

/** Columns pg-boss sets from the job and its queue (ids and timestamps compared apart). */
const POLICY_COLUMNS = `name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, expire_in::text as expire_in,
  dead_letter, policy, singleton_key, singleton_on, (keep_until - start_after)::text as kept_for,
  extract(epoch from start_after - now())::int as starts_in_seconds`;

describe.each(DATABASES)('draft jobs queued by the message insert (%s)', (database) => {
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  let url: string | undefined;

  afterEach(async () => {
    await queue?.stop(5_000);
    await db?.close();
    if (url) await dropPostgresDatabase(url);
    queue = undefined;
    db = undefined;
    url = undefined;
  });

  async function open(): Promise<{ store: Store; queue: JobQueue; db: Database }> {
    url = database === 'postgres' ? await freshPostgresUrl() : undefined;
    db = await openDatabase({ databaseUrl: url, dataDir: '', memory: true, log, ...(database === 'pglite' ? { pgliteLoadDataDir: await pgliteTemplate() } : {}) });
    // Workers poll rarely here: a job that runs soon was woken by its commit.
    queue = await createJobQueue({ db, log, supervise: false, pollingIntervalSeconds: 60 * JOB_POLL_INTERVAL_SECONDS });
    const jobQueue = queue;
    const store = createStore({ db, communityOf: () => COMMUNITY.id, enqueuerFor: (session) => jobQueue.enqueuerFor(session) });
    await store.communities.upsert([COMMUNITY]);
    return { store, queue, db };
  }

  const record = (messageId: string, text: string, draftJob: boolean): MessageToStore => ({
    inbound: inbound(text, { messageId }),
    communityId: COMMUNITY.id,
    labels: null,
    draftJob,
  });

  const draftJobs = async (sql: Database['sql']) => {
    // Jobs of one statement share created_on: their first message orders them.
    const { rows } = await sql.executeSql(`select data from pgboss.job where name = 'draft' order by created_on, (data->'messageIds'->>0)::int8`, []);
    return rows.map((r: { data: unknown }) => r.data);
  };

  it('writes the row boss.insert writes for the same job, with the burst delay', async () => {
    const { store, queue, db } = await open();
    await queue.enqueuerFor(db).enqueue('draft', [{ messageId: -1 }], { startAfterSeconds: 30 });
    const [ref] = await store.messages.storeMany([record('m-1', 'How do I pay?', true)], { draftDelaySeconds: 30 });
    const { rows } = await db.sql.executeSql(`select data, ${POLICY_COLUMNS} from pgboss.job where name = 'draft' order by created_on, id`, []);
    expect(rows).toHaveLength(2);
    const [byBoss, inline] = rows as Array<Record<string, unknown>>;
    expect(byBoss!.data).toEqual({ messageId: -1 });
    expect(inline!.data).toEqual({ messageIds: [ref!.id] });
    const { data: _a, starts_in_seconds: bossStart, ...bossPolicy } = byBoss!;
    const { data: _b, starts_in_seconds: inlineStart, ...inlinePolicy } = inline!;
    expect(inlinePolicy).toEqual(bossPolicy);
    expect(inlinePolicy).toMatchObject({ state: 'created', retry_limit: 5, retry_backoff: true });
    // Both start after the burst window (whole seconds; the two clocks may differ by a second).
    expect(Math.abs(Number(inlineStart) - Number(bossStart))).toBeLessThanOrEqual(1);
    expect(Number(inlineStart)).toBeGreaterThanOrEqual(28);
  });

  it('queues a job only for new messages marked for one, and none for a redelivery', async () => {
    const { store, db } = await open();
    const first = await store.messages.storeMany([record('m-1', 'Where is my order?', true), record('m-2', 'hello all', false)]);
    const again = await store.messages.storeMany([record('m-1', 'Where is my order?', true), record('m-3', 'Why is it late?', true)]);
    expect(again.map((r) => r.inserted)).toEqual([false, true]);
    expect(await draftJobs(db.sql)).toEqual([{ messageIds: [first[0]!.id] }, { messageIds: [again[1]!.id] }]);
  });

  it('puts up to messagesPerDraftJob new messages in one job, in id order, and leaves a redelivery out', async () => {
    const { store, db } = await open();
    const [old] = await store.messages.storeMany([record('m-0', 'Any news?', true)], { messagesPerDraftJob: 2 });
    const texts = ['How do I pay?', 'hello all', 'Where is my order?', 'Why is it late?', 'Can I return it?', 'Is there a discount?'];
    const refs = await store.messages.storeMany([record('m-0', 'Any news?', true), ...texts.map((text, i) => record(`m-${i + 1}`, text, text !== 'hello all'))], { messagesPerDraftJob: 2 });
    const due = refs.filter((r, i) => r.inserted && i !== 2).map((r) => r.id);
    expect(due).toHaveLength(5);
    expect(await draftJobs(db.sql)).toEqual([{ messageIds: [old!.id] }, { messageIds: due.slice(0, 2) }, { messageIds: due.slice(2, 4) }, { messageIds: due.slice(4) }]);
  });

  it('rolls the jobs back with the messages when the transaction around them fails', async () => {
    const { store, db } = await open();
    await expect(
      store.transaction(async (tx) => {
        await tx.messages.storeMany([record('m-1', 'How much is shipping?', true)]);
        throw new Error('crash after the insert');
      }),
    ).rejects.toThrow('crash after the insert');
    expect(await draftJobs(db.sql)).toEqual([]);
    const { rows } = await db.sql.executeSql(`select count(*)::int as n from messages`, []);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('enqueues the jobs after the insert when the store has no job queue to lend its insert (test stores)', async () => {
    const { db } = await open();
    const calls: Array<{ name: string; payloads: unknown[]; options: unknown }> = [];
    const plain = createStore({ db, communityOf: () => COMMUNITY.id, enqueuerFor: () => ({ enqueue: async (name, payloads, options) => void calls.push({ name, payloads, options }) }) });
    const refs = await plain.messages.storeMany([record('p-1', 'How do I pay?', true), record('p-2', 'hello', false), record('p-3', 'Why so slow?', true)], { draftDelaySeconds: 5 });
    await plain.messages.storeMany([record('p-1', 'How do I pay?', true)]);
    expect(calls).toEqual([{ name: 'draft', payloads: [{ messageIds: [refs[0]!.id] }, { messageIds: [refs[2]!.id] }], options: { startAfterSeconds: 5 } }]);
    calls.length = 0;
    const more = await plain.messages.storeMany([record('p-4', 'Can I pay later?', true), record('p-5', 'Is it in stock?', true), record('p-6', 'What sizes?', true)], { messagesPerDraftJob: 2 });
    expect(calls.map((c) => c.payloads)).toEqual([[{ messageIds: [more[0]!.id, more[1]!.id] }, { messageIds: [more[2]!.id] }]]);
    expect(await draftJobs(db.sql)).toEqual([]);
  });

  it('wakes a draft worker, which gets the job', async () => {
    const { store, queue } = await open();
    const seen: number[] = [];
    await queue.work('draft', { concurrency: 1, batchSize: 10 }, async (jobs) => {
      seen.push(...jobs.flatMap((j) => messageIdsOf(j.data)));
    });
    const [ref] = await store.messages.storeMany([record('m-1', 'Is the shop open on Sunday?', true)]);
    const deadline = Date.now() + 20_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([ref!.id]);
  });
});
