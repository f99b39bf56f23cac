/**
 * `npm run bench`: Jamii against a naive bot and raw prepared inserts, on PGlite (a temp data
 * dir) and, when DATABASE_URL is set, on fresh databases of that Postgres server; then the idle
 * memory and start time of `npm start`. Prints plain tables (report.ts), with the targets of
 * issue 2 marked PASS or MISS.
 *
 * BENCH_MESSAGES (default 2000) sets N; BENCH_BURST (default 100) the messages in flight at once;
 * BENCH_ONLY (default all) a comma list of the parts to run: pglite, postgres, start;
 * BENCH_RATE (default 200) the messages a second of the steady-arrivals row;
 * BENCH_REPEAT (default 1) how many times each Jamii row runs: the row shows the median run by
 * msgs/s (the steady row: by stored p99), and a line under the table the range.
 */
import { cpSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeBaselines, openPgliteBaseline, openPostgresBaseline, runBaseline, type BaselineDriver, type BaselineResult } from './baselines.js';
import { describePostgres, freshPostgresDatabase, tempDir, type TempDir } from './bench-databases.js';
import { runJamiiLoad, startBenchJamii, warmUp, type Arrivals, type JamiiLoadResult } from './jamii-load.js';
import {
  IDLE_NODE_SCRIPT,
  measureStart,
  PGLITE_SHARED_BUFFERS_DEFAULT,
  pgliteProbeScript,
  prepareAsNpmCi,
  withoutPrepare,
  probeMemory,
  REPO_ROOT,
  type MemoryProbe,
  type StartMeasurement,
} from './process-start.js';
import { renderReport, type DatabaseRun, type RepeatedLoad } from './report.js';
import { elapsedMs, now } from './stats.js';

/** Postgres pool of the baselines: Jamii's default (JAMII_DB_POOL_MAX). */
const BASELINE_POOL_MAX = 10;

const PARTS = ['pglite', 'postgres', 'start'] as const;
type Part = (typeof PARTS)[number];

interface BenchOptions {
  messages: number;
  burst: number;
  rate: number;
  repeat: number;
  databaseUrl: string | undefined;
  parts: ReadonlySet<Part>;
}

