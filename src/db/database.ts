/**
 * The one place that opens a database: embedded PGlite under the data dir when no
 * DATABASE_URL is set, a Postgres server through postgres.js when it is. Both run the same
 * drizzle migrations at start; on a server, an advisory lock keeps two starting processes
 * from migrating at once.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import path from 'node:path';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import type { Logger } from '../core/ports.js';
import { MIGRATIONS_DIR } from '../install-paths.js';

/** drizzle over either driver. */
export type Orm = PgDatabase<PgQueryResultHKT>;

/** Raw SQL with positional parameters; the shape pg-boss's `db` option expects. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** A connection or a transaction: drizzle and raw SQL over the same session. */
export interface DbSession {
  orm: Orm;
  sql: SqlExecutor;
  /** Runs after the surrounding transaction commits (immediately outside a transaction). */
  afterCommit(fn: () => void): void;
}

export interface Database extends DbSession {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T>;
  /** true when a trivial query answers. */
  ping(): Promise<boolean>;
  /**
   * Runs `fn` while holding the cluster-wide schema lock (a Postgres advisory lock; PGlite has
   * one connection and needs none). Migrations and the job queue's schema setup run under it, so
   * processes starting together never race on DDL.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** PGlite only: the data directory as a tarball (test templates, backups). */
  dump?(): Promise<Blob>;
  /** pgvector is installed and the knowledge_embeddings table exists. */
  readonly vectors: boolean;
  close(): Promise<void>;
}

/** Arbitrary constant for pg_advisory_lock: "jamii" in ASCII. */
const SCHEMA_LOCK_KEY = 0x6a616d6969;
/** Postgres's own default is 128MB, which PGlite allocates inside its WASM heap; Jamii needs far less. */
export const PGLITE_SHARED_BUFFERS_DEFAULT = '16MB';

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax?: number;
  log: Logger;
  /** In-memory PGlite (tests). */
  memory?: boolean;
  pgliteSharedBuffers?: string;
  /** Start PGlite from a dumped data directory (tests start from a migrated template). */
  pgliteLoadDataDir?: Blob;
  /**
   * Makes a new PGlite data directory (none there yet) instead of initdb, returning true when it
   * did: app.ts copies the migrated template `npm ci` builds (pglite-template.ts).
   */
  newDataDir?: (dir: string) => boolean;
  /**
   * Set up vector search (pgvector) for knowledge retrieval: PGlite loads its bundled extension;
   * a server uses it when installed. Where it is missing, `vectors` is false and retrieval is
   * full-text alone.
   */
  vectors?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options.poolMax ?? 10) : await openPglite(options);
  try {
    await db.migrate(options.log);
    if (options.vectors) db.vectors = await setUpVectors(db, options.log);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

/**
 * Vectors live outside the drizzle migrations because the extension is optional: a server
 * without pgvector must still migrate. The table is created here, under the schema lock.
 */
async function setUpVectors(db: InternalDatabase, log: Logger): Promise<boolean> {
  return db.exclusive(async () => {
    const available = await db.sql.executeSql(`select 1 from pg_available_extensions where name = 'vector'`, []);
    if (available.rows.length === 0) {
      log.warn({}, 'knowledge.vectors_unavailable: pgvector is not installed; retrieval uses full-text search alone');
      return false;
    }
    try {
      await db.sql.executeSql('create extension if not exists vector');
      await db.sql.executeSql(
        `create table if not exists knowledge_embeddings (
           chunk_id bigint not null references knowledge_chunks(id) on delete cascade,
           model text not null,
           embedding vector not null,
           primary key (chunk_id, model)
         )`,
      );
      return true;
    } catch (error) {
      log.warn({ err: error }, 'knowledge.vectors_unavailable: could not enable pgvector; retrieval uses full-text search alone');
      return false;
    }
  });
}

/**
 * PGlite is one process's database: a second Jamii on the same data dir would corrupt it.
 * A pid file guards the directory; one left by a killed process (pid gone) is taken over.
 */
function takeDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'jamii.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(`another Jamii (pid ${owner}) is using the embedded database in ${dataDir}; stop it, or set JAMII_DATA_DIR to another directory`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot lock ${file}`);
}

/** Full GC without --expose-gc: expose it for a moment through V8 flags. */
function collectGarbageNow(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Best effort: memory is reclaimed later anyway.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite runs Postgres synchronously on this thread: a chain of queries never lets timers, HTTP
 * or heartbeats in. Each top-level statement and transaction first yields to the event loop.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The client drizzle uses outside transactions: every query and transaction yields first. */
function yieldingClient(client: PGlite): PGlite {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (prop !== 'query' && prop !== 'exec' && prop !== 'transaction') return bound;
      return async (...args: unknown[]) => {
        await yieldToEventLoop();
        return bound(...args);
      };
    },
  });
}

function immediate(): (fn: () => void) => void {
  return (fn) => fn();
}

async function runCommitted<T>(fn: (hooks: Array<() => void>) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await fn(hooks);
  for (const hook of hooks) hook();
  return result;
}

