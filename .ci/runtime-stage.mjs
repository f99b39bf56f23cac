#!/usr/bin/env node
// The Docker image's runtime stage, without Docker (CI machines have no daemon): the files its
// COPY lines bring, its `npm` RUN lines (production packages only), its ENV and its CMD, run
// with the image's Node (node@24 through npx) in a scratch directory holding nothing else of the
// repo. Then, as someone who just ran the image: /healthz answers, a member's question in the
// sandbox gets its card on the desk, and SIGTERM stops it cleanly (exit 0).
//
// Read from the Dockerfile, so the check follows it: a runtime package left in devDependencies,
// a directory the bundle needs but the image does not copy, or a CMD that no longer starts
// fails here. Needs `npm ci` to have run in the checkout (the build stage's output is dist/).
//
// Usage: node .ci/runtime-stage.mjs   (exit 0 when the image's contents work)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const CARD_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const started = Date.now();
const log = (line) => process.stdout.write(`[runtime-stage +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

/** The instructions of the stage named `stage`, continuation lines joined, comments dropped. */
function stageInstructions(dockerfile, stage) {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const start = lines.findIndex((l) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${stage}$`, 'i').test(l));
  if (start === -1) throw new Error(`the Dockerfile has no stage named ${stage}`);
  const out = [];
  for (const line of lines.slice(start + 1)) {
    if (/^FROM\s/i.test(line)) break;
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (op) out.push({ op: op.toUpperCase(), args: rest });
  }
  return out;
}

/** `ENV A=1 B=2` (also the legacy `ENV A 1`) as pairs. */
function envPairs(args) {
  if (!args.includes('=')) {
    const [key, ...value] = args.split(/\s+/);
    return [[key, value.join(' ')]];
  }
  return [...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map(([, k, v]) => [k, v.replace(/^"|"$/g, '')]);
}

function main() {
  const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
  const steps = stageInstructions(dockerfile, 'runtime');
  const app = mkdtempSync(path.join(tmpdir(), 'jamii-runtime-stage-'));
  const data = mkdtempSync(path.join(tmpdir(), 'jamii-runtime-data-'));
  const env = {};
  let cmd = null;
  const node24 = execFileSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
  log(`image Node: ${execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim()} (${node24})`);
  try {
    for (const { op, args } of steps) {
      if (op === 'COPY') {
        const parts = args.split(/\s+/);
        const fromStage = parts[0].startsWith('--from=') ? parts.shift().slice('--from='.length) : null;
        const dest = parts.pop();
        for (const source of parts) {
          // The build stage ran `npm ci` in /app: its files are this checkout's, after `npm ci`.
          const from = fromStage ? path.join(REPO, path.relative('/app', source)) : path.join(REPO, source);
          const to = dest.endsWith('/') || parts.length > 1 ? path.join(app, dest, path.basename(source)) : path.join(app, dest);
          cpSync(from, to, { recursive: true });
          log(`COPY ${fromStage ? `(${fromStage}) ` : ''}${source} -> ${path.relative(app, to) || '.'}`);
        }
      } else if (op === 'RUN') {
        // The npm commands build what the image holds; the rest (mkdir /data, chown) is the OS's,
        // and `npm cache` only trims the image (here it would empty this machine's cache).
        for (const command of args.split('&&').map((c) => c.trim())) {
          if (!command.startsWith('npm ') || command.startsWith('npm cache')) {
            log(`RUN (skipped: not what the image holds) ${command}`);
            continue;
          }
          log(`RUN ${command}`);
          execFileSync('bash', ['-c', command], { cwd: app, stdio: 'inherit', env: { ...process.env, NODE_ENV: env.NODE_ENV ?? 'production' } });
        }
      } else if (op === 'ENV') {
        for (const [k, v] of envPairs(args)) env[k] = v;
      } else if (op === 'CMD') {
        cmd = JSON.parse(args);
      }
    }
    if (!cmd || cmd[0] !== 'node') throw new Error(`expected CMD ["node", ...], got ${JSON.stringify(cmd)}`);
    return run(app, data, node24, cmd.slice(1), env).finally(() => {
      rmSync(app, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    });
  } catch (error) {
    rmSync(app, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    throw error;
  }
}

async function waitFor(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(app, data, node24, args, imageEnv) {
  // As `docker run -p 3000:3000 -v jamii-data:/data jamii`, on loopback and a free port, the
  // data volume a scratch directory.
  const env = { PATH: process.env.PATH ?? '', HOME: app, ...imageEnv, JAMII_HTTP_HOST: '127.0.0.1', JAMII_HTTP_PORT: '0', JAMII_DATA_DIR: data };
  log(`CMD node ${args.join(' ')} (env ${Object.keys(imageEnv).join(', ')})`);
  const child = spawn(node24, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    const ready = await Promise.race([
      waitFor('the jamii.ready line', READY_TIMEOUT_MS, async () => out.split('\n').find((l) => l.includes('"jamii.ready"'))),
      exited.then(({ code, signal }) => Promise.reject(new Error(`exited (${code ?? signal}) before ready`))),
    ]);
    const url = JSON.parse(ready).url;
    log(`ready at ${url}`);
    const health = await fetch(`${url}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    log('/healthz 200');
    const question = 'Does the runtime image answer questions like this one?';
    const posted = await fetch(`${url}/api/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat: 'general', user: 'amina', text: question }),
    });
    if (posted.status !== 201) throw new Error(`POST /api/sandbox/messages answered ${posted.status}: ${await posted.text()}`);
    await waitFor('the card on the desk', CARD_TIMEOUT_MS, async () => {
      const { messages } = await (await fetch(`${url}/api/sandbox/messages?chat=desk`)).json();
      return messages.find((m) => m.fromBot && m.text.includes(question));
    });
    log('the question got its card on the desk');
    child.kill('SIGTERM');
    const { code, signal } = await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('no exit within 30 s of SIGTERM')), STOP_TIMEOUT_MS))]);
    if (code !== 0) throw new Error(`SIGTERM: exited with ${code ?? signal}`);
    log('SIGTERM: exit 0');
  } catch (error) {
    child.kill('SIGKILL');
    process.stdout.write(`${out.split('\n').slice(-40).join('\n')}\n`);
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    () => {
      log('passed');
      process.exit(0);
    },
    (error) => {
      log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
