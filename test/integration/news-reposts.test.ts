/** A story comes back under a new guid or link, days or weeks later: the chat that had it does not get it again. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewsChatSettings } from '../../src/core/news/news-types.js';
import { DAY_MS } from '../../src/core/time.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startNewsSetup, type NewsSetup } from '../support/news-setup.js';

interface FeedItemSpec {
  guid: string;
  link: string;
  title: string;
  published?: Date;
}

const rss = (items: FeedItemSpec[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Co-op notices</title>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>${i.link}</link><guid isPermaLink="false">${i.guid}</guid>${i.published ? `<pubDate>${i.published.toUTCString()}</pubDate>` : ''}<description>Members, read this: M-Pesa delivery matters.</description></item>`,
    )
    .join('')}</channel></rss>`;

const TOP_TITLES = ['M-Pesa delivery fees drop', 'M-Pesa delivery riders strike', 'Nairobi M-Pesa delivery app launches', 'Coast M-Pesa delivery routes open'];

const chat: NewsChatSettings = {
  chat: { platform: 'sandbox', chatId: 'general' },
  schedule: '0 6 * * *',
  timeZone: 'UTC',
  maxPostsPerDay: 1,
  quietHours: null,
  mode: 'auto',
  digestSize: 1,
  minScore: 0.2,
};

describe.each(DATABASES)('news reposts on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;
  beforeEach(async () => {
    server = await startFakeFeedServer();
    t = await startNewsSetup(kind, { topics: { keywords: ['M-Pesa', 'delivery'], description: '' }, feeds: [{ url: server.url('/rss'), name: 'Coop' }], chats: [chat] }, '2026-11-01T06:00:00Z');
  });
  afterEach(async () => {
    await t?.close();
    await server?.close();
  });

  /** Serves `itemsOn(day)` for `days` days, polling and publishing each morning; the links posted, by day. */
  async function runDays(days: number, itemsOn: (day: number) => FeedItemSpec[]): Promise<string[]> {
    const posted: string[] = [];
    for (let day = 0; day < days; day++) {
      server.route('/rss', { kind: 'body', body: rss(itemsOn(day)), contentType: CONTENT_TYPES.rss });
      await t.poller.pollDue();
      for (const r of await t.publisher.publishDue()) {
        if (r.outcome !== 'proposed') continue;
        const draft = await t.store.drafts.get(r.draftId!);
        posted.push(`day ${day}: ${/https:\/\/coop\.example\/\S+/.exec(draft!.text)?.[0]}`);
      }
      t.clock.advance(DAY_MS);
    }
    return posted;
  }

  it('posts an undated story once, though its guid changes with every request and it outlives the story window', async () => {
    const notice = (day: number): FeedItemSpec => ({ guid: `req-${day}`, link: 'https://coop.example/notices/fees', title: 'M-Pesa delivery fees change for all members' });
    const posted = await runDays(12, (day) => [
      notice(day),
      // An undated story seen for the first time is still news.
      ...(day >= 10 ? [{ guid: 'hours', link: 'https://coop.example/notices/hours', title: 'Delivery hours longer during the M-Pesa promotion' }] : []),
    ]);
    expect(posted).toEqual(['day 0: https://coop.example/notices/fees', 'day 10: https://coop.example/notices/hours']);
  });

  it('judges an undated story by its first fetch: one never posted while fresh is no news when a new copy comes after the story window', async () => {
    const posted = await runDays(10, (day) => [
      // The better story of each of the first days takes the chat's one post of the day.
      ...(day < TOP_TITLES.length ? [{ guid: `top-${day}`, link: `https://coop.example/top/${day}`, title: TOP_TITLES[day]! }] : []),
      { guid: `req-${day}`, link: 'https://coop.example/van', title: 'Delivery van timetable for the estate' },
    ]);
    expect(posted).toEqual([0, 1, 2, 3].map((day) => `day ${day}: https://coop.example/top/${day}`));
  });

  it('does not post a story again whose headline the chat had, under a new link and a fresh date weeks later', async () => {
    const start = t.clock.now().getTime();
    const posted = await runDays(20, (day) => [
      { guid: 'fees-1', link: 'https://coop.example/notices/fees', title: 'M-Pesa delivery fees change for all members', published: new Date(start) },
      ...(day >= 18 ? [{ guid: 'fees-2', link: 'https://coop.example/2026/fees-again', title: 'M-Pesa delivery fees change for all members', published: new Date(start + day * DAY_MS) }] : []),
    ]);
    expect(posted).toEqual(['day 0: https://coop.example/notices/fees']);
  });
});
