/**
 * Jamii in-process, fed the way platform connectors feed it: `ingest()` per message, either in
 * bursts (a Telegram getUpdates page handled concurrently, next page when it is done), strictly
 * one at a time, or arriving on their own at a steady rate (random gaps, as members write,
 * whether or not Jamii has kept up). Measures the whole way: stored and labelled (the ingest
 * promise), and a pending draft for every message that is due one (polled from the drafts table).
 */
import path from 'node:path';
import pino from 'pino';
import { startJamii, type Jamii } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { IngestOutcome } from '../src/core/ingest-service.js';
import { createRandom, syntheticMessages, toInbound, type SyntheticMessage } from './synthetic-messages.js';
import { elapsedMs, epochMs, now, sleep, summarize, type LatencySummary } from './stats.js';

/** Messages pushed through a fresh Jamii before any clock starts. */
export const JAMII_WARMUP_MESSAGES = 100;
/** How often the bench looks for new drafts; adds at most this much to "all the way". */
export const DRAFT_POLL_INTERVAL_MS = 10;
/** Give up waiting for drafts (or an idle queue) after this long. */
export const DRAIN_TIMEOUT_MS = 180_000;
const CARD_POLL_INTERVAL_MS = 100;
/** After the last draft, how long the bench waits for the desk cards before moving on. */
export const CARD_WAIT_MAX_MS = 10_000;
/** Period of the timer that measures event-loop stalls. */
const LOOP_PROBE_INTERVAL_MS = 10;

export interface JamiiLoadResult {
  label: string;
  arrivals: Arrivals;
  messages: number;
  /** ingest() of every message resolved. */
  storedSeconds: number;
  /** ...and every draft due is pending. */
  allSeconds: number;
  perSecond: number;
  stored: LatencySummary;
  draft: LatencySummary;
  draftsDue: number;
  draftsCreated: number;
  questions: number;
  complaints: number;
  timedOut: boolean;
  cards: CardProgress;
  /** Longest event-loop stall while the messages went through (timer probe every 10 ms). */
  loopStallMs: number;
  /** First message in -> the last due draft's created_at (what the poll would see without stalls). */
  lastDraftSeconds: number;
}

export async function startBenchJamii(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<Jamii> {
  const config = loadConfig(
    {
      JAMII_HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      JAMII_SANDBOX: 'on',
      JAMII_DATA_DIR: options.dataDir,
      // The burst window holds drafting back on purpose (10 s by default) so a member's several
      // quick messages get one draft; the benchmark measures the pipeline itself, without it.
      JAMII_BURST_WINDOW_SECONDS: '0',
      JAMII_KNOWLEDGE_DIR: path.join(options.dataDir, 'knowledge'),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
    options.dataDir,
  );
  return startJamii(config, { log: pino({ level: 'silent' }) });
}

async function scalar(jamii: Jamii, text: string, values?: unknown[]): Promise<number> {
  const { rows } = await jamii.db.sql.executeSql(text, values);
  return Number(rows[0]?.n ?? 0);
}

const countDrafts = (jamii: Jamii) => scalar(jamii, 'select count(*)::int as n from drafts');

export interface CardProgress {
  total: number;
  posted: number;
  /** First message in -> the last card posted on the desk; undefined while some are unposted. */
  allPostedSeconds: number | undefined;
}

/** Approval cards for this run's drafts: how many the desk has, and when the last arrived. */
async function cardProgress(jamii: Jamii, tag: string, startedEpoch: number): Promise<CardProgress> {
  const { rows } = await jamii.db.sql.executeSql(
    `select count(*)::int as total, count(*) filter (where o.status = 'sent')::int as posted,
            extract(epoch from max(o.sent_at)) * 1000 as last_sent
       from outbox o join drafts d on d.id = o.draft_id join messages m on m.id = d.message_id
      where o.kind = 'card' and m.platform_message_id like $1`,
    [`${tag}-%`],
  );
  const row = rows[0] as { total: number; posted: number; last_sent: string | number | null } | undefined;
  const total = Number(row?.total ?? 0);
  const posted = Number(row?.posted ?? 0);
  const allPostedSeconds = total > 0 && posted === total && row?.last_sent != null ? (Number(row.last_sent) - startedEpoch) / 1000 : undefined;
  return { total, posted, allPostedSeconds };
}

/** Waits (at most `maxMs`) for every card of this run to be posted on the desk. */
async function waitForCards(jamii: Jamii, tag: string, startedEpoch: number, maxMs: number): Promise<CardProgress> {
  const deadline = Date.now() + maxMs;
  let progress = await cardProgress(jamii, tag, startedEpoch);
  while (progress.posted < progress.total && Date.now() < deadline) {
    await sleep(CARD_POLL_INTERVAL_MS);
    progress = await cardProgress(jamii, tag, startedEpoch);
  }
  return progress;
}

/**
 * The longest the event loop went without running a timer while `fn` ran: how long an HTTP
 * request, a connector heartbeat or this bench's own poll would have waited.
 */
async function withLoopStall<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const t = now();
    stallMs = Math.max(stallMs, t - last);
    last = t;
  }, LOOP_PROBE_INTERVAL_MS);
  try {
    const value = await fn();
    stallMs = Math.max(stallMs, now() - last);
    return { value, stallMs };
  } finally {
    clearInterval(timer);
  }
}

