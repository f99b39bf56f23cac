/**
 * PGlite's prepared statements (src/db/pglite-statements.ts) against a real in-memory PGlite:
 * the same rows, types and errors as PGlite's own query(), each text parsed once, a bounded
 * number kept, a stale statement prepared again, and a session left usable after any error.
 */
import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgliteStatements, type PgliteStatements } from '../../src/db/pglite-statements.js';

let client: PGlite;
let statements: PgliteStatements;

/** As PGlite's query() runs its statements: holding the query lock. */
const run = (text: string, params: unknown[] = [], options?: Parameters<PgliteStatements['run']>[2]) =>
  client._runExclusiveQuery(() => statements.run<Record<string, unknown>>(text, params, options));

const prepared = async (): Promise<string[]> =>
  (await client.query<{ statement: string }>(`select statement from pg_prepared_statements order by prepare_time`)).rows.map((r) => r.statement);

beforeAll(async () => {
  client = new PGlite();
  await client.waitReady;
});

afterAll(async () => {
  await client.close();
});

beforeEach(async () => {
  await client.exec(`deallocate all; drop table if exists t; create table t (id int8 primary key, body text not null, meta jsonb, at timestamptz, tags text[])`);
  statements = pgliteStatements(client, 3);
});

describe('PGlite prepared statements', () => {
  it('returns what query() returns, for every type the store uses', async () => {
    const insert = `insert into t (id, body, meta, at, tags) values ($1, $2, $3, $4, $5) returning *`;
    const params = [1, 'héllo', { a: [1, 'x'] }, new Date('2026-11-27T10:00:00Z'), ['a', 'b,c']];
    const mine = await run(insert, params);
    await client.exec('delete from t');
    const theirs = await client.query(insert, params);
    expect(mine.rows).toEqual(theirs.rows);
    expect(mine.fields).toEqual(theirs.fields);
    expect(mine.affectedRows).toBe(1);
    expect(mine.rows[0]).toMatchObject({ id: 1, body: 'héllo', meta: { a: [1, 'x'] }, tags: ['a', 'b,c'] });
    expect(mine.rows[0]!.at).toBeInstanceOf(Date);
  });

  it('sends null and undefined as NULL', async () => {
    await run(`insert into t (id, body, meta, at) values ($1, $2, $3, $4)`, [2, 'x', null, undefined]);
    expect((await client.query(`select meta, at from t where id = 2`)).rows).toEqual([{ meta: null, at: null }]);
  });

  it("applies the caller's parsers and array row mode (as drizzle asks) without changing PGlite's own", async () => {
    await run(`insert into t (id, body, at) values ($1, $2, $3)`, [3, 'x', '2026-11-27 10:00:00+00']);
    const result = await run(`select id, at from t where id = $1`, [3], { rowMode: 'array', parsers: { [types.TIMESTAMPTZ]: (value: string) => value } });
    expect(result.rows).toEqual([[3, '2026-11-27 10:00:00+00']]);
    const plain = await run(`select id, at from t where id = $1`, [3]);
    expect(plain.rows[0]!.at).toBeInstanceOf(Date);
  });

  it('parses a statement text once and runs it by name after that', async () => {
    for (let id = 10; id < 15; id++) await run(`insert into t (id, body) values ($1, $2)`, [id, `row ${id}`]);
    expect(statements.size).toBe(1);
    expect(await prepared()).toEqual(['insert into t (id, body) values ($1, $2)']);
    expect((await client.query(`select count(*)::int as n from t`)).rows).toEqual([{ n: 5 }]);
  });

  it('keeps at most its limit, closing the least recently used', async () => {
    const texts = [1, 2, 3, 4].map((n) => `select $1::int + ${n} as n`);
    await run(texts[0]!, [0]);
    await run(texts[1]!, [0]);
    await run(texts[2]!, [0]);
    await run(texts[0]!, [0]); // used again: texts[1] is now the least recent
    await run(texts[3]!, [0]); // over the limit of 3: texts[1] goes
    await run(texts[0]!, [0]); // the close rides on the next call
    expect(statements.size).toBe(3);
    expect((await prepared()).sort()).toEqual([texts[0], texts[2], texts[3]].sort());
    expect((await run(texts[1]!, [1])).rows).toEqual([{ n: 3 }]);
  });

  it('throws the database error with its code and leaves the session usable', async () => {
    await run(`insert into t (id, body) values ($1, $2)`, [20, 'first']);
    const duplicate = run(`insert into t (id, body) values ($1, $2)`, [20, 'again']);
    await expect(duplicate).rejects.toMatchObject({ code: '23505' });
    expect((await run(`select body from t where id = $1`, [20])).rows).toEqual([{ body: 'first' }]);
  });

  it('does not keep a statement that failed to parse', async () => {
    await expect(run(`selec $1`, [1])).rejects.toMatchObject({ code: '42601' });
    expect(statements.size).toBe(0);
    expect(await prepared()).toEqual([]);
    expect((await run(`select $1::int as n`, [4])).rows).toEqual([{ n: 4 }]);
  });

  it('prepares again when a schema change altered the result, or the statement is gone', async () => {
    await run(`select * from t where id = $1`, [1]);
    await client.exec(`alter table t add column extra text default 'e'`);
    await run(`insert into t (id, body) values ($1, $2)`, [30, 'x']);
    expect((await run(`select * from t where id = $1`, [30])).rows[0]).toMatchObject({ id: 30, extra: 'e' });

    await client.exec('deallocate all');
    expect((await run(`select * from t where id = $1`, [30])).rows).toHaveLength(1);
  });

  it('inside a transaction, an error rolls back everything, and the next transaction runs', async () => {
    await client.exec(`insert into t (id, body) values (40, 'kept')`);
    const failed = client.transaction(async () => {
      await run(`insert into t (id, body) values ($1, $2)`, [41, 'rolled back']);
      await run(`insert into t (id, body) values ($1, $2)`, [40, 'duplicate']);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    expect((await run(`select id from t where id > $1 order by id`, [39])).rows).toEqual([{ id: 40 }]);
    await client.transaction(async () => {
      await run(`insert into t (id, body) values ($1, $2)`, [42, 'committed']);
    });
    expect((await run(`select id from t where id > $1 order by id`, [39])).rows).toEqual([{ id: 40 }, { id: 42 }]);
  });
});
