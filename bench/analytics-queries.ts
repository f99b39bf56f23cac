/**
 * `node --import tsx bench/analytics-queries.ts`: seeds a year of history for a 10,000-member
 * community (three chats, member joins and leaves, messages with questions and complaints,
 * drafts, sent replies and member answers) and times the analytics report queries on it: /stats
 * over a week, a month and the year (each also computes the previous period), /complaints over
 * a month, and the weekly report's chart query. PGlite in a temp data dir, or a fresh database
 * on DATABASE_URL's server.
 *
 * BENCH_MEMBERS (default 10000), BENCH_MESSAGES_PER_DAY (default 500), BENCH_RUNS (default 5).
 */
import pino from 'pino';
import { parsePeriod, previousPeriod } from '../src/core/analytics/period.js';
import { collectStats } from '../src/core/analytics/stats-service.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createAnalyticsRepository } from '../src/db/repositories/analytics-repository.js';
import { freshPostgresDatabase, tempDir } from './bench-databases.js';
import { elapsedMs, now } from './stats.js';

const int = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const MEMBERS = int('BENCH_MEMBERS', 10_000);
const PER_DAY = int('BENCH_MESSAGES_PER_DAY', 500);
const RUNS = int('BENCH_RUNS', 5);
const DAYS = 365;
/** The end of the seeded year; report periods are read back from here. */
const END = new Date('2026-11-27T00:00:00Z');

/** Server-side generation: deterministic (setseed), a few statements, no round trip per row. */
function seedSql(): string {
  const start = new Date(END.getTime() - DAYS * 86_400_000).toISOString();
  const total = DAYS * PER_DAY;
  return `
select setseed(0.42);
insert into communities (id, name, language) values ('bench', 'Bench', 'en') on conflict do nothing;
insert into chats (id, platform, platform_chat_id, title, community_id)
  select 100 + g, 'telegram', '-100' || g, 'Chat ' || g, 'bench' from generate_series(1, 3) g;
insert into members (id, platform, platform_user_id, display_name)
  select 1000 + g, 'telegram', 'u' || g, 'Member ' || g from generate_series(1, ${MEMBERS}) g;
insert into member_events (chat_id, platform_user_id, display_name, kind, occurred_at)
  select 101 + (g % 3), 'u' || g, 'Member ' || g, 'joined', '${start}'::timestamptz + random() * interval '${DAYS} days'
  from generate_series(1, ${MEMBERS}) g;
insert into member_events (chat_id, platform_user_id, display_name, kind, occurred_at)
  select 101 + (g % 3), 'u' || g, 'Member ' || g, 'left', '${start}'::timestamptz + random() * interval '${DAYS} days'
  from generate_series(1, ${MEMBERS}, 6) g on conflict do nothing;
insert into messages (id, chat_id, platform_message_id, author_id, text, labels, is_question, is_negative, severity, created_at, reply_to_platform_message_id)
  select g, 101 + (g % 3), 'm' || g, 1001 + (g * 7919) % ${MEMBERS},
         (array['when does delivery arrive', 'billing question about my invoice', 'the app keeps crashing', 'thanks for the help', 'good morning everyone'])[1 + g % 5],
         jsonb_build_object('topic', (array['delivery', 'billing', 'app', null, null])[1 + g % 5]),
         g % 10 = 0, g % 33 = 0, case when g % 33 = 0 then 1 + g % 3 else 0 end,
         '${start}'::timestamptz + (g::float8 / ${total}) * interval '${DAYS} days',
         case when g % 10 = 3 then 'm' || (g - 3) end
  from generate_series(1, ${total}) g;
insert into drafts (message_id, target_chat_id, community_id, kind, text, original_text, status, reason, language, prompt_name, prompt_version, provider, decided_by_name, decided_at, created_at)
  select m.id, m.chat_id, 'bench', case when m.is_negative then 'negative' else 'question' end, 'Reply', case when m.id % 4 = 0 then 'Draft' else 'Reply' end,
         (array['sent', 'sent', 'rejected', 'expired', 'sent'])[1 + m.id % 5], 'r', 'en', 'p', '1', 'offline', 'Manager',
         case when m.id % 5 in (0, 1, 2, 4) then m.created_at + interval '20 minutes' end, m.created_at + interval '1 minute'
  from messages m where m.is_question or m.is_negative;
insert into outbox (kind, dedupe_key, draft_id, platform, platform_chat_id, text, status, created_at, sent_at)
  select 'reply', 'reply:' || d.id, d.id, 'telegram', '-1001', 'Reply', 'sent', d.decided_at, d.decided_at + interval '5 seconds'
  from drafts d where d.status = 'sent';
analyze;`;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ label: string; ms: number[] }> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = now();
    await work();
    ms.push(elapsedMs(t0));
  }
  return { label, ms };
}

async function bench(db: Database, name: string): Promise<void> {
  const t0 = now();
  for (const statement of seedSql().split(';\n').map((x) => x.trim()).filter(Boolean)) {
    const ts = now();
    await db.sql.executeSql(statement);
    process.stderr.write(`seed ${(elapsedMs(ts) / 1000).toFixed(1)} s: ${statement.slice(0, 60).replace(/\s+/g, ' ')}\n`);
  }
  const { rows } = await db.sql.executeSql(`select (select count(*) from messages)::int as messages, (select count(*) from member_events)::int as events, (select count(*) from drafts)::int as drafts`, []);
  process.stdout.write(`\n${name}: seeded ${rows[0].messages} messages, ${rows[0].events} member events, ${rows[0].drafts} drafts in ${(elapsedMs(t0) / 1000).toFixed(1)} s\n`);

  const repo = createAnalyticsRepository(db);
  const scope = { communityIds: ['bench'] };
  const stats = (period: string) => async () => {
    const p = parsePeriod(period, END);
    await Promise.all([collectStats(repo, scope, p, 'UTC'), collectStats(repo, scope, previousPeriod(p), 'UTC')]);
  };
  const results = [
    await timed('/stats 7d (+ previous 7d)', stats('7d')),
    await timed('/stats 30d (+ previous 30d)', stats('30d')),
    await timed('/stats 365d (+ previous 365d)', stats('365d')),
    await timed('/complaints 30d', () => collectStats(repo, scope, parsePeriod('30d', END), 'UTC')),
    await timed('chart query (7 days)', async () => {
      const p = parsePeriod('7d', END);
      await Promise.all([repo.activity(scope, p, 'UTC'), repo.memberFlowByDay(scope, p, 'UTC')]);
    }),
  ];
  process.stdout.write(`${'query'.padEnd(32)} ${'median ms'.padStart(10)} ${'max ms'.padStart(10)}  (${RUNS} runs)\n`);
  for (const r of results) {
    const sorted = [...r.ms].sort((a, b) => a - b);
    process.stdout.write(`${r.label.padEnd(32)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0).padStart(10)} ${sorted.at(-1)!.toFixed(0).padStart(10)}\n`);
  }
}

async function main(): Promise<void> {
  const log = pino({ level: 'silent' });
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (serverUrl) {
    const fresh = await freshPostgresDatabase(serverUrl, 'jamii_bench_analytics');
    const db = await openDatabase({ databaseUrl: fresh.url, dataDir: '', log });
    try {
      await bench(db, 'Postgres');
    } finally {
      await db.close();
      await fresh.drop();
    }
    return;
  }
  const dir = tempDir('jamii-bench-analytics');
  const db = await openDatabase({ databaseUrl: undefined, dataDir: dir.path, log });
  try {
    await bench(db, 'PGlite');
  } finally {
    await db.close();
    dir.remove();
  }
}

await main();
