import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runJamiiProcess } from '../support/process.js';

// A child process on PGlite starts slowly on a loaded 2-core CI machine: liveness limits, not timings.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const FAKE_PASSWORD = 'Sup3r-Secret-Passw0rd-4f9c';
const FAKE_TOKEN = '123456789:AAFakeTelegramToken-DoNotLog_abcdef';

describe('secrets never reach the logs', () => {
  it('keeps the database password out of the output when the connection fails and the error is logged', async () => {
    // Port 9 (discard) on loopback refuses: the start fails with an error that carries the URL's host.
    const p = await runJamiiProcess(
      { DATABASE_URL: `postgres://jamii:${FAKE_PASSWORD}@127.0.0.1:9/jamii`, LOG_LEVEL: 'debug', JAMII_SANDBOX: 'on' },
      { waitReady: false },
    );
    const exit = await p.exited;
    expect(exit.code).toBe(1);
    const out = p.output();
    expect(out).toContain('jamii.start_failed');
    expect(out).not.toContain(FAKE_PASSWORD);
    expect(out).not.toContain(encodeURIComponent(FAKE_PASSWORD));
  });

  it('keeps platform tokens out of the output during a normal run and shutdown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-secrets-'));
    try {
      const p = await runJamiiProcess({ JAMII_DATA_DIR: dir, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, JAMII_SANDBOX: 'on', LOG_LEVEL: 'trace' });
      await fetch(`${p.url}/api/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat: 'general', user: 'eve', text: `my token is ${FAKE_TOKEN}?` }) });
      await fetch(`${p.url}/healthz`);
      p.child.kill('SIGTERM');
      await p.exited;
      const out = p.output();
      expect(out).toContain('jamii.stopped');
      expect(out).not.toContain(FAKE_TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