/** Pushes a few messages through so the measured run starts with warm code and caches. */
export async function warmUp(jamii: Jamii): Promise<void> {
  await runJamiiLoad(jamii, { label: 'warm-up', count: JAMII_WARMUP_MESSAGES, tag: 'warm', arrivals: { kind: 'bursts', burst: 50 }, seed: 3, cardWaitMs: 0 });
}

/**
 * How messages reach Jamii: `burst` in flight at a time, the next burst when one is stored (1:
 * one at a time); or `perSecond` on average, each at its own time (exponential gaps, seeded)
 * whether or not the ones before are stored. Bursts measure how fast Jamii can go (a closed
 * loop: it sets its own pace); steady arrivals measure how long one message waits at a given
 * load, counted from when it was due, so a stall that delays the next arrivals still counts.
 */
export type Arrivals = { kind: 'bursts'; burst: number } | { kind: 'steady'; perSecond: number };

interface Pushed {
  calledAt: number[];
  storedMs: number[];
  outcomes: IngestOutcome[];
}

/** ingest() per message, `burst` in flight at a time; the next burst starts when one is done. */
async function pushMessages(jamii: Jamii, batch: SyntheticMessage[], burst: number): Promise<Pushed> {
  const calledAt = new Array<number>(batch.length);
  const storedMs = new Array<number>(batch.length);
  const outcomes = new Array<IngestOutcome>(batch.length);
  for (let from = 0; from < batch.length; from += burst) {
    const page: Array<Promise<void>> = [];
    for (let i = from; i < Math.min(batch.length, from + burst); i++) {
      const t = now();
      calledAt[i] = epochMs();
      page.push(
        jamii.ingest.ingest(toInbound(batch[i]!, new Date(calledAt[i]!))).then((outcome) => {
          storedMs[i] = elapsedMs(t);
          outcomes[i] = outcome;
        }),
      );
    }
    await Promise.all(page);
  }
  return { calledAt, storedMs, outcomes };
}

/** Exponential gaps of mean 1/perSecond, from a seeded generator: the same schedule every run. */
export function arrivalOffsetsMs(count: number, perSecond: number, seed: number): number[] {
  const random = createRandom(seed);
  const offsets = new Array<number>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = at;
    at += (-Math.log(1 - random()) * 1000) / perSecond;
  }
  return offsets;
}

/**
 * ingest() per message at its scheduled time: each call is made when due (or at once when the
 * bench is behind), and its latency runs from when it was due.
 */
