/**
 * The embedded side of database.ts: PGlite under the data dir (or in memory for tests), one
 * process per data dir (a pid lock), statements run prepared (pglite-statements.ts), and every
 * top-level statement and transaction yielding to the event loop first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import path from 'node:path';
import { PGlite, type QueryOptions, type Results, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_DIR } from '../install-paths.js';
import { immediate, runCommitted } from './commit-hooks.js';
import { PGLITE_SHARED_BUFFERS_DEFAULT, type InternalDatabase, type OpenDatabaseOptions, type Orm, type SqlExecutor } from './database.js';
import { pgliteStatements } from './pglite-statements.js';

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

type Query = <T>(text: string, params?: unknown[], options?: QueryOptions) => Promise<Results<T>>;

/**
 * What drizzle sees as its PGlite client: PGlite (or a transaction of it) with `query` running
 * prepared, and, at the top level, `exec` and `transaction` yielding to the event loop first.
 */
function drizzleClient(client: PGlite | PgliteTransaction, overrides: Partial<Pick<PGlite, 'query' | 'exec' | 'transaction'>>): PGlite {
  return new Proxy(client as PGlite, {
    get(target, prop) {
      const override = (overrides as Record<PropertyKey, unknown>)[prop];
      if (override !== undefined) return override;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function openPglite(options: OpenDatabaseOptions): Promise<InternalDatabase> {
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

  const statements = pgliteStatements(client);
  // Outside a transaction a statement waits for PGlite's transaction lock, as query() does.
  const query: Query = async (text, params, queryOptions) => {
    await yieldToEventLoop();
    if (client.closed) throw new Error('PGlite is closed');
    return client._runExclusiveTransaction(() =>
      client._runExclusiveQuery(async () => {
        const result = await statements.run<any>(text, params ?? [], queryOptions);
        await client.syncToFs();
        return result;
      }),
    );
  };
  const queryIn =
    (tx: PgliteTransaction): Query =>
    async (text, params, queryOptions) => {
      if (tx.closed) throw new Error('Transaction is closed');
      return client._runExclusiveQuery(() => statements.run<any>(text, params ?? [], queryOptions));
    };
  const exec = async (text: string, queryOptions?: QueryOptions) => {
    await yieldToEventLoop();
    return client.exec(text, queryOptions);
  };
  const transaction = async <T>(fn: (tx: PgliteTransaction) => Promise<T>): Promise<T> => {
    await yieldToEventLoop();
    return client.transaction(fn);
  };

  const executor = (run: Query, runScript: (text: string) => Promise<Results[]>): SqlExecutor => ({
    async executeSql(text, values) {
      if (!values || values.length === 0) {
        // pg-boss sends multi-statement scripts without parameters: the simple protocol runs them.
        const results = await runScript(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const result = await run<any>(text, values);
      return { rows: result.rows };
    },
  });

  const orm = drizzlePglite({
    client: drizzleClient(client, {
      query,
      exec,
      // drizzle's own orm.transaction: its queries run prepared inside as well.
      transaction: (fn) => transaction((tx) => fn(drizzleClient(tx, { query: queryIn(tx) }) as unknown as PgliteTransaction)),
    }),
  }) as unknown as Orm;
  let closed = false;
  const sql = executor(query, exec);
  return {
    kind: 'pglite',
    vectors: false,
    orm,
    sql,
    afterCommit: immediate(),
    transaction: (fn) =>
      runCommitted((hooks) =>
        transaction((tx) =>
          fn({
            orm: drizzlePglite({ client: drizzleClient(tx, { query: queryIn(tx) }) }) as unknown as Orm,
            sql: executor(queryIn(tx), (text) => tx.exec(text)),
            afterCommit: (hook) => hooks.push(hook),
          }),
        ),
      ),
    async ping() {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    exclusive: (fn) => fn(sql),
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
