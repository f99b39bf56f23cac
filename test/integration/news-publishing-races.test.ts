/** Publishing while another slot of the same chat is being served: a story is proposed to a chat once, and the cap holds. */
import { afterEach, describe, expect, it } from 'vitest';
import type { NewsChatSettings } from '../../src/core/news/news-types.js';
import { DATABASES } from '../support/databases.js';
import { startNewsSetup, type NewsSetup } from '../support/news-setup.js';

const chat = (extra: Partial<NewsChatSettings>): NewsChatSettings => ({
  chat: { platform: 'sandbox', chatId: 'general' },
  schedule: '0 9 * * *',
  timeZone: 'UTC',
  maxPostsPerDay: 5,
  quietHours: null,
  mode: 'auto',
  digestSize: 1,
  minScore: 0.2,
  ...extra,
});

/** Stores scored items (undated guids g-<n>), as a poll and its scoring would. */
async function seedItems(t: NewsSetup, items: Array<{ slug: string; title: string; score: number }>): Promise<number[]> {
  const now = t.clock.now();
  const feed = (await t.store.feeds.add({ communityId: 'acme', url: 'https://feed.example/rss', name: 'Wire', title: null, source: 'command', nextPollAt: now })) ?? (await t.store.feeds.list(['acme']))[0]!;
  const stored = await t.store.feeds.insertItems(
    feed,
    items.map((i) => ({ guid: `g-${i.slug}`, link: `https://feed.example/${i.slug}`, title: i.title, summary: 'Details inside.', publishedAt: now, titleKey: i.title.toLowerCase(), duplicateOf: null })),
    now,
  );
  await t.store.feeds.setScores(stored.map((s, n) => ({ itemId: s.id, score: items[n]!.score, reason: 'test', scoredBy: 'test' })));
  return stored.map((s) => s.id);
}

async function proposedItemIds(t: NewsSetup): Promise<number[]> {
  const { rows } = await t.db.sql.executeSql(`select details->'itemIds' as items from drafts where kind = 'news' order by id`, []);
  return (rows as Array<{ items: number[] }>).flatMap((r) => r.items);
}

describe.each(DATABASES)('news publishing races on %s', (kind) => {
  let t: NewsSetup | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('drops a take whose story another slot proposed while it was written, and serves the scheduled slot again with the next story', async () => {
    let interleave: (() => Promise<unknown>) | null = null;
    t = await startNewsSetup(kind, { topics: { keywords: ['delivery'], description: '' }, feeds: [], chats: [chat({})] }, '2026-11-27T09:00:00Z', {
      // While the scheduled slot writes its take, a manager's /news proposes the same best story.
      beforeTake: async () => {
        const other = interleave;
        interleave = null;
        await other?.();
      },
    });
    const setup = t;
    const [best, next] = await seedItems(t, [
      { slug: 'fees', title: 'Delivery fees drop in Nairobi', score: 0.9 },
      { slug: 'routes', title: 'New delivery routes for the coast', score: 0.5 },
    ]);
    interleave = () => setup.publisher.publishNow('acme', 'Amina');

    const scheduled = await t.publisher.publishDue();
    expect(scheduled).toEqual([expect.objectContaining({ chat: 'sandbox:general', outcome: 'handled', draftId: null })]);
    expect(await proposedItemIds(t)).toEqual([best]);
    const { rows: audit } = await t.db.sql.executeSql(`select details from audit_log where action = 'news.superseded'`, []);
    expect(audit).toEqual([{ details: expect.objectContaining({ chat: 'sandbox:general', slot: 'cron:2026-11-27T09:00:00.000Z', items: [best], proposedMeanwhile: [best] }) }]);

    // The next run serves the slot it gave up, with the story still unposted.
    t.clock.advance(5 * 60_000);
    const again = await t.publisher.publishDue();
    expect(again).toEqual([expect.objectContaining({ outcome: 'proposed', items: 1 })]);
    expect(await proposedItemIds(t)).toEqual([best, next]);
    const { rows: posts } = await t.db.sql.executeSql(`select text from outbox where kind = 'post' order by id`, []);
    expect(posts.map((p: { text: string }) => p.text)).toEqual([expect.stringContaining('https://feed.example/fees'), expect.stringContaining('https://feed.example/routes')]);
  });

  it('posts a story once when two managers run /news at the same time', async () => {
    t = await startNewsSetup(kind, { topics: { keywords: ['delivery'], description: '' }, feeds: [], chats: [chat({})] }, '2026-11-27T11:00:00Z', {
      beforeTake: () => new Promise((resolve) => setTimeout(resolve, 200)),
    });
    const [best] = await seedItems(t, [
      { slug: 'fees', title: 'Delivery fees drop in Nairobi', score: 0.9 },
      { slug: 'routes', title: 'New delivery routes for the coast', score: 0.5 },
    ]);
    const first = t.publisher.publishNow('acme', 'Amina');
    t.clock.advance(1_000);
    const second = t.publisher.publishNow('acme', 'Baraka');
    const results = (await Promise.all([first, second])).flat();
    expect(results.map((r) => r.outcome).sort()).toEqual(['handled', 'proposed']);
    expect(await proposedItemIds(t)).toEqual([best]);
    const { rows } = await t.db.sql.executeSql(`select count(*)::int as n from outbox where kind = 'post'`, []);
    expect(rows[0].n).toBe(1);
  });

  it('keeps to the daily cap when another slot proposed a different story while the take was written', async () => {
    let interleave: (() => Promise<unknown>) | null = null;
    t = await startNewsSetup(kind, { topics: { keywords: ['delivery'], description: '' }, feeds: [], chats: [chat({ maxPostsPerDay: 1 })] }, '2026-11-27T09:00:00Z', {
      beforeTake: async () => {
        const other = interleave;
        interleave = null;
        await other?.();
      },
    });
    const setup = t;
    await seedItems(t, [{ slug: 'fees', title: 'Delivery fees drop in Nairobi', score: 0.6 }]);
    // Meanwhile a better story arrives and a /news proposes it: the chat's one post of the day.
    interleave = async () => {
      await seedItems(setup, [{ slug: 'strike', title: 'Delivery riders strike in Mombasa', score: 0.95 }]);
      await setup.publisher.publishNow('acme', 'Amina');
    };
    const scheduled = await t.publisher.publishDue();
    expect(scheduled).toEqual([expect.objectContaining({ outcome: 'cap', draftId: null })]);
    const { rows } = await t.db.sql.executeSql(`select count(*)::int as n from drafts where kind = 'news'`, []);
    expect(rows[0].n).toBe(1);
  });
});
