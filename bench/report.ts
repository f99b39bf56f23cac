/**
 * The bench's printed report: one table per database, the start and memory table, and the
 * targets of issue 2 marked PASS or MISS.
 */
import os from 'node:os';
import type { BaselineResult } from './baselines.js';
import { CARD_WAIT_MAX_MS, type JamiiLoadResult } from './jamii-load.js';
import { IDLE_BEFORE_RSS_MS, type MemoryProbe, type StartMeasurement } from './process-start.js';
import { BENCH_AUTHORS, BENCH_CHATS, COMPLAINT_SHARE, QUESTION_SHARE } from './synthetic-messages.js';
import { formatMb, formatMs, formatRate, formatRatio, renderTable } from './table.js';

/** Issue 2's targets. */
export const TARGET_RATE_VS_NAIVE = 1.0;
export const TARGET_STORED_P99_MS = 10;
export const TARGET_DRAFT_P99_MS = 1_000;
export const TARGET_IDLE_RSS_MB = 300;
export const TARGET_READY_MS = 3_000;

/** One database's measurements. */
export interface DatabaseRun {
  name: 'PGlite' | 'Postgres';
  description: string;
  naive: BaselineResult;
  raw: BaselineResult;
  burst: JamiiLoadResult;
  sequential: JamiiLoadResult;
  /** Messages arriving on their own at a steady rate: latency at a load the bench sets. */
  steady: JamiiLoadResult;
  /** Every run of each Jamii row when BENCH_REPEAT > 1 (the rows show the median run). */
  repeats?: { burst: JamiiLoadResult[]; sequential: JamiiLoadResult[]; steady: JamiiLoadResult[] } | undefined;
}

export interface RepeatedLoad {
  median: JamiiLoadResult;
  all: JamiiLoadResult[];
}

