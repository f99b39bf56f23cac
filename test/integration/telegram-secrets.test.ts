/**
 * The bot token is in every Bot API URL, so grammY and node-fetch errors carry it in their
 * messages and stacks. None of it may reach a log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bot } from 'grammy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { groupMessage, MEMBER, startFakeTelegram, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';
import { waitFor } from '../support/harness.js';
import { runJamiiProcess, type JamiiProcess } from '../support/process.js';

// A child process on PGlite starts slowly on a loaded 2-core CI machine: liveness limits, not timings.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const TOKEN = '987654321:AAG-secret_telegram_token-for-log-tests';
/** Loopback port 9 (discard) refuses connections. */
const CLOSED_API_ROOT = 'http://127.0.0.1:9';

const dirs: string[] = [];
const procs: JamiiProcess[] = [];
const fakes: FakeTelegram[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const f of fakes.splice(0)) await f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dataDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'jamii-tg-secrets-'));
  dirs.push(d);
  return d;
};

const assertNoToken = (out: string) => {
  expect(out).not.toContain(TOKEN);
  expect(out).not.toContain(encodeURIComponent(TOKEN));
  expect(out).not.toContain(TOKEN.split(':')[1]);
};

describe('the Telegram bot token in logs', () => {
  it('is scrubbed from real grammY network errors, with or without the configured secrets', async () => {
    const error = await new Bot(TOKEN, { client: { apiRoot: CLOSED_API_ROOT } }).api.getMe().catch((e: unknown) => e);
    expect(String((error as { error?: Error }).error?.message ?? '')).toContain(TOKEN); // the leak being guarded against
    for (const secrets of [loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, JAMII_DATA_DIR: '/nonexistent' }, '/nonexistent').secrets, []]) {
      const chunks: string[] = [];
      const log = createLogger({ level: 'trace', secrets, destination: { write: (c: string) => void chunks.push(c) } });
      log.error({ err: error }, 'telegram.failed');
      log.error({ err: new Error('wrapped', { cause: error }) }, 'telegram.failed_wrapped');
      log.error(error as Error);
      const out = chunks.join('');
      expect(out).toContain('HttpError');
      assertNoToken(out);
    }
  });

  it('never appears in a running Jamii\'s output while the Bot API is unreachable or drops connections', async () => {
    // Unreachable: getMe fails again and again.
    const unreachable = await runJamiiProcess({ JAMII_DATA_DIR: dataDir(), TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: CLOSED_API_ROOT, JAMII_MANAGERS: 'telegram:1001', LOG_LEVEL: 'trace' });
    procs.push(unreachable);
    await waitFor(async () => (unreachable.output().match(/telegram\.init_failed/g) ?? []).length >= 2, 60_000, 'repeated connection failures');
    unreachable.child.kill('SIGTERM');
    await unreachable.exited;
    expect(unreachable.output()).toContain('jamii.stopped');
    assertNoToken(unreachable.output());

    // Reachable, then dropping connections mid-send, then gone.
    const fake = await startFakeTelegram({ token: TOKEN });
    fakes.push(fake);
    fake.destroyNext('sendMessage', { times: 20 });
    fake.destroyNext('getUpdates', { times: 2, when: (p) => Number(p.offset ?? 0) > 0 });
    const flaky = await runJamiiProcess({ JAMII_DATA_DIR: dataDir(), ...telegramEnv(fake), LOG_LEVEL: 'trace' });
    procs.push(flaky);
    fake.push(groupMessage(MEMBER, 'How do I renew my membership card?'));
    await waitFor(async () => fake.callsOf('sendMessage').length > 0, 60_000, 'a send attempt');
    await fake.close();
    await waitFor(async () => /telegram\.poll_failed/.test(flaky.output()), 60_000, 'polling failures after the API went away');
    flaky.child.kill('SIGTERM');
    await flaky.exited;
    assertNoToken(flaky.output());
  });
});
