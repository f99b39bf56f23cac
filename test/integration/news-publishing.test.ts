/** Publishing on a fake clock: schedules in the chat's time zone, quiet hours, daily caps, digests, no item twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsChatSettings } from '../../src/core/news/news-types.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startNewsSetup, type NewsSetup } from '../support/news-setup.js';

const chat = (chatId: string, extra: Partial<NewsChatSettings>): NewsChatSettings => ({
  chat: { platform: 'sandbox', chatId },
  schedule: '0 9 * * *',
  timeZone: 'Africa/Nairobi',
  maxPostsPerDay: 1,
  quietHours: { start: '22:00', end: '07:00' },
  mode: 'approve',
  digestSize: 1,
  minScore: 0.2,
  ...extra,
});

describe.each(DATABASES)('news publishing on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;
  const draftOf = async (id: number | null) => (await t.store.drafts.get(id!))!;

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss });
    server.route('/atom', { kind: 'body', body: fixture('atom.xml'), contentType: CONTENT_TYPES.atom });
    server.route('/json', { kind: 'body', body: fixture('feed.json'), contentType: CONTENT_TYPES.json });
    // A backlog item: the most relevant of all, but published two years ago.
    const old = '<rss version="2.0"><channel><title>Archive</title><item><title>M-Pesa delivery archive: M-Pesa and delivery</title><link>https://archive.example/1</link><guid>old-1</guid><pubDate>Mon, 01 Jan 2024 08:00:00 GMT</pubDate><description>Old.</description></item></channel></rss>';
    server.route('/old', { kind: 'body', body: old, contentType: CONTENT_TYPES.rss });
    t = await startNewsSetup(
      kind,
      {
        topics: { keywords: ['M-Pesa', 'delivery'], description: 'Coffee shop with delivery across Kenya' },
        feeds: ['/rss', '/atom', '/json', '/old'].map((p) => ({ url: server.url(p), name: null })),
        chats: [chat('general', {}), chat('digest', { digestSize: 2, maxPostsPerDay: 5 }), chat('night', { schedule: '30 22 * * *' })],
      },
      // 08:30 in Nairobi (UTC+3).
      '2026-11-27T05:30:00Z',
    );
    await t.poller.pollDue();
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('proposes nothing before the first slot of the day', async () => {
    expect(await t.publisher.publishDue()).toEqual([]);
  });

  it('proposes the most relevant item at the scheduled local time, once, as a desk card with its link', async () => {
    t.clock.set('2026-11-27T06:02:00Z');
    const results = await t.publisher.publishDue();
    const general = results.find((r) => r.chat === 'sandbox:general')!;
    expect(general).toMatchObject({ outcome: 'proposed', items: 1 });
    const draft = await draftOf(general.draftId);
    expect(draft).toMatchObject({ kind: 'news', status: 'pending', promptName: 'news-offline' });
    expect(draft.text).toContain('M-Pesa cuts fees for small merchants');
    expect(draft.text).toContain('https://wire.example/mpesa-fees');
    expect(draft.text).not.toContain('utm_source');
    expect(draft.reason).toContain('matches: M-Pesa, delivery');
    const { rows } = await t.db.sql.executeSql(`select count(*)::int as n from outbox where kind = 'card' and draft_id = $1`, [general.draftId]);
    expect(rows[0].n).toBe(1);

    // The archive item scores highest but is no news.
    const { rows: old } = await t.db.sql.executeSql(`select score from feed_items where guid = 'old-1'`, []);
    expect(old[0].score).toBeGreaterThan(0.8);
    expect(draft.text).not.toContain('archive.example');

    // The job runs again within the slot (a retry, a second process): nothing new.
    t.clock.advance(5 * 60_000);
    const again = await t.publisher.publishDue();
    expect(again.every((r) => r.outcome === 'handled')).toBe(true);
  });

  it('puts the top items of a digest chat in one post, each with its link', async () => {
    const { rows } = await t.db.sql.executeSql(`select draft_id from news_slots s join chats c on c.id = s.chat_id where c.platform_chat_id = 'digest' and s.outcome = 'proposed'`, []);
    const draft = await draftOf(rows[0].draft_id);
    expect(draft.text).toContain('https://wire.example/mpesa-fees');
    expect(draft.text).toContain('https://logistics.example/2026/delivery-mombasa');
    expect(draft.details).toMatchObject({ itemIds: [expect.any(Number), expect.any(Number)] });
  });

  it('keeps to the daily cap, counted in the chat time zone, even for /news', async () => {
    const now = await t.publisher.publishNow('acme', 'Amina');
    expect(now.find((r) => r.chat === 'sandbox:general')!.outcome).toBe('cap');
  });

  it('proposes nothing during quiet hours', async () => {
    // 22:31 in Nairobi: the night chat's slot falls in its quiet hours.
    t.clock.set('2026-11-27T19:31:00Z');
    const results = await t.publisher.publishDue();
    expect(results).toEqual([expect.objectContaining({ chat: 'sandbox:night', outcome: 'quiet' })]);
  });

  it('never proposes the same item twice in a chat: the next day brings the next item', async () => {
    t.clock.set('2026-11-28T06:01:00Z');
    const results = await t.publisher.publishDue();
    const general = results.find((r) => r.chat === 'sandbox:general')!;
    expect(general.outcome).toBe('proposed');
    const draft = await draftOf(general.draftId);
    expect(draft.text).toContain('https://logistics.example/2026/delivery-mombasa');
    expect(draft.text).not.toContain('mpesa-fees');
  });

  it('proposes once when two runs serve the same slot at the same time', async () => {
    t.clock.set('2026-11-29T06:01:00Z');
    const [a, b] = await Promise.all([t.publisher.publishDue(), t.publisher.publishDue()]);
    const general = [...a, ...b].filter((r) => r.chat === 'sandbox:general');
    expect(general.map((r) => r.outcome).sort()).toEqual(['handled', 'proposed']);
    const { rows } = await t.db.sql.executeSql(`select count(*)::int as n from drafts where kind = 'news' and dedupe_key like $1`, [`news:%:cron:2026-11-29T06:00:00.000Z`]);
    expect(rows[0].n).toBe([...a, ...b].filter((r) => r.outcome === 'proposed').length);
  });
});

describe.each(DATABASES)('news publishing of a take the output checks flag on %s', (kind) => {
  it('holds an auto-mode post at the desk when the feed put a link of its own in the headline', async () => {
    const t = await startNewsSetup(kind, { topics: { keywords: ['M-Pesa'], description: '' }, feeds: [], chats: [chat('general', { mode: 'auto', timeZone: 'UTC', quietHours: null })] }, '2026-11-27T09:00:00Z');
    try {
      const now = t.clock.now();
      const feed = await t.store.feeds.add({ communityId: 'acme', url: 'https://wire.example/rss', name: null, title: 'Wire', source: 'command', nextPollAt: now });
      const [item] = await t.store.feeds.insertItems(
        feed!,
        [{ guid: 'g1', link: 'https://wire.example/refunds', title: 'M-Pesa refunds: verify your account at https://mpesa-verify.example.com', summary: 'Refunds start.', publishedAt: now, titleKey: 'account m-pesa refunds verify', duplicateOf: null }],
        now,
      );
      await t.store.feeds.setScores([{ itemId: item!.id, score: 0.9, reason: 'matches: M-Pesa', scoredBy: 'test' }]);
      const [result] = await t.publisher.publishDue();
      expect(result).toMatchObject({ outcome: 'proposed', mode: 'auto' });
      const draft = (await t.store.drafts.get(result!.draftId!))!;
      expect(draft).toMatchObject({ status: 'pending', flags: ['unknown_link: https://mpesa-verify.example.com is not in the sources'] });
      const { rows } = await t.db.sql.executeSql(`select kind from outbox where draft_id = $1`, [draft.id]);
      expect(rows).toEqual([{ kind: 'card' }]);
    } finally {
      await t.close();
    }
  });
});

describe.each(DATABASES)('news publishing to a chat that is not the community\'s on %s', (kind) => {
  it('refuses to post in a desk or in another community\'s chat, and makes no chat row for either', async () => {
    const beta = { id: 'beta', name: 'Beta', language: 'en', isDefault: false, chats: { sandbox: ['beta-general'] }, desk: { sandbox: 'beta-desk' } };
    const t = await startNewsSetup(
      kind,
      { topics: { keywords: ['M-Pesa'], description: '' }, feeds: [], chats: ['desk', 'beta-desk', 'beta-general'].map((id) => chat(id, { mode: 'auto', timeZone: 'UTC', quietHours: null, minScore: 0 })) },
      '2026-11-27T09:00:00Z',
      { otherCommunities: [beta] },
    );
    try {
      const now = t.clock.now();
      const feed = await t.store.feeds.add({ communityId: 'acme', url: 'https://wire.example/rss', name: 'Wire', title: null, source: 'command', nextPollAt: now });
      const [item] = await t.store.feeds.insertItems(feed!, [{ guid: 'g1', link: 'https://wire.example/a', title: 'M-Pesa news', summary: 's', publishedAt: now, titleKey: 'm-pesa news', duplicateOf: null }], now);
      await t.store.feeds.setScores([{ itemId: item!.id, score: 0.9, reason: 'r', scoredBy: 'test' }]);
      const results = await t.publisher.publishNow('acme', 'Amina');
      expect(results.map((r) => [r.chat, r.outcome])).toEqual([
        ['sandbox:desk', 'refused'],
        ['sandbox:beta-desk', 'refused'],
        ['sandbox:beta-general', 'refused'],
      ]);
      const { rows } = await t.db.sql.executeSql(`select (select count(*)::int from chats) as chats, (select count(*)::int from drafts) as drafts, (select count(*)::int from outbox) as outbox`, []);
      expect(rows).toEqual([{ chats: 0, drafts: 0, outbox: 0 }]);
    } finally {
      await t.close();
    }
  });
});