async function pushSteady(jamii: Jamii, batch: SyntheticMessage[], perSecond: number, seed: number): Promise<Pushed> {
  // Its own stream: the gaps are not drawn from the generator that wrote the messages.
  const offsets = arrivalOffsetsMs(batch.length, perSecond, seed ^ 0x5eed);
  const calledAt = new Array<number>(batch.length);
  const storedMs = new Array<number>(batch.length);
  const outcomes = new Array<IngestOutcome>(batch.length);
  const start = now();
  const startEpoch = epochMs();
  const inFlight: Array<Promise<void>> = [];
  // A failed ingest is kept, not left unhandled while the loop sleeps, and thrown at the end.
  let failure: { error: unknown } | null = null;
  for (let i = 0; i < batch.length; i++) {
    const due = start + offsets[i]!;
    const wait = due - now();
    if (wait >= 1) await sleep(wait);
    calledAt[i] = startEpoch + offsets[i]!;
    inFlight.push(
      jamii.ingest.ingest(toInbound(batch[i]!, new Date(calledAt[i]!))).then(
        (outcome) => {
          storedMs[i] = elapsedMs(due);
          outcomes[i] = outcome;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      ),
    );
  }
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
  return { calledAt, storedMs, outcomes };
}

/** Polls the drafts table until `due` drafts were added since `before`; returns how many were. */
async function waitForDrafts(jamii: Jamii, before: number, due: number): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let created = (await countDrafts(jamii)) - before;
  while (created < due && Date.now() < deadline) {
    await sleep(DRAFT_POLL_INTERVAL_MS);
    created = (await countDrafts(jamii)) - before;
  }
  return created;
}

/** Per message: ingest() call -> its draft's created_at (the drafting transaction's now()). */
async function draftLatencies(jamii: Jamii, tag: string, batch: SyntheticMessage[], calledAt: number[]): Promise<{ ms: number[]; lastEpoch: number }> {
  const { rows } = await jamii.db.sql.executeSql(
    `select m.platform_message_id as id, extract(epoch from d.created_at) * 1000 as at
       from drafts d join messages m on m.id = d.message_id
      where m.platform_message_id like $1`,
    [`${tag}-%`],
  );
  const indexOf = new Map(batch.map((m, i) => [m.messageId, i]));
  const ms: number[] = [];
  let lastEpoch = Number.NaN;
  for (const row of rows as Array<{ id: string; at: string | number }>) {
    const i = indexOf.get(row.id);
    if (i === undefined) continue;
    ms.push(Number(row.at) - calledAt[i]!);
    lastEpoch = Number.isNaN(lastEpoch) ? Number(row.at) : Math.max(lastEpoch, Number(row.at));
  }
  return { ms, lastEpoch };
}

export async function runJamiiLoad(
  jamii: Jamii,
  options: { label: string; count: number; tag: string; arrivals: Arrivals; seed: number; cardWaitMs?: number },
): Promise<JamiiLoadResult> {
  const batch = syntheticMessages(options.count, options.tag, options.seed);
  const draftsBefore = await countDrafts(jamii);

  const startedEpoch = epochMs();
  const started = now();
  const run = await withLoopStall(async () => {
    const { arrivals } = options;
    const pushed = arrivals.kind === 'bursts' ? await pushMessages(jamii, batch, arrivals.burst) : await pushSteady(jamii, batch, arrivals.perSecond, options.seed);
    const storedSeconds = elapsedMs(started) / 1000;
    const draftsDue = pushed.outcomes.filter((o) => o.draftDue).length;
    const created = await waitForDrafts(jamii, draftsBefore, draftsDue);
    return { pushed, storedSeconds, draftsDue, created, allSeconds: elapsedMs(started) / 1000 };
  });
  const { pushed, storedSeconds, draftsDue, created, allSeconds } = run.value;
  const drafts = await draftLatencies(jamii, options.tag, batch, pushed.calledAt);
  const cards = await waitForCards(jamii, options.tag, startedEpoch, options.cardWaitMs ?? CARD_WAIT_MAX_MS);

  return {
    label: options.label,
    arrivals: options.arrivals,
    messages: batch.length,
    storedSeconds,
    allSeconds,
    perSecond: batch.length / allSeconds,
    stored: summarize(pushed.storedMs),
    draft: summarize(drafts.ms),
    draftsDue,
    draftsCreated: created,
    questions: batch.filter((m) => m.intent === 'question').length,
    complaints: batch.filter((m) => m.intent === 'complaint').length,
    timedOut: created < draftsDue,
    cards,
    loopStallMs: run.stallMs,
    lastDraftSeconds: Number.isNaN(drafts.lastEpoch) ? 0 : (drafts.lastEpoch - startedEpoch) / 1000,
  };
}
