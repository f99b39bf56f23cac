/**
 * Durable work on pg-boss 10, over Jamii's own database connection (PGlite or postgres.js)
 * through pg-boss's `db` option. Jobs are inserted in the same transaction as the rows they act
 * on, so a crash never leaves a stored message without its draft job or an approval without its
 * send job. Workers in this process are woken as soon as the transaction commits instead of
 * waiting for the next poll.
 */
import PgBoss from 'pg-boss';
import type { JobName, JobPayloads, Logger } from '../core/ports.js';
import type { Database, DbSession, InlineJobEnqueuer, SqlExecutor } from '../db/database.js';

export const JOB_NAMES = ['draft', 'send', 'desk-refresh', 'prompt-replay'] as const satisfies readonly JobName[];

export interface RetryPolicy {
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

/** How each job retries: backoff doubles from `retryDelay` seconds. */
export const RETRY_POLICIES = {
  draft: { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 },
  // A send job starts rows for 30 s (SEND_JOB_BUDGET_MS), and the last may take its deadline, a
  // lookup and their overruns (80 s at most): it ends before it expires, so no retry of it runs
  // alongside it (test/unit/connectors/send-deadline.test.ts).
  send: { retryLimit: 8, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 },
  'desk-refresh': { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 60 },
  // A replay of a few hundred messages through a model takes minutes; one retry, then the logs.
  'prompt-replay': { retryLimit: 1, retryDelay: 10, retryBackoff: false, expireInSeconds: 3_600 },
} satisfies Record<JobName, RetryPolicy>;

/** When a worker polls with nothing in-process to wake it (work enqueued by another process). */
export const JOB_POLL_INTERVAL_SECONDS = 1;
/**
 * Commits within this long of an in-process wake share the next one (see `wake`). Measured with
 * `npm run bench`, messages one at a time: 0 ms (a wake per commit) 175–214 msgs/s on PGlite,
 * 50 ms 542–613 msgs/s; bursts unchanged within the noise.
 */
export const JOB_WAKE_THROTTLE_MS = 50;

export interface JobContext {
  jobId: string;
  retryCount: number;
  retryLimit: number;
  /** True when this is the last attempt pg-boss will make. */
  isFinalAttempt: boolean;
}

export type JobHandler<N extends JobName> = (payloads: Array<{ data: JobPayloads[N]; ctx: JobContext }>) => Promise<void>;

export interface JobQueue {
  /** An enqueuer bound to a session: inside a transaction the jobs commit with it. */
  enqueuerFor(session: DbSession): InlineJobEnqueuer;
  work<N extends JobName>(name: N, options: { concurrency: number; batchSize: number }, handler: JobHandler<N>): Promise<void>;
  schedule(name: string, cron: string, handler: () => Promise<void>): Promise<void>;
  /** Stops fetching, waits for running handlers (up to `timeoutMs`). */
  stop(timeoutMs: number): Promise<void>;
  /** Jobs waiting or running, by queue (for /metrics and tests). */
  backlog(): Promise<Record<string, number>>;
}

/**
 * pg-boss 10's job insert (its `insertJobs` plan) for jobs of one queue with Jamii's per-job
 * policy, reading the jobs from `source` instead of a JSON parameter, so that another statement
 * (ingest's message insert) can queue them in a CTE. Retention and dead letter come from the
 * queue, as pg-boss does it. test/integration/job-inline-insert.test.ts checks that the rows
 * match what `boss.insert` writes, so an upgrade of pg-boss that changes them fails there.
 */
export function inlineJobInsertSql(name: JobName, policy: RetryPolicy, startAfterSeconds: number, source: string): string {
  if (!(JOB_NAMES as readonly string[]).includes(name)) throw new Error(`unknown job queue ${name}`);
  const number = (n: number) => {
    if (!Number.isFinite(n)) throw new Error(`job policy value ${n} is not a finite number`);
    return String(n);
  };
  // pg-boss: with backoff the delay is at least 1 s.
  const retryDelay = policy.retryBackoff ? Math.max(policy.retryDelay, 1) : policy.retryDelay;
  const startAfter = `now() + ${number(startAfterSeconds)} * interval '1s'`;
  return `insert into pgboss.job (id, name, data, priority, start_after, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
       select gen_random_uuid(), q.name, s.data, 0, ${startAfter}, q.dead_letter, ${number(policy.expireInSeconds)} * interval '1s',
              ${startAfter} + cast(coalesce((q.retention_minutes * 60)::text, '14 days') as interval),
              ${number(policy.retryLimit)}, ${number(retryDelay)}, ${policy.retryBackoff ? 'true' : 'false'}, q.policy
         from ${source} s join pgboss.queue q on q.name = '${name}'
       on conflict do nothing`;
}

/**
 * Jobs a killed process left active would wait out their expiry (minutes for a draft) before
 * pg-boss tried them again. When no other process can be running them, they are failed at once
 * (pg-boss's own `fail`), so their retry policy runs them again within seconds. Every handler
 * is safe to run twice: drafting skips a drafted message, a send checks its outbox claim.
 */
async function releaseOrphans(boss: PgBoss, db: Database, log: Logger): Promise<void> {
  const { rows } = await db.sql.executeSql(`select name, id::text as id from pgboss.job where state = 'active'`, []);
  const byName = new Map<string, string[]>();
  for (const { name, id } of rows as Array<{ name: string; id: string }>) byName.set(name, [...(byName.get(name) ?? []), id]);
  for (const [name, ids] of byName) {
    await boss.fail(name, ids);
    log.warn({ queue: name, jobs: ids.length }, 'jobs.orphans_released: jobs left running by a stopped process are retried now');
  }
}

/** How often `stop` looks again for handlers and queries still running. */
const STOP_SETTLE_POLL_MS = 20;

export async function createJobQueue(deps: {
  db: Database;
  log: Logger;
  supervise: boolean;
  /**
   * This process is the only one that runs jobs on this database (embedded PGlite, guarded by its
   * pid file): a job found active at start belongs to a process that is gone.
   */
  soleWorker?: boolean;
  /**
   * Longer expiries than RETRY_POLICIES' (a draft batch waiting on a slow model must not expire
   * while it runs); shorter ones are ignored.
   */
  expireInSeconds?: Partial<Record<JobName, number>> | undefined;
  /** Tests: how often idle workers poll (JOB_POLL_INTERVAL_SECONDS) and the wake throttle. */
  pollingIntervalSeconds?: number | undefined;
  wakeThrottleMs?: number | undefined;
}): Promise<JobQueue> {
  const { db, log } = deps;
  const pollingIntervalSeconds = deps.pollingIntervalSeconds ?? JOB_POLL_INTERVAL_SECONDS;
  const wakeThrottleMs = deps.wakeThrottleMs ?? JOB_WAKE_THROTTLE_MS;
  const policies = Object.fromEntries(
    JOB_NAMES.map((name) => [name, { ...RETRY_POLICIES[name], expireInSeconds: Math.max(RETRY_POLICIES[name].expireInSeconds, deps.expireInSeconds?.[name] ?? 0) }]),
  ) as Record<JobName, RetryPolicy>;
  // pg-boss completes and fails jobs without awaiting the query: count its queries (and our
  // handlers) so `stop` can wait for them before the database closes under them.
  let running = 0;
  const tracked = async <T>(work: () => Promise<T>): Promise<T> => {
    running++;
    try {
      return await work();
    } finally {
      running--;
    }
  };
  /** While pg-boss sets up or upgrades its schema: the schema lock's connection, without the pool's limit. */
  let schemaSql: SqlExecutor | null = null;
  const bossDb: PgBoss.Db = { executeSql: (text, values) => tracked(() => (schemaSql ?? db.sql).executeSql(text, values)) };
  const underSchemaLock = (work: () => Promise<void>) =>
    db.exclusive(async (sql) => {
      schemaSql = sql;
      try {
        await work();
      } finally {
        schemaSql = null;
      }
    });
  const boss = new PgBoss({
    db: bossDb,
    schema: 'pgboss',
    supervise: deps.supervise,
    schedule: deps.supervise,
    migrate: true,
  });
  boss.on('error', (error) => log.error({ err: error }, 'jobs.error'));
  await underSchemaLock(async () => {
    await boss.start();
    for (const name of JOB_NAMES) await boss.createQueue(name, { name, ...policies[name] });
  });
  if (deps.soleWorker) await releaseOrphans(boss, db, log);

  /** This process's workers per queue, and whether each is running a batch right now. */
  const localWorkers = new Map<string, Array<{ id: string; busy: boolean }>>();
  let turn = 0;
  /**
   * A commit with new jobs wakes one worker of their queue: an idle one when there is one (in
   * turn), else a busy one, which fetches again as soon as its batch is done. Waking every worker
   * had all but one fetch nothing, a statement each.
   */
  const wakeWorker = (name: string) => {
    const workers = localWorkers.get(name) ?? [];
    const idle = workers.filter((w) => !w.busy);
    const pool = idle.length > 0 ? idle : workers;
    const worker = pool[turn++ % Math.max(1, pool.length)];
    if (worker) boss.notifyWorker(worker.id);
  };
  /**
   * Wakes are throttled per queue: the first commit after a quiet spell wakes a worker at once;
   * commits within the next JOB_WAKE_THROTTLE_MS share one wake at its end. Messages arriving
   * one at a time would otherwise cost a fetch, a completion and a drafting transaction each;
   * this way they are drafted (and their cards sent) in batches, for at most that much latency.
   */
  const lastWakeAt = new Map<string, number>();
  const wakeTimers = new Map<string, NodeJS.Timeout>();
  let stopping = false;
  const wake = (name: string) => {
    if (stopping || wakeTimers.has(name)) return;
    const wait = (lastWakeAt.get(name) ?? -Infinity) + wakeThrottleMs - performance.now();
    const fire = () => {
      wakeTimers.delete(name);
      lastWakeAt.set(name, performance.now());
      wakeWorker(name);
    };
    if (wait <= 0) return fire();
    const timer = setTimeout(fire, wait);
    timer.unref();
    wakeTimers.set(name, timer);
  };

  const scheduled = new Set<string>();
  /**
   * After commit, a wake for jobs due now. Jobs held back (a burst window) are not due yet: a
   * fetch now could not see them, so the workers' poll picks them up once they are.
   */
  const wakeWhenDue = (session: DbSession, name: JobName, startAfterSeconds: number | undefined) => {
    if ((startAfterSeconds ?? 0) <= 0) session.afterCommit(() => wake(name));
  };

  return {
    enqueuerFor(session) {
      return {
        async enqueue(name, payloads, options) {
          if (payloads.length === 0) return;
          // Each job carries its policy: a queue made by an older version keeps its own defaults.
          const policy = policies[name];
          const delay = options?.startAfterSeconds ?? 0;
          const startAfter = delay > 0 ? { startAfter: new Date(Date.now() + delay * 1000) } : {};
          await boss.insert(
            payloads.map((data) => ({ name, data, ...policy, ...startAfter })),
            { db: session.sql as PgBoss.Db },
          );
          wakeWhenDue(session, name, delay);
        },
        inline(name, options) {
          const delay = options?.startAfterSeconds ?? 0;
          return { sql: (source) => inlineJobInsertSql(name, policies[name], delay, source), queued: () => wakeWhenDue(session, name, delay) };
        },
      };
    },

    async work(name, options, handler) {
      const workers = localWorkers.get(name) ?? [];
      localWorkers.set(name, workers);
      for (let i = 0; i < options.concurrency; i++) {
        const worker = { id: '', busy: false };
        worker.id = await boss.work<JobPayloads[typeof name]>(
          name,
          { batchSize: options.batchSize, pollingIntervalSeconds, includeMetadata: true },
          async (jobs) => {
            worker.busy = true;
            try {
              await tracked(() =>
                handler(
                  jobs.map((job) => ({
                    data: job.data,
                    ctx: {
                      jobId: job.id,
                      retryCount: job.retryCount,
                      retryLimit: job.retryLimit,
                      isFinalAttempt: job.retryCount >= job.retryLimit,
                    },
                  })),
                ),
              );
            } finally {
              worker.busy = false;
            }
            // pg-boss sleeps a full polling interval after each batch unless woken; a full batch
            // means more is waiting, so fetch again at once and drain a backlog at full speed.
            if (jobs.length >= options.batchSize) boss.notifyWorker(worker.id);
          },
        );
        workers.push(worker);
      }
    },

    async schedule(name, cron, handler) {
      await underSchemaLock(async () => {
        await boss.createQueue(name, { name, retryLimit: 0 });
        await boss.schedule(name, cron, {}, { singletonKey: name });
      });
      await boss.work(name, { pollingIntervalSeconds: 30 }, async () => tracked(handler));
      scheduled.add(name);
    },

    async stop(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      stopping = true;
      for (const timer of wakeTimers.values()) clearTimeout(timer);
      wakeTimers.clear();
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
      // A handler that just returned has its job's completion still on the way: wait until
      // nothing has run for a full poll, so the last `complete` lands before the database closes.
      let quietPolls = 0;
      while (quietPolls < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, STOP_SETTLE_POLL_MS));
        quietPolls = running === 0 ? quietPolls + 1 : 0;
      }
      if (running > 0) log.warn({ running }, 'jobs.stop_timed_out');
    },

    async backlog() {
      const counts: Record<string, number> = {};
      for (const name of [...JOB_NAMES, ...scheduled]) counts[name] = await boss.getQueueSize(name);
      return counts;
    },
  };
}
