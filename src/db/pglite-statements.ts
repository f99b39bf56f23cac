/**
 * Named prepared statements for PGlite. PGlite's own `query()` sends Parse, Describe, Bind,
 * Describe, Execute and Sync as six calls into the WASM Postgres, and Postgres parses, analyses
 * and plans the text again every time. Here a statement text is parsed once into a named
 * statement (Parse + Describe + Sync, one call); every run after that is Bind + Describe +
 * Execute + Sync in one call, and Postgres reuses the parse tree and, once it judges a generic
 * plan good enough, the plan. Same results, errors and type handling as `query()`; measured
 * about twice as fast a statement (README, Benchmarks: "Where the time goes").
 *
 * A server connection does the same through postgres.js (postgres-database.ts).
 */
import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const wire = protocol.serialize;

/**
 * Distinct statement texts kept prepared. Beyond it the least recently used is closed: texts
 * that change with their input (`in ($1, …, $n)` lists) must not pile up in PGlite's memory.
 */
export const PGLITE_STATEMENTS_MAX = 200;

/**
 * SQLSTATEs that mean the cached statement itself is unusable: it no longer exists (26000), or
 * a schema change altered its result type (0A000, "cached plan must not change result type").
 */
const STALE_STATEMENT_CODES = new Set(['26000', '0A000']);

interface Statement {
  name: string;
  /** Parameter type oids, as Postgres inferred them: they choose each value's serializer. */
  paramTypes: number[];
}

export interface PgliteStatements {
  /**
   * Runs one statement with parameters, prepared. The caller holds PGlite's query lock
   * (`_runExclusiveQuery`), as PGlite's own query does inside it.
   */
  run<T>(text: string, params: readonly unknown[], options?: QueryOptions): Promise<Results<T>>;
  /** How many statements are prepared now. */
  readonly size: number;
}

function frame(messages: Uint8Array[]): Uint8Array {
  if (messages.length === 1) return messages[0]!;
  const out = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let offset = 0;
  for (const m of messages) {
    out.set(m, offset);
    offset += m.length;
  }
  return out;
}

function isStale(error: unknown): boolean {
  return STALE_STATEMENT_CODES.has(String((error as { code?: unknown } | null)?.code));
}

export function pgliteStatements(client: PGlite, max = PGLITE_STATEMENTS_MAX): PgliteStatements {
  /** Map order is recency order: a hit moves the statement to the end. */
  const statements = new Map<string, Statement>();
  /** Close messages of evicted statements, sent at the head of the next call. */
  let closes: Uint8Array[] = [];
  let counter = 0;

  // Every call ends in Sync, so an error anywhere leaves the session ready for the next call.
  const call = (messages: Uint8Array[]) => {
    const head = closes;
    closes = [];
    return client.execProtocolStream(frame([...head, ...messages]), { syncToFs: false });
  };

  const forget = (text: string) => {
    const statement = statements.get(text);
    if (!statement) return;
    statements.delete(text);
    closes.push(wire.close({ type: 'S', name: statement.name }));
  };

  const statementFor = async (text: string): Promise<Statement> => {
    const known = statements.get(text);
    if (known) {
      statements.delete(text);
      statements.set(text, known);
      return known;
    }
    const name = `jamii_${++counter}`;
    const described = await call([wire.parse({ name, text }), wire.describe({ type: 'S', name }), wire.sync()]);
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    statements.set(text, statement);
    if (statements.size > max) forget(statements.keys().next().value!);
    return statement;
  };

  const execute = async <T>(statement: Statement, params: readonly unknown[], options: QueryOptions | undefined): Promise<Results<T>> => {
    // As PGlite's query(): null and undefined are NULL; otherwise the serializer for the type
    // Postgres inferred, or the value's own text.
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const type = statement.paramTypes[i]!;
      const serialize = options?.serializers?.[type] ?? client.serializers[type];
      return serialize ? serialize(param) : String(param);
    });
    const messages = await call([wire.bind({ statement: statement.name, values }), wire.describe({ type: 'P' }), wire.execute({}), wire.sync()]);
    // parseResults would copy PGlite's few hundred parsers into a new object to merge the
    // caller's (drizzle passes some on every query); a prototype chain merges them for free.
    if (!options?.parsers) return parse.parseResults(messages, client.parsers, options)[0] as Results<T>;
    const parsers = Object.assign(Object.create(client.parsers) as typeof client.parsers, options.parsers);
    return parse.parseResults(messages, parsers, { ...options, parsers: undefined })[0] as Results<T>;
  };

  return {
    async run<T>(text: string, params: readonly unknown[], options?: QueryOptions): Promise<Results<T>> {
      const statement = await statementFor(text);
      try {
        return await execute<T>(statement, params, options);
      } catch (error) {
        if (!isStale(error)) throw error;
        forget(text);
        // Inside a transaction the error aborted it: the caller's retry prepares afresh.
        if (client.isInTransaction()) throw error;
        return execute<T>(await statementFor(text), params, options);
      }
    },
    get size() {
      return statements.size;
    },
  };
}
