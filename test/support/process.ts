/**
 * Runs Jamii as a real child process on the bundle `npm start` and the Docker image run
 * (`node dist/main.js`; test/support/global-setup.ts builds it when the sources changed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface JamiiProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runJamiiProcess(env: Record<string, string>, options: { waitReady?: boolean; timeoutMs?: number } = {}): Promise<JamiiProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', JAMII_HTTP_PORT: '0', LOG_LEVEL: 'info', JAMII_BURST_WINDOW_SECONDS: '0', JAMII_KNOWLEDGE_DIR: '/nonexistent-test-knowledge-dir', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = { child, output: () => out, exited };
  if (options.waitReady === false) return Promise.resolve({ ...base, url: '' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Jamii did not become ready:\n${out}`));
    }, options.timeoutMs ?? 120_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.includes('"jamii.ready"'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({ ...base, url: (JSON.parse(line) as { url: string }).url });
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`Jamii exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

/** Runs `fn`; a failure carries the process's last log lines, so a CI failure says where Jamii stood. */
export async function withJamiiOutput<T>(p: JamiiProcess, fn: () => Promise<T>, lines = 40): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const tail = p.output().split('\n').filter((l) => !l.includes('"level":10,') && !l.includes('"level":20,')).slice(-lines).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- Jamii's last output ---\n${tail}`, { cause: error });
  }
}

export async function api(url: string) {
  return {
    post: async (chat: string, user: string, text: string) => {
      const res = await fetch(`${url}/api/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat, user, text }) });
      return { status: res.status, body: (await res.json()) as any };
    },
    messages: async (chat: string) => ((await (await fetch(`${url}/api/sandbox/messages?chat=${chat}`)).json()) as { messages: any[] }).messages,
  };
}
