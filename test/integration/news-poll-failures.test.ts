/** One feed's failure stays that feed's: a guid the database refuses fails its feed alone, and the rest of the round goes on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_BROKEN_AFTER_FAILURES } from '../../src/core/news/feed-poller.js';
import type { FeedFetcher } from '../../src/core/news/news-types.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startNewsSetup, type NewsSetup } from '../support/news-setup.js';

const jsonFeed = (title: string, items: Array<{ id: string; url: string; title: string }>) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title, items: items.map((i) => ({ ...i, content_text: `${i.title}.`, date_published: '2026-11-27T05:00:00Z' })) });

/** Hands the poller a NUL in every guid of /refused, as no parser of ours would: the store must refuse it. */
const refusingGuids = (fetcher: FeedFetcher): FeedFetcher => ({
  async fetch(url, validators) {
    const outcome = await fetcher.fetch(url, validators);
    if (!url.endsWith('/refused') || outcome.kind !== 'ok') return outcome;
    return { ...outcome, feed: { ...outcome.feed, items: outcome.feed.items.map((i) => ({ ...i, guid: `${i.guid}\u0000` })) } };
  },
});

describe.each(DATABASES)('feed poll failures on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/nul', { kind: 'body', body: jsonFeed('Nul', [{ id: 'nul\u0000id', url: 'https://nul.example/a', title: 'Delivery update' }]), contentType: CONTENT_TYPES.json });
    server.route('/refused', { kind: 'body', body: jsonFeed('Refused', [{ id: 'refused-1', url: 'https://refused.example/a', title: 'Refused delivery story' }]), contentType: CONTENT_TYPES.json });
    server.route('/good', { kind: 'body', body: jsonFeed('Good', [{ id: 'good-1', url: 'https://good.example/a', title: 'M-Pesa delivery fees drop' }]), contentType: CONTENT_TYPES.json });
    t = await startNewsSetup(
      kind,
      {
        topics: { keywords: ['M-Pesa', 'delivery'], description: '' },
        feeds: [
          { url: server.url('/nul'), name: 'Nul' },
          { url: server.url('/refused'), name: 'Refused' },
          { url: server.url('/good'), name: 'Good' },
        ],
        chats: [],
      },
      undefined,
      { wrapFetcher: refusingGuids },
    );
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  const feed = async (path: string) => (await t.store.feeds.list(['acme'])).find((f) => f.url.endsWith(path))!;

  it('stores a JSON Feed item whose id carries a NUL, without the NUL', async () => {
    const results = await t.poller.pollDue();
    expect(results.find((r) => r.url.endsWith('/nul'))).toMatchObject({ outcome: 'new', newItems: 1 });
    const { rows } = await t.db.sql.executeSql(`select guid from feed_items order by id`, []);
    expect(rows.map((r: any) => r.guid)).toEqual(['nulid', 'good-1']);
  });

  it('records a feed whose items the database refuses as that feed failing, and polls and scores the rest of the round', async () => {
    const refused = await feed('/refused');
    expect(refused.consecutiveFailures).toBe(1);
    expect(refused.lastError).toBe('unexpected error while reading the feed');
    expect(refused.nextPollAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect((await feed('/good')).consecutiveFailures).toBe(0);
    const { rows } = await t.db.sql.executeSql(`select guid, score from feed_items where guid = 'good-1'`, []);
    expect(Number(rows[0].score)).toBeGreaterThan(0);
  });

  it('tells the desk once when the database keeps refusing a feed, as for any other failure', async () => {
    for (let i = 1; i < FEED_BROKEN_AFTER_FAILURES; i++) {
      t.clock.set((await feed('/refused')).nextPollAt.toISOString());
      const results = await t.poller.pollDue();
      expect(results.find((r) => r.url.endsWith('/refused'))?.outcome).toBe('failed');
    }
    expect((await feed('/refused')).consecutiveFailures).toBe(FEED_BROKEN_AFTER_FAILURES);
    const notices = await t.notices();
    expect(notices.map((n) => n.text.split(' (')[0])).toEqual(['⚠️ Feed broken: Refused']);
  });
});
