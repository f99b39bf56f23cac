/**
 * The pool's limits on a Postgres server (JAMII_DB_STATEMENT_TIMEOUT_SECONDS): a statement that
 * runs too long is cancelled, a transaction left idle is ended and its locks released, and the
 * pool goes on working; the wait for another process's schema lock and the migrations are exempt.
 */
import pino from 'pino';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { dropPostgresDatabase, freshPostgresUrl, TEST_DATABASE_URL } from '../support/harness.js';

const LIMIT_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!TEST_DATABASE_URL)('statement and idle-transaction limits on Postgres (TEST_DATABASE_URL)', () => {
  const open: Database[] = [];
  const urls: string[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    for (const url of urls.splice(0)) await dropPostgresDatabase(url);
  });
  const openWithLimit = async (url: string, statementTimeoutMs = LIMIT_MS) => {
    const db = await openDatabase({ databaseUrl: url, dataDir: '', statementTimeoutMs, log: pino({ level: 'silent' }) });
    open.push(db);
    return db;
  };
  const fresh = async () => {
    const url = await freshPostgresUrl();
    urls.push(url);
    return url;
  };

  it('cancels a statement that runs past the limit, and the pool goes on working', async () => {
    const db = await openWithLimit(await fresh());
    await expect(db.sql.executeSql('select pg_sleep($1)', [3])).rejects.toMatchObject({ code: '57014' });
    const { rows } = await db.sql.executeSql('select $1::int + 1 as n', [41]);
    expect(rows[0].n).toBe(42);
  });

  it('ends a transaction left idle past the limit, rolls it back and releases its locks', async () => {
    const url = await fresh();
    const db = await openWithLimit(url);
    await db.sql.executeSql('create table held (id int primary key, note text)', []);
    await db.sql.executeSql(`insert into held values (1, 'before')`, []);
    const abandoned = db.transaction(async (tx) => {
      await tx.sql.executeSql(`update held set note = 'inside' where id = $1`, [1]);
      // A hung await inside a transaction: the row stays locked while it lasts.
      await sleep(LIMIT_MS * 2.5);
      await tx.sql.executeSql('select $1::int as one', [1]);
    });
    const settled = abandoned.then(
      () => 'committed',
      (error: unknown) => error,
    );
    // Another session may write the row once the server has ended the idle transaction.
    const other = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      await sleep(LIMIT_MS * 1.5);
      await other`set lock_timeout = 500`;
      await other`update held set note = 'after' where id = 1`;
    } finally {
      await other.end({ timeout: 5 });
    }
    expect(await settled).toBeInstanceOf(Error);
    const { rows } = await db.sql.executeSql('select note from held where id = $1', [1]);
    expect(rows[0].note).toBe('after');
  });

  it('waits for another process’s schema work however long it takes, then runs its own', async () => {
    const url = await fresh();
    const first = await openWithLimit(url);
    let firstDone = 0;
    const holding = first.exclusive(async () => {
      await sleep(LIMIT_MS * 2);
      firstDone = Date.now();
    });
    await sleep(100);
    // A second process starts meanwhile: its migrations wait for the lock, past its own limit.
    const second = await openWithLimit(url);
    const ranAt = await second.exclusive(async () => Date.now());
    await holding;
    expect(ranAt).toBeGreaterThanOrEqual(firstDone);
    // The lock's connection went back to the pool with its limit restored.
    const limits = await Promise.all(Array.from({ length: 4 }, () => second.sql.executeSql('select current_setting($1) as v', ['statement_timeout'])));
    expect(limits.map((r) => r.rows[0].v)).toEqual(Array(4).fill('1s'));
  });

  it('sets no limit when configured to 0', async () => {
    const db = await openWithLimit(await fresh(), 0);
    const { rows } = await db.sql.executeSql('select current_setting($1) as v', ['statement_timeout']);
    expect(rows[0].v).toBe('0');
    await expect(db.sql.executeSql('select pg_sleep($1)', [1.2])).resolves.toBeDefined();
  });

  it('runs schema work under the lock without the limit, and a failed script leaves the lock’s connection usable', async () => {
    const db = await openWithLimit(await fresh());
    await expect(db.exclusive((sql) => sql.executeSql('select pg_sleep($1) as slept', [1.5]))).resolves.toBeDefined();
    // A pg-boss-style script (its own BEGIN) that fails halfway.
    await expect(db.exclusive((sql) => sql.executeSql('begin; select 1/0; commit;'))).rejects.toThrow(/division by zero/);
    const limits = await Promise.all(Array.from({ length: 12 }, () => db.sql.executeSql('select current_setting($1) as v, now() = statement_timestamp() as fresh', ['statement_timeout'])));
    expect(limits.map((r) => r.rows[0].v)).toEqual(Array(12).fill('1s'));
    await expect(db.exclusive((sql) => sql.executeSql('select $1::int as one', [1]))).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
});
