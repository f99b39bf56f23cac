import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformSender } from '../../src/core/ports.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

/** A sandbox sender whose sends wait until `release()`: a send job that keeps a stop draining. */
function heldSender() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const sender: PlatformSender = {
    platform: 'sandbox',
    idempotentSend: false,
    async send() {
      calls += 1;
      await released;
      return { messageId: String(calls) };
    },
    async updateCard() {
      return undefined;
    },
  };
  return { sender, release, calls: () => calls };
}

describe('shutdown drain', () => {
  let app: TestJamii | undefined;
  let release: (() => void) | undefined;
  afterEach(async () => {
    release?.();
    await app?.stop();
    app = undefined;
  });

  it('answers 503 shutting_down on /healthz from the signal until the server closes, and refuses new sandbox work while jobs drain', async () => {
    const held = heldSender();
    release = held.release;
    app = await startTestJamii({ env: { JAMII_SHUTDOWN_TIMEOUT_MS: '30000' }, start: { senders: [held.sender] } });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    await app.post('general', 'alice', 'This is awful, my order is broken!!');
    // The card's send job is running, and holds the stop in its drain.
    await waitFor(async () => held.calls() > 0, 15_000, 'the card send to start');

    const stopped = app.jamii.stop();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'shutting_down', database: 'up', stopping: true });

    // Once the connectors have stopped, the sandbox API takes no more work; health and metrics still answer.
    const refused = await waitFor(async () => {
      const res = await fetch(`${app!.url}/api/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat: 'general', user: 'bob', text: 'hello?' }) });
      return res.status === 503 ? ((await res.json()) as { error: { code: string } }) : null;
    }, 10_000, 'the sandbox API to refuse');
    expect(refused.error.code).toBe('shutting_down');
    expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);

    held.release();
    await stopped;
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  });
});