function readOptions(env: NodeJS.ProcessEnv): BenchOptions {
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  const only = (env.BENCH_ONLY ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; expected ${PARTS.join(', ')}`);
  return {
    messages: positive('BENCH_MESSAGES', 2000),
    burst: positive('BENCH_BURST', 100),
    rate: positive('BENCH_RATE', 200),
    repeat: positive('BENCH_REPEAT', 1),
    databaseUrl: env.DATABASE_URL || undefined,
    parts: new Set(only.length > 0 ? (only as Part[]) : PARTS),
  };
}

/** Where one Jamii of the load runs: a fresh PGlite dir or a fresh Postgres database. */
interface JamiiSite {
  dataDir: string;
  databaseUrl?: string | undefined;
  dispose(): Promise<void>;
}

const benchClockStart = now();
const log = (line: string) => process.stderr.write(`[bench +${(elapsedMs(benchClockStart) / 1000).toFixed(1)}s] ${line}\n`);

interface Baselines {
  naive: BaselineResult;
  raw: BaselineResult;
}

async function runBaselines(name: string, options: BenchOptions, open: () => Promise<BaselineDriver>): Promise<Baselines> {
  log(`${name}: baselines`);
  const baseline = await open();
  try {
    const naive = await runBaseline((m) => baseline.naiveInsert(m), options.messages, 'naive');
    const raw = await runBaseline((m) => baseline.rawInsert(m), options.messages, 'raw');
    return { naive, raw };
  } finally {
    await baseline.close();
  }
}

type Variant = 'burst' | 'sequential' | 'steady';

function arrivalsOf(variant: Variant, options: BenchOptions): { label: string; arrivals: Arrivals } {
  if (variant === 'burst') return { label: `(c) Jamii, bursts of ${options.burst}`, arrivals: { kind: 'bursts', burst: options.burst } };
  if (variant === 'sequential') return { label: '(c) Jamii, sequential', arrivals: { kind: 'bursts', burst: 1 } };
  return { label: `(d) Jamii, steady ${options.rate}/s`, arrivals: { kind: 'steady', perSecond: options.rate } };
}

/**
 * Each variant gets its own Jamii on its own fresh database, so cards still queued from one run
 * never compete with the next.
 */
async function runVariant(name: string, site: JamiiSite, options: BenchOptions, variant: Variant): Promise<JamiiLoadResult> {
  const { label, arrivals } = arrivalsOf(variant, options);
  log(`${name}: ${label}`);
  try {
    const jamii = await startBenchJamii(site);
    try {
      await warmUp(jamii);
      return await runJamiiLoad(jamii, { label, count: options.messages, tag: variant, arrivals, seed: 11 });
    } finally {
      await jamii.stop();
    }
  } finally {
    await site.dispose();
  }
}

/**
 * The variant `options.repeat` times, each on a fresh site: the median run (the lower middle for
 * an even count), with every run kept for the range under the table. Bursts and one at a time
 * are ranked by msgs/s; steady arrivals, whose rate the bench sets, by stored p99.
 */
async function runRepeated(name: string, site: () => Promise<JamiiSite>, options: BenchOptions, variant: Variant): Promise<RepeatedLoad> {
  const all: JamiiLoadResult[] = [];
  for (let i = 0; i < options.repeat; i++) all.push(await runVariant(name, await site(), options, variant));
  const ranked = variant === 'steady' ? [...all].sort((a, b) => b.stored.p99 - a.stored.p99) : [...all].sort((a, b) => a.perSecond - b.perSecond);
  return { median: ranked[Math.floor((ranked.length - 1) / 2)]!, all };
}

/** A PGlite data dir already through initdb: copied for each instance instead of paying initdb again. */
function pgliteSite(template: TempDir, name: string): JamiiSite {
  const dir = tempDir(`jamii-bench-${name}`);
  cpSync(path.join(template.path, 'pglite'), path.join(dir.path, 'pglite'), { recursive: true });
  return { dataDir: dir.path, dispose: async () => dir.remove() };
}

async function postgresSite(serverUrl: string): Promise<JamiiSite> {
  const fresh = await freshPostgresDatabase(serverUrl);
  return { dataDir: path.join(os.tmpdir(), 'jamii-bench-unused'), databaseUrl: fresh.url, dispose: () => fresh.drop() };
}

/** Jamii started once and stopped: initdb and migrations done, the template for every PGlite site. */
async function pgliteTemplate(): Promise<TempDir> {
  log('PGlite: template data dir (initdb + migrations)');
  const template = tempDir('jamii-bench-template');
  const jamii = await startBenchJamii({ dataDir: template.path });
  await jamii.stop();
  return template;
}

/** Baselines run before and after Jamii's runs and count as one: drift on a shared machine shows as a spread. */
const mergeBaselinePasses = (a: Baselines, b: Baselines): Baselines => ({ naive: mergeBaselines(a.naive, b.naive), raw: mergeBaselines(a.raw, b.raw) });

async function measurePglite(options: BenchOptions, template: TempDir): Promise<DatabaseRun> {
  const pgliteVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  const baselines = async (): Promise<Baselines> => {
    const site = pgliteSite(template, 'baseline');
    try {
      return await runBaselines('PGlite', options, () => openPgliteBaseline(path.join(site.dataDir, 'pglite')));
    } finally {
      await site.dispose();
    }
  };
  const before = await baselines();
  const burst = await runRepeated('PGlite', async () => pgliteSite(template, 'burst'), options, 'burst');
  const sequential = await runRepeated('PGlite', async () => pgliteSite(template, 'seq'), options, 'sequential');
  const steady = await runRepeated('PGlite', async () => pgliteSite(template, 'steady'), options, 'steady');
  const after = await baselines();
  return {
    name: 'PGlite',
    description: `PGlite ${pgliteVersion}, embedded, data dir under ${os.tmpdir()}, shared_buffers=${PGLITE_SHARED_BUFFERS_DEFAULT} (as Jamii)`,
    ...mergeBaselinePasses(before, after),
    burst: burst.median,
    sequential: sequential.median,
    steady: steady.median,
    repeats: { burst: burst.all, sequential: sequential.all, steady: steady.all },
  };
}

async function measurePostgres(options: BenchOptions, serverUrl: string): Promise<DatabaseRun> {
  const baselines = async (): Promise<Baselines & { description: string }> => {
    const fresh = await freshPostgresDatabase(serverUrl);
    try {
      const description = await describePostgres(fresh.url);
      return { description, ...(await runBaselines('Postgres', options, () => openPostgresBaseline(fresh.url, BASELINE_POOL_MAX))) };
    } finally {
      await fresh.drop();
    }
  };
  const before = await baselines();
  const burst = await runRepeated('Postgres', () => postgresSite(serverUrl), options, 'burst');
  const sequential = await runRepeated('Postgres', () => postgresSite(serverUrl), options, 'sequential');
  const steady = await runRepeated('Postgres', () => postgresSite(serverUrl), options, 'steady');
  const after = await baselines();
  return {
    name: 'Postgres',
    description: `${before.description}, a fresh database per run`,
    ...mergeBaselinePasses(before, after),
    burst: burst.median,
    sequential: sequential.median,
    steady: steady.median,
    repeats: { burst: burst.all, sequential: sequential.all, steady: steady.all },
  };
}

async function measureStarts(options: BenchOptions): Promise<{ starts: StartMeasurement[]; probes: MemoryProbe[] }> {
  const starts: StartMeasurement[] = [];
  const probes: MemoryProbe[] = [];
  log('npm start: first and second start on PGlite');
  const startDir = tempDir('jamii-bench-start');
  try {
    // A clone installed with `npm ci --ignore-scripts`: npm start bundles, PGlite runs initdb.
    const restoreTemplate = withoutPrepare();
    const bareDir = tempDir('jamii-bench-start-bare');
    try {
      starts.push(await measureStart({ label: 'npm start, PGlite, first start without npm scripts (build + initdb)', launcher: 'npm-start', dataDir: bareDir.path, judged: false }));
    } finally {
      restoreTemplate();
      bareDir.remove();
    }
    // As `npm ci` leaves a clone: built, with the migrated template a new data dir starts from.
    prepareAsNpmCi();
    starts.push(await measureStart({ label: 'npm start, PGlite, first start after npm ci (template)', launcher: 'npm-start', dataDir: startDir.path }));
    starts.push(await measureStart({ label: 'npm start, PGlite, second start', launcher: 'npm-start', dataDir: startDir.path }));
    starts.push(await measureStart({ label: 'node --import tsx src/main.ts, PGlite, again', launcher: 'tsx', dataDir: startDir.path }));
    log('memory probes');
    probes.push(await probeMemory('probe: node, nothing loaded', IDLE_NODE_SCRIPT));
    const freshDir = tempDir('jamii-bench-initdb');
    try {
      probes.push(await probeMemory(`probe: PGlite alone, fresh dir (initdb), shared_buffers=${PGLITE_SHARED_BUFFERS_DEFAULT}`, pgliteProbeScript(PGLITE_SHARED_BUFFERS_DEFAULT), [freshDir.path]));
    } finally {
      freshDir.remove();
    }
    const pgliteData = path.join(startDir.path, 'pglite');
    probes.push(await probeMemory(`probe: PGlite alone, existing dir, shared_buffers=${PGLITE_SHARED_BUFFERS_DEFAULT}`, pgliteProbeScript(PGLITE_SHARED_BUFFERS_DEFAULT), [pgliteData]));
    probes.push(await probeMemory('probe: PGlite alone, existing dir, defaults (128MB)', pgliteProbeScript(null), [pgliteData]));
  } finally {
    startDir.remove();
  }
  if (options.databaseUrl) {
    log('npm start: Postgres');
    const fresh = await freshPostgresDatabase(options.databaseUrl);
    const unused = tempDir('jamii-bench-start-pg');
    try {
      starts.push(await measureStart({ label: 'npm start, Postgres, first start (migrate)', launcher: 'npm-start', dataDir: unused.path, databaseUrl: fresh.url }));
      starts.push(await measureStart({ label: 'npm start, Postgres, second start', launcher: 'npm-start', dataDir: unused.path, databaseUrl: fresh.url }));
    } finally {
      unused.remove();
      await fresh.drop();
    }
  }
  return { starts, probes };
}

async function main(): Promise<void> {
  const options = readOptions(process.env);
  const loadBefore = os.loadavg();
  const runs: DatabaseRun[] = [];
  let starts: StartMeasurement[] = [];
  let probes: MemoryProbe[] = [];

  if (options.parts.has('pglite')) {
    const template = await pgliteTemplate();
    try {
      runs.push(await measurePglite(options, template));
    } finally {
      template.remove();
    }
  }
  if (options.parts.has('postgres') && options.databaseUrl) runs.push(await measurePostgres(options, options.databaseUrl));
  if (options.parts.has('start')) ({ starts, probes } = await measureStarts(options));

  const seconds = elapsedMs(benchClockStart) / 1000;
  process.stdout.write(`${renderReport({ messages: options.messages, burst: options.burst, rate: options.rate, loadBefore, runs, starts, probes, seconds })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
