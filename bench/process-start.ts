/**
 * Jamii as a process: time from spawn to the `jamii.ready` log line, and resident memory once it
 * has idled. Also a few probes that split the idle figure into its parts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGLITE_SHARED_BUFFERS_DEFAULT } from '../src/db/database.js';
import { elapsedMs, now, sleep } from './stats.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(REPO_ROOT, 'dist');
/** src/build.mjs's mark of a finished build. */
const BUILD_STAMP = path.join(DIST, '.built');
const isTemplate = (name: string) => /^pglite-template-[0-9a-f]+$/.test(name);

/** As `npm ci` leaves a clone: its `prepare` script built dist/ and the PGlite template (untimed here). */
export function prepareAsNpmCi(): void {
  execFileSync(process.execPath, ['src/build.mjs', '--template'], { cwd: REPO_ROOT, stdio: 'ignore' });
}

/**
 * As `npm ci --ignore-scripts` leaves a clone: no finished build, no template, so `npm start`
 * bundles and PGlite runs initdb. Returns the function that puts the template back.
 */
export function withoutPrepare(): () => void {
  rmSync(BUILD_STAMP, { force: true });
  const aside = path.join(REPO_ROOT, '.bench-template-aside');
  mkdirSync(aside, { recursive: true });
  const moved = readdirSync(DIST).filter(isTemplate);
  for (const f of moved) renameSync(path.join(DIST, f), path.join(aside, f));
  return () => {
    for (const f of moved) renameSync(path.join(aside, f), path.join(DIST, f));
    rmSync(aside, { recursive: true, force: true });
  };
}
/** How long a started process idles before its RSS is read. */
export const IDLE_BEFORE_RSS_MS = 5_000;
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 20_000;
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  rssKb: number;
  /** Peak RSS over the process's life. */
  hwmKb: number;
}

export interface StartMeasurement {
  label: string;
  launcher: Launcher;
  /** Held to issue 2's targets (`npm start` after `npm ci`); the other rows are for comparison. */
  judged: boolean;
  /** Spawn to the `jamii.ready` line on stdout. */
  readyMs: number;
  /** startJamii's own figure from the ready line (after Node and tsx have loaded the code). */
  inProcessMs: number | undefined;
  /** User + system CPU the process had used when it logged ready (less sensitive to machine load). */
  cpuToReadyMs: number;
  memory: ProcessMemory;
  healthz: number;
  /** SIGTERM to exit. */
  stopMs: number;
  exitCode: number | null;
}

export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** utime + stime from /proc/<pid>/stat, in milliseconds. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at index 2 ("state").
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment minus anything that would change what Jamii starts. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DATABASE_URL' || k === 'LOG_LEVEL' || k.startsWith('JAMII_') || k.startsWith('BENCH_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** How Jamii is launched: `npm start` as a user types it, or straight from the TypeScript sources. */
export type Launcher = 'npm-start' | 'tsx';

const LAUNCH: Record<Launcher, { command: string; args: string[] }> = {
  // `npm start` builds dist/ first when the sources changed (a fresh clone): part of what a user waits for.
  'npm-start': { command: 'npm', args: ['start'] },
  tsx: { command: process.execPath, args: ['--import', 'tsx', 'src/main.ts'] },
};

/** Parent pid of every process, from /proc. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** The process running Jamii: `root` itself, or the descendant node process running start.mjs / main.js / main.ts. */
function jamiiPid(root: number): number {
  const parents = parentPids();
  const descendants = [...parents.keys()].filter((pid) => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  });
  for (const pid of [root, ...descendants]) {
    try {
      const [exe, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // Not the `sh -c "node src/start.mjs"` npm runs in between.
      if (exe !== undefined && path.basename(exe) === 'node' && args.some((arg) => /(main\.(js|ts)|start\.mjs)$/.test(arg))) return pid;
    } catch {
      // gone
    }
  }
  throw new Error(`no Jamii process under pid ${root}`);
}

