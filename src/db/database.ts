/**
 * The one place that opens a database: embedded PGlite under the data dir when no
 * DATABASE_URL is set, a Postgres server through postgres.js when it is. Both run the same
 * drizzle migrations at start; on a server, an advisory lock keeps two starting processes
 * from migrating at once.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { JobEnqueuer, JobName, Logger } from '../core/ports.js';
import { openPglite } from './pglite-database.js';
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

/**
 * Jobs queued by the same statement that writes the rows they act on (the job queue's own
 * insert, as SQL): rows and jobs commit together without a transaction around them.
 */
export interface InlineJobInsert {
  /** A data-modifying statement for a CTE: one job per row of `source` (a relation with a jsonb `data` column). */
  sql(source: string): string;
  /** Call once the statement ran and queued at least one job: wakes the workers after commit. */
  queued(): void;
}

/** A session's job enqueuer that can also lend its insert to another statement (job-queue.ts). */
export interface InlineJobEnqueuer extends JobEnqueuer {
  inline(name: JobName, options?: { startAfterSeconds?: number | undefined }): InlineJobInsert;
}

export interface Database extends DbSession {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: DbSession) => Promise<T>): Promise<T>;
  /** true when a trivial query answers. */
  ping(): Promise<boolean>;
  /**
   * Runs `fn` while holding the cluster-wide schema lock (a Postgres advisory lock; PGlite has
   * one connection and needs none). Migrations and the job queue's schema setup run under it, so
   * processes starting together never race on DDL. `sql` runs on the lock's own connection,
   * without the pool's statement limit: schema work (the job queue's own upgrades, pgvector)
   * takes as long as it takes.
   */
  exclusive<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T>;
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
  /**
   * Postgres server only: the pool's statement and idle-in-transaction limit (none when unset;
   * the app passes JAMII_DB_STATEMENT_TIMEOUT_SECONDS).
   */
  statementTimeoutMs?: number;
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
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, { poolMax: options.poolMax ?? 10, statementTimeoutMs: options.statementTimeoutMs ?? 0 })
    : await openPglite(options);
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
  return db.exclusive(async (sql) => {
    const available = await sql.executeSql(`select 1 from pg_available_extensions where name = 'vector'`, []);
    if (available.rows.length === 0) {
      log.warn({}, 'knowledge.vectors_unavailable: pgvector is not installed; retrieval uses full-text search alone');
      return false;
    }
    try {
      await sql.executeSql('create extension if not exists vector');
      await sql.executeSql(
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

/** What the openers return: a Database that can also migrate itself. */
export type InternalDatabase = Database & { migrate(log: Logger): Promise<void>; vectors: boolean };


