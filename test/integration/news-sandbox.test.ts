/** The news path end to end in the sandbox: feed item -> card -> approve -> post in the chat once; auto mode; the commands. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

describe('news through the sandbox', () => {
  let server: FakeFeedServer;
  let t: TestJamii;
  // 09:02 in Nairobi: the schedule's slot is due.
  let now = new Date('2026-11-27T06:02:00Z');
  const botPosts = async (chat: string) => (await t.messages(chat)).filter((m) => m.fromBot);
  const command = async (user: string, text: string) => {
    const before = (await t.messages('desk')).length;
    expect((await t.post('desk', user, text)).status).toBe(201);
    return waitFor(async () => (await t.messages('desk')).slice(before).find((m) => m.fromBot && !m.card), 15_000, `the answer to ${text}`);
  };

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss });
    server.route('/atom', { kind: 'body', body: fixture('atom.xml'), contentType: CONTENT_TYPES.atom });
    server.route('/page', { kind: 'body', body: fixture('malformed.xml'), contentType: 'text/html' });
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-news-'));
    const file = path.join(dir, 'jamii.config.yaml');
    writeFileSync(
      file,
      `communities:
  - id: acme
    name: Acme Coffee
    default: true
    chats: { sandbox: [general, headlines] }
    desk: { sandbox: desk }
    topics:
      keywords: [M-Pesa, delivery]
      description: Coffee shop with delivery across Kenya
    feeds:
      - { url: "${server.url('/rss')}", name: Wire }
    news:
      schedule: "0 9 * * *"
      timezone: Africa/Nairobi
      max_per_day: 3
      chats:
        - sandbox:general
        - { chat: "sandbox:headlines", mode: auto }
`,
    );
    t = await startTestJamii({
      env: { JAMII_CONFIG: file, JAMII_FEEDS_ALLOW_PRIVATE: 'on', JAMII_FEED_TIMEOUT_SECONDS: '2', JAMII_MANAGERS: 'sandbox:manager', JAMII_ADMINS: 'sandbox:boss' },
      start: { clock: { now: () => now } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await server.close();
  });

  it('turns a feed item into a card, and posts it in the chat once when a manager approves; auto mode posts at once', async () => {
    await t.jamii.news.poller.pollDue();
    const results = await t.jamii.news.publisher.publishDue();
    expect(results.map((r) => [r.chat, r.outcome])).toEqual([
      ['sandbox:general', 'proposed'],
      ['sandbox:headlines', 'proposed'],
    ]);
    const general = results[0]!;

    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card?.draftId === general.draftId)?.card, 15_000, 'the news card');
    expect(card.body).toContain('https://wire.example/mpesa-fees');
    // The card quotes why this post: the item's relevance and what matched.
    expect(card.quote).toContain('matches: M-Pesa, delivery');
    expect(card.fields.find((f: { label: string }) => f.label === 'Sources').value).toContain('https://wire.example/mpesa-fees › Wire › M-Pesa cuts fees for small merchants');
    expect(await botPosts('general')).toEqual([]);

    // Auto mode: posted in its chat with no decision, and no card waits for one.
    const auto = await waitFor(async () => (await botPosts('headlines'))[0], 15_000, 'the auto post');
    expect(auto.text).toContain('https://wire.example/mpesa-fees');

    // A member cannot approve; a manager can, twice over, and the post appears once.
    expect((await t.action('alice', `approve:${general.draftId}`)).reply.text).toMatch(/manager/i);
    await t.action('manager', `approve:${general.draftId}`);
    await t.action('manager', `approve:${general.draftId}`);
    const posted = await waitFor(async () => (await botPosts('general'))[0], 15_000, 'the approved post');
    expect(posted.text).toBe(card.body);
    expect(posted.replyTo).toBeNull();
    // The job runs again within the slot: nothing more is proposed or posted.
    expect((await t.jamii.news.publisher.publishDue()).every((r) => r.outcome === 'handled')).toBe(true);
    await waitFor(async () => (await t.jamii.store.drafts.statusOf(general.draftId!)) === 'sent', 15_000, 'the draft sent');
    expect(await botPosts('general')).toHaveLength(1);
    expect(await botPosts('headlines')).toHaveLength(1);

    // The durable schedule that does this every 5 minutes, and the failing-feeds gauge.
    const { rows } = await t.jamii.db.sql.executeSql(`select cron from pgboss.schedule where name = 'news'`, []);
    expect(rows).toEqual([{ cron: '*/5 * * * *' }]);
    expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/^jamii_feeds_failing 0$/m);
  });

  it('lets an admin list and add feeds, refusing a page that is not a feed with a clear error', async () => {
    expect((await command('manager', '/feeds list')).text).toMatch(/admin/i);
    const listed = await command('boss', '/feeds list');
    expect(listed.text).toMatch(/#\d+ Wire — http:\/\/127\.0\.0\.1:\d+\/rss \(config file; ok\)/);
    const refused = await command('boss', `/feeds add ${server.url('/page')}`);
    expect(refused.text).toBe('That feed could not be read: the document is not an RSS, Atom or JSON feed. Nothing was added.');
    const added = await command('boss', `/feeds add ${server.url('/atom')}`);
    expect(added.text).toMatch(/^📰 Feed #\d+ added: Logistics Daily \(2 items now\)/);
    expect((await t.jamii.store.feeds.list(['acme'])).map((f) => f.url)).toEqual([server.url('/rss'), server.url('/atom')]);
    expect((await command('boss', `/feeds add ${server.url('/atom')}`)).text).toBe('That feed is already in the list. /feeds list shows it.');
    expect((await command('boss', '/feeds remove 999')).text).toMatch(/There is no feed #999/);
  });

  it('/news polls now and proposes the next relevant item, never one already posted in the chat', async () => {
    now = new Date('2026-11-27T07:00:00Z');
    const reply = await command('manager', '/news');
    expect(reply.text).toMatch(/^Polled 2 feeds: 2 new items\./);
    expect(reply.text).toMatch(/sandbox:general: proposed draft #\d+ \(1 item\)/);
    expect(reply.text).toMatch(/sandbox:headlines: posting \(auto mode\) draft #\d+ \(1 item\)/);
    const draftId = Number(/sandbox:general: proposed draft #(\d+)/.exec(reply.text)![1]);
    const draft = (await t.jamii.store.drafts.get(draftId))!;
    expect(draft.text).toContain('https://logistics.example/2026/delivery-mombasa');
    expect(draft.text).not.toContain('mpesa-fees');
    // Feed text is data: the injected instruction did not put its link in the post.
    expect(draft.text).not.toContain('evil.example');
  });
});
