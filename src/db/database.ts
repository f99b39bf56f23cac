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
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from '../core/ports.js';
import { MIGRATIONS_DIR } from '../install-paths.js';
import { immediate, runCommitted } from './commit-hooks.js';
import { openPostgres } from './postgres-database.js';

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

/** What the openers return: a Database that can also migrate itself. */
export type InternalDatabase = Database & { migrate(log: Logger): Promise<void>; vectors: boolean };


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