/** "a–b" of `values` formatted, or the one value when they agree. */
function span(values: number[], format: (n: number) => string): string {
  const lo = format(Math.min(...values));
  const hi = format(Math.max(...values));
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** The line under a database's table that shows how far repeated Jamii runs spread. */
export function repeatLine(run: DatabaseRun): string | undefined {
  const repeats = run.repeats;
  if (!repeats || repeats.burst.length < 2) return undefined;
  const naive = run.naive.perSecond;
  const describe = (what: string, all: JamiiLoadResult[]) =>
    `${what} ${span(all.map((r) => r.perSecond), formatRate)} msgs/s (${span(all.map((r) => r.perSecond / naive), formatRatio)}), ` +
    `stored p99 ${span(all.map((r) => r.stored.p99), formatMs)}, draft p99 ${span(all.map((r) => r.draft.p99), formatMs)}`;
  const steady =
    repeats.steady.length > 0
      ? `; steady stored p99 ${span(repeats.steady.map((r) => r.stored.p99), formatMs)}, draft p99 ${span(repeats.steady.map((r) => r.draft.p99), formatMs)}`
      : '';
  return `   Jamii rows: the median of ${repeats.burst.length} runs (bursts and sequential by msgs/s, steady by stored p99); over the runs, ${describe('bursts', repeats.burst)}; ${describe('sequential', repeats.sequential)}${steady}`;
}

interface TargetRow {
  what: string;
  where: string;
  figure: string;
  target: string;
  result: 'PASS' | 'MISS' | 'info';
}

function databaseTable(run: DatabaseRun): string {
  const naiveRate = run.naive.perSecond;
  const baselineRow = (label: string, r: BaselineResult) => [
    label,
    formatRate(r.perSecond),
    formatRatio(r.perSecond / naiveRate),
    `${r.seconds.toFixed(2)} s`,
    formatMs(r.latency.p50),
    formatMs(r.latency.p99),
    ...Array<string>(6).fill('-'),
  ];
  const jamiiRow = (r: JamiiLoadResult) => [
    r.label,
    formatRate(r.perSecond),
    // Steady arrivals go at the bench's pace, not Jamii's: their rate is no comparison.
    r.arrivals.kind === 'steady' ? '-' : formatRatio(r.perSecond / naiveRate),
    `${r.allSeconds.toFixed(2)} s`,
    formatMs(r.stored.p50),
    formatMs(r.stored.p99),
    formatMs(r.draft.p50),
    formatMs(r.draft.p99),
    `${r.draftsCreated}/${r.draftsDue}${r.timedOut ? ' TIMEOUT' : ''}`,
    `${r.lastDraftSeconds.toFixed(2)} s`,
    r.cards.allPostedSeconds === undefined ? `${r.cards.posted}/${r.cards.total}` : `${r.cards.allPostedSeconds.toFixed(2)} s`,
    formatMs(r.loopStallMs),
  ];
  return renderTable(
    [
      { header: 'scenario' },
      { header: 'msgs/s', align: 'right' },
      { header: 'vs naive', align: 'right' },
      { header: 'wall', align: 'right' },
      { header: 'stored p50', align: 'right' },
      { header: 'stored p99', align: 'right' },
      { header: 'draft p50', align: 'right' },
      { header: 'draft p99', align: 'right' },
      { header: 'drafts', align: 'right' },
      { header: 'last draft', align: 'right' },
      { header: 'desk cards', align: 'right' },
      { header: 'loop stall', align: 'right' },
    ],
    [baselineRow('(a) naive drizzle insert', run.naive), baselineRow('(b) raw prepared insert', run.raw), jamiiRow(run.burst), jamiiRow(run.sequential), jamiiRow(run.steady)],
  );
}

function startTable(starts: StartMeasurement[], probes: MemoryProbe[]): string {
  const rows = starts.map((s) => [
    s.label,
    formatMs(s.readyMs),
    formatMs(s.inProcessMs),
    formatMs(s.cpuToReadyMs),
    formatMb(s.memory.rssKb),
    formatMb(s.memory.hwmKb),
    String(s.healthz),
    formatMs(s.stopMs),
    String(s.exitCode),
  ]);
  for (const p of probes) rows.push([p.label, '-', '-', '-', formatMb(p.memory.rssKb), formatMb(p.memory.hwmKb), '-', '-', '-']);
  return renderTable(
    [
      { header: 'process' },
      { header: 'ready', align: 'right' },
      { header: 'startJamii', align: 'right' },
      { header: 'CPU to ready', align: 'right' },
      { header: `RSS idle ${IDLE_BEFORE_RSS_MS / 1000}s`, align: 'right' },
      { header: 'peak RSS', align: 'right' },
      { header: 'healthz', align: 'right' },
      { header: 'SIGTERM->exit', align: 'right' },
      { header: 'exit', align: 'right' },
    ],
    rows,
  );
}

function targets(runs: DatabaseRun[], starts: StartMeasurement[]): TargetRow[] {
  const rows: TargetRow[] = [];
  const mark = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');
  for (const run of runs) {
    const paced = [
      { r: run.burst, mode: 'bursts' },
      { r: run.sequential, mode: 'sequential' },
    ];
    const variants = [...paced, { r: run.steady, mode: `steady ${formatRate(run.steady.arrivals.kind === 'steady' ? run.steady.arrivals.perSecond : 0)}/s` }];
    for (const { r, mode } of paced) {
      const ratio = r.perSecond / run.naive.perSecond;
      rows.push({ what: 'messages all the way vs naive', where: `${run.name}, ${mode}`, figure: formatRatio(ratio), target: `>= ${TARGET_RATE_VS_NAIVE.toFixed(1)}x`, result: mark(ratio >= TARGET_RATE_VS_NAIVE && !r.timedOut) });
    }
    for (const { r, mode } of variants) {
      rows.push({
        what: 'p99 inbound -> stored + labelled',
        where: `${run.name}, ${mode}`,
        figure: formatMs(r.stored.p99),
        target: `<= ${TARGET_STORED_P99_MS} ms${run.name === 'Postgres' ? '' : ' (on Postgres)'}`,
        result: run.name === 'Postgres' ? mark(r.stored.p99 <= TARGET_STORED_P99_MS) : 'info',
      });
    }
    for (const { r, mode } of variants) {
      rows.push({ what: 'p99 inbound -> draft pending', where: `${run.name}, ${mode}`, figure: formatMs(r.draft.p99), target: `<= ${TARGET_DRAFT_P99_MS} ms`, result: mark(r.draft.p99 <= TARGET_DRAFT_P99_MS && !r.timedOut) });
    }
  }
  for (const s of starts) {
    // The targets are for `npm start` after `npm ci`; the tsx row (what `npm run dev` runs) and a
    // clone installed without npm's scripts are shown for comparison.
    const judge = (pass: boolean) => (s.judged ? mark(pass) : 'info');
    rows.push({ what: 'idle RSS of npm start', where: s.label, figure: formatMb(s.memory.rssKb), target: `<= ${TARGET_IDLE_RSS_MB} MB`, result: judge(s.memory.rssKb / 1024 <= TARGET_IDLE_RSS_MB) });
    rows.push({ what: 'npm start ready', where: s.label, figure: formatMs(s.readyMs), target: `<= ${TARGET_READY_MS} ms`, result: judge(s.readyMs <= TARGET_READY_MS) });
  }
  return rows;
}

export interface Report {
  messages: number;
  burst: number;
  rate: number;
  loadBefore: number[];
  runs: DatabaseRun[];
  starts: StartMeasurement[];
  probes: MemoryProbe[];
  seconds: number;
}

const formatLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join('/');

export function renderReport(report: Report): string {
  const { runs, starts, probes } = report;
  const out: string[] = [];
  out.push(
    `Jamii bench: N=${report.messages} messages, bursts of ${report.burst}, steady ${report.rate}/s; node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}`,
    `Load average (1/5/15 min) at start ${formatLoad(report.loadBefore)}, at end ${formatLoad(os.loadavg())}: other work on this machine skews every figure`,
    `Traffic: ${QUESTION_SHARE * 100}% questions, ${COMPLAINT_SHARE * 100}% complaints, rest chatter; en/ru/sw/es; ${BENCH_CHATS} chats, ${BENCH_AUTHORS} authors; sandbox on, offline provider`,
    `Baselines: ${report.messages} messages per pass, one pass before and one after Jamii's runs; their rows cover both passes (sequential awaits, autocommit).`,
    'Each Jamii row is a fresh Jamii on a fresh database, warmed up with 100 messages first.',
    'stored = ingest() call -> promise resolved (stored, labelled, draft job enqueued); draft = ingest() call -> drafts.created_at',
    `steady = messages arrive on their own, ${report.rate} a second on average (random gaps), however far Jamii is behind; their latencies run from when each was due`,
    "wall = first message in -> the bench's poll (every 10 ms) sees every due draft; msgs/s = N / wall",
    'last draft = first message in -> created_at of the last due draft',
    `desk cards = first message in -> last approval card posted on the sandbox desk (posted/total if not all within ${CARD_WAIT_MAX_MS / 1000} s of the last draft)`,
    'loop stall = longest gap between runs of a 10 ms timer while the messages went through',
    '',
  );
  for (const run of runs) {
    out.push(`== ${run.name}: ${run.description}`, databaseTable(run), '');
    const r = run.burst;
    out.push(
      `   baselines ran before and after Jamii (${report.messages} messages each pass): naive ${run.naive.passRates.map(formatRate).join(' / ')} msgs/s, raw ${run.raw.passRates.map(formatRate).join(' / ')} msgs/s`,
      `   labelled: ${r.draftsDue} of ${r.messages} due a draft (${r.questions} questions + ${r.complaints} complaints generated); ` +
        `ingest only: bursts ${formatRate(run.burst.messages / run.burst.storedSeconds)}/s, sequential ${formatRate(run.sequential.messages / run.sequential.storedSeconds)}/s`,
      ...[repeatLine(run)].filter((line): line is string => line !== undefined),
      '',
    );
  }
  if (starts.length > 0) {
    out.push(`== Start and idle memory (ready = spawn -> jamii.ready line; npm start includes its staleness check; "after npm ci" starts from the build and PGlite template npm ci's prepare script made, "without npm's scripts" builds and runs initdb first); RSS of the Jamii process from /proc/<pid>/status after ${IDLE_BEFORE_RSS_MS / 1000} s idle`, startTable(starts, probes), '');
  }
  out.push(
    '== Targets (issue 2)',
    renderTable(
      [{ header: 'target' }, { header: 'where' }, { header: 'figure', align: 'right' }, { header: 'target', align: 'right' }, { header: 'result' }],
      targets(runs, starts).map((t) => [t.what, t.where, t.figure, t.target, t.result]),
    ),
    '',
    `bench took ${report.seconds.toFixed(0)} s`,
  );
  return out.join('\n');
}
