/**
 * The two baselines Jamii is measured against, on the same driver and settings as Jamii itself:
 * (a) a naive bot storing each message with one plain drizzle insert, awaited in turn, each
 *     statement its own transaction;
 * (b) the same rows through the driver's parameterised statement directly (PGlite `query` with
 *     params; a postgres.js tagged template, which postgres.js prepares once and reuses).
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { bigserial, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { PGLITE_SHARED_BUFFERS_DEFAULT } from '../src/db/database.js';
import { syntheticMessages, type SyntheticMessage } from './synthetic-messages.js';
import { elapsedMs, now, summarize, type LatencySummary } from './stats.js';

/** What a bot with no ambitions keeps per message. */
export const benchMessages = pgTable('bench_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  chatId: text('chat_id').notNull(),
  platformMessageId: text('platform_message_id').notNull(),
  authorId: text('author_id').notNull(),
  text: text('text').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

const CREATE_TABLE_SQL = `create table if not exists bench_messages (
  id bigserial primary key,
  chat_id text not null,
  platform_message_id text not null,
  author_id text not null,
  text text not null,
  created_at timestamptz not null default now()
)`;

const RAW_INSERT_SQL = 'insert into bench_messages (chat_id, platform_message_id, author_id, text) values ($1, $2, $3, $4)';

/** Messages stored by a baseline before the clock starts (JIT and caches warm). */
export const BASELINE_WARMUP_MESSAGES = 200;

export interface BaselineResult {
  messages: number;
  seconds: number;
  perSecond: number;
  /** One insert, call to resolution. */
  latency: LatencySummary;
  /** Rate of each pass that went into this result (they should agree on a quiet machine). */
  passRates: number[];
  latencies: number[];
}

export interface BaselineDriver {
  naiveInsert(m: SyntheticMessage): Promise<void>;
  rawInsert(m: SyntheticMessage): Promise<void>;
  close(): Promise<void>;
}

/** PGlite on its own data dir, started with the same parameters Jamii uses. */
export async function openPgliteBaseline(dataDir: string): Promise<BaselineDriver> {
  const client = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS_DEFAULT}`] });
  await client.waitReady;
  await client.exec(CREATE_TABLE_SQL);
  const orm = drizzlePglite({ client });
  return {
    async naiveInsert(m) {
      await orm.insert(benchMessages).values({ chatId: m.chatId, platformMessageId: m.messageId, authorId: m.authorId, text: m.text });
    },
    async rawInsert(m) {
      await client.query(RAW_INSERT_SQL, [m.chatId, m.messageId, m.authorId, m.text]);
    },
    close: () => client.close(),
  };
}

/** postgres.js with Jamii's pool size; a sequential bot only ever uses one connection of it. */
export async function openPostgresBaseline(url: string, poolMax: number): Promise<BaselineDriver> {
  const sql = postgres(url, { max: poolMax, onnotice: () => undefined });
  await sql.unsafe(CREATE_TABLE_SQL);
  const orm = drizzlePostgres({ client: sql });
  return {
    async naiveInsert(m) {
      await orm.insert(benchMessages).values({ chatId: m.chatId, platformMessageId: m.messageId, authorId: m.authorId, text: m.text });
    },
    async rawInsert(m) {
      await sql`insert into bench_messages (chat_id, platform_message_id, author_id, text) values (${m.chatId}, ${m.messageId}, ${m.authorId}, ${m.text})`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Sequential awaits, one autocommitted insert per message. */
export async function runBaseline(insert: (m: SyntheticMessage) => Promise<void>, count: number, tag: string): Promise<BaselineResult> {
  for (const m of syntheticMessages(BASELINE_WARMUP_MESSAGES, `${tag}-warm`, 7)) await insert(m);
  const batch = syntheticMessages(count, tag, 11);
  const latencies = new Array<number>(batch.length);
  const started = now();
  for (let i = 0; i < batch.length; i++) {
    const t = now();
    await insert(batch[i]!);
    latencies[i] = elapsedMs(t);
  }
  const seconds = elapsedMs(started) / 1000;
  return { messages: count, seconds, perSecond: count / seconds, latency: summarize(latencies), passRates: [count / seconds], latencies };
}

/** Two passes of one baseline (before and after Jamii's runs) as one result. */
export function mergeBaselines(a: BaselineResult, b: BaselineResult): BaselineResult {
  const messages = a.messages + b.messages;
  const seconds = a.seconds + b.seconds;
  const latencies = [...a.latencies, ...b.latencies];
  return { messages, seconds, perSecond: messages / seconds, latency: summarize(latencies), passRates: [...a.passRates, ...b.passRates], latencies };
}