/** Launches Jamii, waits for `jamii.ready`, idles, reads its RSS, stops it with SIGTERM. */
export async function measureStart(options: { label: string; launcher: Launcher; dataDir: string; databaseUrl?: string | undefined; judged?: boolean }): Promise<StartMeasurement> {
  const port = await freePort();
  const env = cleanEnv({
    JAMII_DATA_DIR: options.dataDir,
    JAMII_HTTP_HOST: '127.0.0.1',
    JAMII_HTTP_PORT: String(port),
    LOG_LEVEL: 'info',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  const { command, args } = LAUNCH[options.launcher];
  const started = now();
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let pid: number | undefined;
  try {
    const ready = await new Promise<{ ms: number; inProcessMs: number | undefined; cpuMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.label}: no jamii.ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        output.push(line);
        if (!line.includes('"jamii.ready"')) return;
        clearTimeout(timer);
        const ms = elapsedMs(started);
        try {
          pid = jamiiPid(child.pid!);
          const cpuMs = readCpuMs(pid);
          let inProcessMs: number | undefined;
          try {
            inProcessMs = (JSON.parse(line) as { ms?: number }).ms;
          } catch {
            inProcessMs = undefined;
          }
          resolve({ ms, inProcessMs, cpuMs });
        } catch (error) {
          reject(error as Error);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.label}: exited with ${code} before ready: ${[...output.slice(-5), stderr.join('')].join('\n').slice(-2000)}`));
      });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status);
    await sleep(IDLE_BEFORE_RSS_MS);
    const memory = readProcessMemory(pid!);
    const stopping = now();
    process.kill(pid!, 'SIGTERM');
    const exitCode = await waitExit(child, EXIT_TIMEOUT_MS);
    return { label: options.label, launcher: options.launcher, judged: options.judged ?? options.launcher === 'npm-start', readyMs: ready.ms, inProcessMs: ready.inProcessMs, cpuToReadyMs: ready.cpuMs, memory, healthz: health, stopMs: elapsedMs(stopping), exitCode };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      if (pid !== undefined && pid !== child.pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL');
      await waitExit(child, EXIT_TIMEOUT_MS);
    }
  }
}

export interface MemoryProbe {
  label: string;
  memory: ProcessMemory;
}

/**
 * Runs a small ESM script with plain node from the repo root, waits for it to print `ready`,
 * idles, reads RSS. Splits Jamii's idle RSS into Node itself and PGlite on its own.
 */
export async function probeMemory(label: string, script: string, args: string[] = []): Promise<MemoryProbe> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { cwd: REPO_ROOT, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: not ready`)), READY_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.trim() === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${label}: exited with ${code}: ${stderr.join('').slice(-2000)}`));
      });
    });
    await sleep(IDLE_BEFORE_RSS_MS);
    return { label, memory: readProcessMemory(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await waitExit(child, EXIT_TIMEOUT_MS);
  }
}

/** PGlite alone on `dataDir`, with the given extra `-c` settings; closes on SIGTERM. */
export function pgliteProbeScript(sharedBuffers: string | null): string {
  const params = sharedBuffers ? `, '-c', 'shared_buffers=${sharedBuffers}'` : '';
  return `
    import { PGlite } from '@electric-sql/pglite';
    const db = new PGlite(process.argv[1], { startParams: [...PGlite.defaultStartParams${params}] });
    await db.waitReady;
    await db.query('select 1');
    process.stdout.write('ready\\n');
    process.once('SIGTERM', () => db.close().then(() => process.exit(0)));
    setInterval(() => {}, 1 << 30);
  `;
}

export const IDLE_NODE_SCRIPT = `
  process.stdout.write('ready\\n');
  process.once('SIGTERM', () => process.exit(0));
  setInterval(() => {}, 1 << 30);
`;

export { PGLITE_SHARED_BUFFERS_DEFAULT };
