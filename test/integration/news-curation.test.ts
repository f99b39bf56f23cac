/** Feeds polled into stored items: dedupe across feeds, 304s, relevance scores, and the broken/recovered notices. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_BROKEN_AFTER_FAILURES } from '../../src/core/news/feed-poller.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { POLL_INTERVAL_MS, startNewsSetup, type NewsSetup } from '../support/news-setup.js';

describe.each(DATABASES)('news curation on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss, etag: '"r1"' });
    server.route('/atom', { kind: 'body', body: fixture('atom.xml'), contentType: CONTENT_TYPES.atom });
    server.route('/json', { kind: 'body', body: fixture('feed.json'), contentType: CONTENT_TYPES.json });
    server.route('/flaky', { kind: 'status', status: 500 });
    t = await startNewsSetup(kind, {
      topics: { keywords: ['M-Pesa', 'delivery'], description: 'Online shop for coffee with delivery across Kenya' },
      feeds: [
        { url: server.url('/rss'), name: 'Wire' },
        { url: server.url('/atom'), name: null },
        { url: server.url('/json'), name: null },
        { url: server.url('/flaky'), name: 'Flaky' },
      ],
      chats: [],
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('stores each story once across feeds, scores it against the topics, and orders by relevance', async () => {
    const results = await t.poller.pollDue();
    expect(results.filter((r) => r.outcome === 'new').map((r) => r.newItems)).toEqual([2, 2, 2]);
    const { rows } = await t.db.sql.executeSql(`select guid, link, duplicate_of, score, score_reason from feed_items order by id`, []);
    const byGuid = new Map(rows.map((r: any) => [r.guid, r]));
    // Tracking parameters and fragments are gone from the stored links.
    expect(byGuid.get('wire-1001').link).toBe('https://wire.example/mpesa-fees');
    expect(byGuid.get('urn:uuid:ld-2').link).toBe('https://logistics.example/2026/delivery-mombasa');
    // The Atom copy of the M-Pesa story (near-identical headline) and the JSON copy of the football story (same link) are duplicates.
    const first = (guid: string) => Number(byGuid.get(guid).duplicate_of);
    expect(first('urn:uuid:ld-1')).toBeGreaterThan(0);
    expect(first('kb-2')).toBeGreaterThan(0);
    expect(byGuid.get('wire-1001').duplicate_of).toBeNull();
    expect(byGuid.get('wire-1001').score_reason).toBe('matches: M-Pesa, delivery');

    const chats = await t.store.chats.ensure([{ ref: { platform: 'sandbox', chatId: 'general' } }], () => 'acme');
    const chatId = [...chats.values()][0]!.id;
    const best = await t.store.feeds.candidates(chatId, 'acme', { since: new Date(0), minScore: 0.2, limit: 10 });
    expect(best.map((i) => i.guid)).toEqual(['wire-1001', 'urn:uuid:ld-2', 'kb-1']);
    expect(best[0]!.score!).toBeGreaterThan(best[2]!.score!);
    expect(best.some((i) => i.title.startsWith('Football'))).toBe(false);
  });

  it('asks again with the ETag and stores nothing when the feed answers 304', async () => {
    t.clock.advance(POLL_INTERVAL_MS);
    const results = await t.poller.pollDue();
    const rss = results.find((r) => r.url.endsWith('/rss'))!;
    expect(rss).toMatchObject({ outcome: 'not_modified', newItems: 0 });
    expect(server.requestsTo('/rss').at(-1)!.headers['if-none-match']).toBe('"r1"');
  });

  it('backs off a failing feed, tells the desk once after a streak of failures, then once when it recovers', async () => {
    const flaky = async () => (await t.store.feeds.list(['acme'])).find((f) => f.url.endsWith('/flaky'))!;
    const waits: number[] = [];
    // Two polls so far failed; keep polling whenever it is due until well past the threshold.
    for (let i = 0; i < FEED_BROKEN_AFTER_FAILURES + 2; i++) {
      const feed = await flaky();
      waits.push(feed.nextPollAt.getTime() - t.clock.now().getTime());
      t.clock.set(feed.nextPollAt.toISOString());
      await t.poller.pollDue();
    }
    expect((await flaky()).consecutiveFailures).toBe(FEED_BROKEN_AFTER_FAILURES + 4);
    expect(waits[2]!).toBeGreaterThan(waits[1]!);
    let notices = await t.notices();
    expect(notices.filter((n) => n.text.startsWith('⚠️ Feed broken: Flaky'))).toHaveLength(1);
    expect(notices[0]!.platform_chat_id).toBe('desk');
    expect(notices[0]!.text).toContain('HTTP 500');

    server.route('/flaky', { kind: 'body', body: fixture('rss-update.xml'), contentType: CONTENT_TYPES.rss });
    for (let i = 0; i < 2; i++) {
      t.clock.set((await flaky()).nextPollAt.toISOString());
      await t.poller.pollDue();
    }
    notices = await t.notices();
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toMatch(/^✅ Feed recovered: Flaky/);
    expect((await flaky()).consecutiveFailures).toBe(0);
    expect(await t.store.feeds.countFailing()).toBe(0);
  });
});