type InternalDatabase = Database & { migrate(log: Logger): Promise<void>; vectors: boolean };

async function openPglite(options: OpenDatabaseOptions): Promise<InternalDatabase> {
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.pgliteSharedBuffers ?? PGLITE_SHARED_BUFFERS_DEFAULT}`];
  let client: PGlite;
  let releaseLock = () => {};
  let freshDir = false;
  let fromTemplate = false;
  const extensions = options.vectors ? { extensions: { vector } } : {};
  if (options.memory) {
    client = new PGlite({ startParams, ...extensions, ...(options.pgliteLoadDataDir ? { loadDataDir: options.pgliteLoadDataDir } : {}) });
  } else {
    const dir = path.join(options.dataDir, 'pglite');
    mkdirSync(options.dataDir, { recursive: true });
    releaseLock = takeDataDirLock(options.dataDir);
    freshDir = !existsSync(path.join(dir, 'PG_VERSION'));
    if (freshDir && options.newDataDir) {
      try {
        fromTemplate = options.newDataDir(dir);
      } catch (error) {
        options.log.warn({ err: error, dir }, 'db.template_failed: making the data directory with initdb instead');
      }
    }
    if (freshDir) options.log.info({ dir }, fromTemplate ? 'db.new_data_dir_from_template' : 'db.new_data_dir_initdb');
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir, { startParams, ...extensions });
  }
  try {
    await client.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  // A first start runs initdb in a WASM instance of its own (~450 MB) that is garbage once the
  // database is up, but V8 sees little JS heap pressure and may keep it for a long while.
  if (freshDir && !fromTemplate) setTimeout(collectGarbageNow, 2_000).unref();

  const executorOf = (c: PGlite | PgliteTransaction, topLevel: boolean): SqlExecutor => ({
    async executeSql(text, values) {
      if (topLevel) await yieldToEventLoop();
      if (!values || values.length === 0) {
        // pg-boss sends multi-statement scripts without parameters: the simple protocol runs them.
        const results = await c.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const result = await c.query(text, values as unknown[]);
      return { rows: result.rows as any[] };
    },
  });

  const orm = drizzlePglite({ client: yieldingClient(client) }) as unknown as Orm;
  let closed = false;
  return {
    kind: 'pglite',
    vectors: false,
    orm,
    sql: executorOf(client, true),
    afterCommit: immediate(),
    transaction: (fn) =>
      runCommitted(async (hooks) => {
        await yieldToEventLoop();
        return client.transaction((tx) =>
          fn({
            orm: drizzlePglite({ client: tx as unknown as PGlite }) as unknown as Orm,
            sql: executorOf(tx, false),
            afterCommit: (hook) => hooks.push(hook),
          }),
        );
      }),
    async ping() {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    exclusive: (fn) => fn(),
    dump: () => client.dumpDataDir('gzip'),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        releaseLock();
      }
    },
    async migrate(log) {
      const started = Date.now();
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_DIR });
      log.info({ driver: 'pglite', ms: Date.now() - started }, 'db.migrated');
    },
  };
}

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

async function openPostgres(url: string, poolMax: number): Promise<InternalDatabase> {
  const client = postgres(url, {
    max: poolMax,
    onnotice: () => undefined,
    connection: { application_name: 'jamii' },
  });

  const executorOf = (c: postgres.Sql | postgres.TransactionSql, pooled: boolean): SqlExecutor => ({
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        // pg-boss's scripts carry their own BEGIN/COMMIT: outside a transaction they need one
        // connection to themselves, and the simple protocol for several statements.
        if (pooled) {
          const reserved = await (c as postgres.Sql).reserve();
          try {
            const rows = await reserved.unsafe(text).simple();
            return { rows: Array.isArray(rows) ? [...rows] : [] };
          } catch (error) {
            // A failed script leaves its BEGIN open: never hand an aborted connection back to the pool.
            await reserved.unsafe('rollback').catch(() => undefined);
            throw error;
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
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const reserved = await client.reserve();
    try {
      // Session-level lock on a reserved connection: a second process waits here, then finds the
      // work done (every migration applied, the queue schema installed) and does nothing.
      await reserved.unsafe('select pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
      return await fn();
    } finally {
      await reserved.unsafe('select pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]).catch(() => undefined);
      reserved.release();
    }
  };
  let closed = false;
  return {
    kind: 'postgres',
    vectors: false,
    orm,
    sql: executorOf(client, true),
    afterCommit: immediate(),
    transaction: (fn) =>
      runCommitted(
        (hooks) =>
          client.begin((tx) =>
            fn({
              // drizzle reads the client's parser options, which a transaction handle lacks:
              // lend it the pool's (already set up by the drizzle instance above).
              orm: drizzlePostgres({ client: preparingShortStatements(Object.assign(tx, { options: client.options }) as unknown as postgres.Sql) }) as unknown as Orm,
              sql: executorOf(tx, false),
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
      await exclusive(() => migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_DIR }));
      log.info({ driver: 'postgres', ms: Date.now() - started }, 'db.migrated');
    },
  };
}
