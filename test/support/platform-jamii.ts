/**
 * One Jamii per test, connected to a fresh loopback fake platform: started before each test of
 * the file that calls it, stopped after. The callback hands the test its fake and its Jamii.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { discordEnv, startFakeDiscord, type FakeDiscord } from './fake-discord-server.js';
import { slackEnv, startFakeSlack, type FakeSlack } from './fake-slack-server.js';
import { startFakeTelegram, telegramEnv, type FakeTelegram } from './fake-telegram-server.js';
import { startTestJamii, type TestJamii } from './harness.js';

function usePlatformJamii<F extends { close(): Promise<void> }>(
  start: () => Promise<F>,
  envOf: (fake: F) => Record<string, string>,
  onReady: (fake: F, app: TestJamii) => void,
  afterStart: (app: TestJamii) => Promise<void> = async () => undefined,
): void {
  let fake: F | undefined;
  let app: TestJamii | undefined;
  beforeEach(async () => {
    fake = await start();
    app = await startTestJamii({ env: envOf(fake) });
    await afterStart(app);
    onReady(fake, app);
  });
  afterEach(async () => {
    await app?.stop();
    await fake?.close();
  });
}

/** A Jamii talking to a fake Telegram Bot API (long polling). */
export function useTelegramJamii(onReady: (fake: FakeTelegram, app: TestJamii) => void, extraEnv: Record<string, string> = {}): void {
  usePlatformJamii(() => startFakeTelegram(), (fake) => telegramEnv(fake, extraEnv), onReady);
}

/** A Jamii connected to a fake Discord (REST and gateway), once the gateway session is ready. */
export function useDiscordJamii(onReady: (fake: FakeDiscord, app: TestJamii) => void, extraEnv: Record<string, string> = {}): void {
  usePlatformJamii(() => startFakeDiscord(), (fake) => discordEnv(fake, extraEnv), onReady, (app) => app.jamii.discord!.ready());
}

/** A Jamii talking to a fake Slack Web API, with Slack's requests sent to its /slack/events (HTTP mode). */
export function useSlackJamii(onReady: (fake: FakeSlack, app: TestJamii) => void, extraEnv: Record<string, string> = {}): void {
  usePlatformJamii(() => startFakeSlack(), (fake) => slackEnv(fake, extraEnv), onReady);
}

/** A communities file of these lines for the tests of the calling file (removed after them): the env naming it. */
export function communitiesFileEnv(lines: string[]): { JAMII_CONFIG: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'jamii-communities-'));
  const file = path.join(dir, 'jamii.config.yaml');
  writeFileSync(file, lines.join('\n'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { JAMII_CONFIG: file };
}
