/**
 * The Postgres server side of database.ts: postgres.js with drizzle over it, statements
 * prepared where their text is stable, migrations under a cluster-wide advisory lock.
 */
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { MIGRATIONS_DIR } from '../install-paths.js';
import { immediate, runCommitted } from './commit-hooks.js';
import type { InternalDatabase, Orm, SqlExecutor } from './database.js';

/** Arbitrary constant for pg_advisory_lock: "jamii" in ASCII. */
const SCHEMA_LOCK_KEY = 0x6a616d6969;

export interface PostgresOptions {
  poolMax: number;
  /**
   * Longest a statement may run, and a transaction sit idle, on the pool's connections (0: no
   * limit). The server cancels a statement past it (SQLSTATE 57014) and ends a session left idle
   * inside a transaction, releasing its locks: a stuck query or a transaction abandoned by a hung
   * await fails its job, which retries, instead of holding a connection and its locks forever.
   * Migrations and the wait for the schema lock are exempt: they take as long as they take.
   */
  statementTimeoutMs: number;
}

/** Session settings that lift the pool's limits, for schema work (see PostgresOptions). */
const UNLIMITED = { statement_timeout: 0, idle_in_transaction_session_timeout: 0 } as const;

/** node-postgres (which pg-boss is written for) sends undefined as NULL and objects as JSON text; so do we. */
function toPostgresParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value) || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

/**
 * drizzle's statements with at most this many parameters run prepared, like executeSql's: one
 * round trip instead of two. Longer ones are lists (`in ($1, …, $n)`) whose text changes with
 * their length, and each connection would keep a prepared statement for every length it saw.
 */
const DRIZZLE_PREPARE_MAX_PARAMETERS = 16;

/** A postgres.js client (or transaction) whose `unsafe`, as drizzle calls it, prepares short statements. */
function preparingShortStatements<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'unsafe') return Reflect.get(target, prop, receiver) as unknown;
      return (query: string, args?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) => {
        const short = args !== undefined && args.length > 0 && args.length <= DRIZZLE_PREPARE_MAX_PARAMETERS;
        return target.unsafe(query, args, { ...options, prepare: options?.prepare === true || short });
      };
    },
  });
}

export async function openPostgres(url: string, options: PostgresOptions): Promise<InternalDatabase> {
  const limits = options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs, idle_in_transaction_session_timeout: options.statementTimeoutMs } : {};
  const client = postgres(url, {
    max: options.poolMax,
    onnotice: () => undefined,
    // Sent as startup parameters: every connection of the pool has them from its first statement.
    connection: { application_name: 'jamii', ...limits },
  });

  /**
   * A script with its own BEGIN/COMMIT on a connection of ours: a failed one leaves its BEGIN
   * open, so it is rolled back before the connection runs anything else (or goes back to the pool).
   */
  const runScript = async (conn: postgres.ReservedSql, text: string) => {
    try {
      const rows = await conn.unsafe(text).simple();
      return { rows: Array.isArray(rows) ? [...rows] : [] };
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
  };

  /** `pool`: any connection; `transaction`: inside one; `own`: a reserved connection of ours. */
  const executorOf = (c: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql, where: 'pool' | 'transaction' | 'own'): SqlExecutor => ({
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        // pg-boss's scripts carry their own BEGIN/COMMIT: outside a transaction they need one
        // connection to themselves, and the simple protocol for several statements.
        if (where === 'own') return runScript(c as postgres.ReservedSql, text);
        if (where === 'pool') {
          const reserved = await (c as postgres.Sql).reserve();
          try {
            return await runScript(reserved, text);
          } finally {
            reserved.release();
          }
        }
        const rows = await c.unsafe(text).simple();
        return { rows: Array.isArray(rows) ? [...rows] : [] };
      }
      // Prepared: the statement is parsed once per connection and then runs in one round trip.
      // Unprepared, postgres.js asks the server for parameter types first (two round trips).
      const rows = await c.unsafe(text, values.map(toPostgresParameter) as postgres.ParameterOrJSON<never>[], { prepare: true });
      return { rows: [...rows] };
    },
  });

  const orm = drizzlePostgres({ client: preparingShortStatements(client) }) as unknown as Orm;
  const exclusive = async <T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T> => {
    const reserved = await client.reserve();
    // Statements still running on the connection when `fn` is done (a pg-boss timer that fired
    // meanwhile) finish before it goes back to the pool.
    const running = new Set<Promise<unknown>>();
    const own = executorOf(reserved, 'own');
    const onLock: SqlExecutor = {
      executeSql(text, values) {
        const p = own.executeSql(text, values);
        const done = () => running.delete(p);
        running.add(p);
        p.then(done, done);
        return p;
      },
    };
    try {
      // Session-level lock on a reserved connection: a second process waits here, then finds the
      // work done (every migration applied, the queue schema installed) and does nothing. The
      // wait lasts as long as the other process's migrations, so the statement limit is lifted
      // for it (and restored to the connection's startup value before it goes back to the pool).
      await reserved.unsafe('set statement_timeout = 0');
      await reserved.unsafe('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      // The schema work runs on this same connection, so without the limit too.
      return await fn(onLock);
    } finally {
      await Promise.allSettled([...running]);
      await reserved.unsafe('select pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]).catch(() => undefined);
      await reserved.unsafe('reset statement_timeout').catch(() => undefined);
      reserved.release();
    }
  };
  let closed = false;
  return {
    kind: 'postgres',
    vectors: false,
    orm,
    sql: executorOf(client, 'pool'),
    afterCommit: immediate(),
    transaction: (fn) =>
      runCommitted(
        (hooks) =>
          client.begin((tx) =>
            fn({
              // drizzle reads the client's parser options, which a transaction handle lacks:
              // lend it the pool's (already set up by the drizzle instance above).
              orm: drizzlePostgres({ client: preparingShortStatements(Object.assign(tx, { options: client.options }) as unknown as postgres.Sql) }) as unknown as Orm,
              sql: executorOf(tx, 'transaction'),
              afterCommit: (hook) => hooks.push(hook),
            }),
          ) as Promise<Awaited<ReturnType<typeof fn>>>,
      ),
    async ping() {
      try {
        await client`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 5 });
    },
    exclusive,
    async migrate(log) {
      const started = Date.now();
      // Migrations run on a connection of their own without the pool's limits: building an index
      // on a large table may take minutes, and must not be cancelled halfway through an upgrade.
      const migrator = postgres(url, { max: 1, onnotice: () => undefined, connection: { application_name: 'jamii-migrate', ...UNLIMITED } });
      try {
        await exclusive(() => migratePostgres(drizzlePostgres({ client: migrator }), { migrationsFolder: MIGRATIONS_DIR }));
      } finally {
        await migrator.end({ timeout: 5 });
      }
      log.info({ driver: 'postgres', ms: Date.now() - started }, 'db.migrated');
    },
  };
}
