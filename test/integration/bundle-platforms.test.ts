/**
 * The bundle `npm start` and the Docker image run (dist/, every npm package but a few inside it,
 * each platform SDK in a chunk loaded only when configured) serves all three platforms at once:
 * grammY, discord.js and Bolt work as bundled, against their loopback fakes. A Telegram member's
 * question reaches the Telegram, Discord and Slack desks; approved from Discord, the reply is
 * posted in Telegram once.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXTERNAL_PACKAGES } from '../../src/build.mjs';
import { createFeedParseThread } from '../../src/feeds/feed-parse-thread.js';
import { FEED_PARSE_WORKER_BUNDLE, SANDBOX_PAGE_FILES } from '../../src/install-paths.js';
import { fixture } from '../support/fake-feed-server.js';
import { createRecordingLogger } from '../support/fakes.js';
import { buttonPress as discordButton, discordEnv, FAKE_DISCORD, MANAGER as DISCORD_MANAGER, nextSnowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord-server.js';
import { cardFor as slackCard, FAKE_SLACK, MANAGER as SLACK_MANAGER, slackEnv, startFakeSlack, type FakeSlack } from '../support/fake-slack-server.js';
import { cardFor as telegramCard, groupMessage, MANAGER as TELEGRAM_MANAGER, MEMBER, startFakeTelegram, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';
import { waitFor } from '../support/harness.js';
import { REPO_ROOT, runJamiiProcess, withJamiiOutput, type JamiiProcess } from '../support/process.js';

// A child process on PGlite starts slowly on a loaded 2-core CI machine: liveness limits, not timings.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const QUESTION = 'How do I register my farm for the cooperative this season?';

let telegram: FakeTelegram | null = null;
let discord: FakeDiscord | null = null;
let slack: FakeSlack | null = null;
let jamii: JamiiProcess | null = null;
let dir = '';
afterEach(async () => {
  if (jamii) {
    jamii.child.kill('SIGKILL');
    await jamii.exited;
    jamii = null;
  }
  await Promise.all([telegram?.close(), discord?.close(), slack?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bundle in dist/', () => {
  it('holds the platform SDKs in chunks of their own and leaves only the packages that load files by path outside', () => {
    const chunks = readdirSync(path.join(REPO_ROOT, 'dist', 'chunks'));
    for (const connector of ['telegram-connector', 'discord-connector', 'slack-connector']) expect(chunks.some((f) => f.startsWith(connector) && f.endsWith('.js')), connector).toBe(true);
    for (const file of SANDBOX_PAGE_FILES) expect(existsSync(path.join(REPO_ROOT, 'dist', file)), file).toBe(true);
    expect(EXTERNAL_PACKAGES).toEqual(expect.arrayContaining(['@electric-sql/pglite', '@resvg/resvg-js']));
  });

  it('holds the feed parser worker the bundled fetcher starts, and it parses a feed', async () => {
    const thread = createFeedParseThread({ maxBytes: 1024 * 1024, entry: { kind: 'module', path: FEED_PARSE_WORKER_BUNDLE } }, { log: createRecordingLogger() });
    try {
      const feed = await thread.parse(new TextEncoder().encode(fixture('rss.xml')), 'application/rss+xml', 'https://wire.example/rss');
      expect(feed.title).toBe('Nairobi Tech Wire');
      expect(feed.items[0]).toMatchObject({ guid: 'wire-1001', title: 'M-Pesa cuts fees for small merchants' });
      expect(feed.items[0]!.publishedAt).toBeInstanceOf(Date);
    } finally {
      await thread.close();
    }
  });

  it('serves Telegram, Discord and Slack from one process: a card on every desk, approved once from Discord, posted once in Telegram', async () => {
    [telegram, discord, slack] = await Promise.all([startFakeTelegram(), startFakeDiscord(), startFakeSlack()]);
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-bundle-'));
    jamii = await runJamiiProcess({
      ...telegramEnv(telegram),
      ...discordEnv(discord),
      ...slackEnv(slack),
      JAMII_MANAGERS: `telegram:${TELEGRAM_MANAGER.id},discord:${DISCORD_MANAGER.id},slack:${SLACK_MANAGER.id}`,
      JAMII_DATA_DIR: dir,
    });
    const p = jamii;
    await withJamiiOutput(p, async () => {
    await discord!.identified();

    const asked = groupMessage(MEMBER, QUESTION);
    telegram!.push(asked);
    const tg = telegram!;
    const sl = slack!;
    const dc = discord!;
    await waitFor(async () => telegramCard(tg, TELEGRAM_MANAGER.id, QUESTION), 60_000, 'card on the Telegram desk');
    await waitFor(async () => slackCard(sl, QUESTION), 60_000, 'card on the Slack desk');
    const card = await waitFor(async () => dc.posts(FAKE_DISCORD.deskChannelId).find((p) => JSON.stringify(p.body?.embeds ?? []).includes(QUESTION)), 60_000, 'card on the Discord desk');
    const approve = (card.body.components as Array<{ components: Array<{ custom_id: string }> }>).flatMap((row) => row.components.map((b) => b.custom_id)).find((id) => id.startsWith('approve:'))!;
    expect(approve).toMatch(/^approve:\d+$/);

    // Approve, twice (a double click). The draft is named by the button; the message id is the card's on Discord.
    const cardMessageId = nextSnowflake();
    dc.dispatch('INTERACTION_CREATE', discordButton(DISCORD_MANAGER, cardMessageId, approve));
    dc.dispatch('INTERACTION_CREATE', discordButton(DISCORD_MANAGER, cardMessageId, approve));
    const replies = () => tg.postsTo(SUPERGROUP.id).filter((p) => p.payload.reply_parameters?.message_id === asked.message.message_id);
    await waitFor(async () => replies().length > 0, 60_000, 'the reply in the Telegram group');
    await new Promise((r) => setTimeout(r, 1500));
    expect(replies()).toHaveLength(1);
    });
    expect(p.output()).not.toContain(FAKE_SLACK.botToken);
    expect(p.output()).not.toContain(FAKE_DISCORD.token);
  });
});
