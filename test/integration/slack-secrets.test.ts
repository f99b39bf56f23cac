/**
 * Slack's bot token and signing secret never reach the logs, even at trace level with Bolt and
 * the WebClient logging through Jamii's logger, while a signed event is handled end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cardFor, FAKE_SLACK, MEMBER, messageEvent, sendSigned, slackEnv, startFakeSlack } from '../support/fake-slack-server.js';
import { waitFor } from '../support/harness.js';
import { runJamiiProcess } from '../support/process.js';

// A child process on PGlite starts slowly on a loaded 2-core CI machine: liveness limits, not timings.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

describe('Slack secrets never reach the logs', () => {
  it('keeps the bot token and signing secret out of a traced run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-slack-secrets-'));
    const fake = await startFakeSlack();
    try {
      const p = await runJamiiProcess({ ...slackEnv(fake), JAMII_DATA_DIR: dir, LOG_LEVEL: 'trace' });
      await sendSigned(p.url, messageEvent(MEMBER, `How do I rotate ${FAKE_SLACK.botToken}?`));
      await waitFor(async () => cardFor(fake, 'How do I rotate'), 60_000, 'card');
      p.child.kill('SIGTERM');
      await p.exited;
      const out = p.output();
      expect(out).toContain('slack.connected');
      expect(out).toContain('jamii.stopped');
      expect(out).not.toContain(FAKE_SLACK.botToken);
      expect(out).not.toContain(FAKE_SLACK.signingSecret);
      // The fake saw the token where it belongs: the Authorization header.
      expect(fake.callsTo('chat.postMessage')[0]!.authorization).toBe(`Bearer ${FAKE_SLACK.botToken}`);
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
