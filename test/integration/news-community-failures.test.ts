/**
 * One community's news failure stays that community's: when scoring its items or writing a take
 * for one of its chats throws, the other communities' due slots are still served in that round,
 * its desk (only its) is told once, the failure is counted, and the next round tries again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommunityNewsSettings, NewsChatSettings, NewsWriter } from '../../src/core/news/news-types.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startNewsSetup, type NewsSetup } from '../support/news-setup.js';

const BETA = { id: 'beta', name: 'Beta Riders', language: 'en', isDefault: false, chats: { sandbox: ['beta-general'] }, desk: { sandbox: 'beta-desk' } };

const jsonFeed = (title: string, id: string, headline: string) =>
  JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title, items: [{ id, url: `https://${id}.example/story`, title: headline, content_text: `${headline}.`, date_published: '2026-11-27T08:00:00Z' }] });

const chat = (chatId: string, extra: Partial<NewsChatSettings> = {}): NewsChatSettings => ({
  chat: { platform: 'sandbox', chatId },
  schedule: '0 9 * * *',
  timeZone: 'UTC',
  maxPostsPerDay: 3,
  quietHours: null,
  mode: 'approve',
  digestSize: 1,
  minScore: 0.2,
  ...extra,
});

/** A writer that throws for the communities in `scoreFails` / `takeFails`, like a bad item or a broken prompt would. */
function failingFor(scoreFails: Set<string>, takeFails: Set<string>) {
  return (writer: NewsWriter): NewsWriter => ({
    name: writer.name,
    async score(community, items) {
      if (scoreFails.has(community.id)) throw new Error(`scoring exploded for ${community.id}`);
      return writer.score(community, items);
    },
    async writeTake(request) {
      if (takeFails.has(request.community.id)) throw new Error(`take exploded for ${request.community.id}`);
      return writer.writeTake(request);
    },
  });
}

async function failureCount(t: NewsSetup, stage: string): Promise<number> {
  const metric = await t.metrics.registry.getSingleMetric('jamii_news_failures_total')?.get();
  return metric?.values.find((v) => v.labels.stage === stage)?.value ?? 0;
}

describe.each(DATABASES)('news failures of one community on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;
  const scoreFails = new Set<string>();
  const takeFails = new Set<string>();

  async function start(): Promise<void> {
    server = await startFakeFeedServer();
    server.route('/acme', { kind: 'body', body: jsonFeed('Acme wire', 'acme-1', 'M-Pesa delivery fees drop'), contentType: CONTENT_TYPES.json });
    server.route('/beta', { kind: 'body', body: jsonFeed('Beta wire', 'beta-1', 'Boda riders get new delivery routes'), contentType: CONTENT_TYPES.json });
    const settings: Record<string, CommunityNewsSettings> = {
      acme: { topics: { keywords: ['M-Pesa', 'delivery'], description: '' }, feeds: [{ url: server.url('/acme'), name: 'Acme wire' }], chats: [chat('general')] },
      beta: { topics: { keywords: ['riders', 'delivery'], description: '' }, feeds: [{ url: server.url('/beta'), name: 'Beta wire' }], chats: [chat('beta-general')] },
    };
    t = await startNewsSetup(kind, settings.acme!, '2026-11-27T09:02:00Z', {
      otherCommunities: [BETA],
      newsOf: (id) => settings[id] ?? null,
      wrapWriter: failingFor(scoreFails, takeFails),
    });
  }

  /** What the maintenance job does every five minutes. */
  async function round() {
    const polled = await t.poller.pollDue();
    return { polled, published: await t.publisher.publishDue() };
  }
  const outcomes = (published: Awaited<ReturnType<typeof round>>['published']) => Object.fromEntries(published.map((r) => [r.chat, r.outcome]));

  afterEach(async () => {
    scoreFails.clear();
    takeFails.clear();
    await t?.close();
    await server?.close();
  });

  it("serves the other community's due slot when scoring one community's items throws, and scores and serves it on the next round", async () => {
    await start();
    scoreFails.add('acme');
    const first = await round();
    expect(first.polled.map((p) => p.outcome)).toEqual(['new', 'new']);
    // acme's slot waits for its items' scores rather than passing as empty.
    expect(outcomes(first.published)).toEqual({ 'sandbox:general': 'waiting', 'sandbox:beta-general': 'proposed' });
    expect(await failureCount(t, 'score')).toBe(1);

    const notices = await t.notices();
    expect(notices.map((n) => n.platform_chat_id)).toEqual(['desk']);
    expect(notices[0]!.text).toContain('could not score');
    expect(notices[0]!.text).not.toContain('exploded');

    // Still failing five minutes later: no second notice the same day.
    t.clock.advance(5 * 60_000);
    expect(outcomes((await round()).published)).toEqual({ 'sandbox:general': 'waiting', 'sandbox:beta-general': 'handled' });
    expect(await failureCount(t, 'score')).toBe(2);
    expect(await t.notices()).toHaveLength(1);

    // Scoring works again: the next round scores acme's waiting items and serves its slot, though no feed was due.
    scoreFails.clear();
    t.clock.advance(5 * 60_000);
    const third = await round();
    expect(third.polled).toEqual([]);
    expect(outcomes(third.published)).toEqual({ 'sandbox:general': 'proposed', 'sandbox:beta-general': 'handled' });
  });

  it("serves the other community's due slot when writing one community's take throws, tells that desk once, and retries the slot", async () => {
    await start();
    takeFails.add('acme');
    const first = await round();
    expect(outcomes(first.published)).toEqual({ 'sandbox:general': 'failed', 'sandbox:beta-general': 'proposed' });
    expect(await failureCount(t, 'publish')).toBe(1);

    t.clock.advance(5 * 60_000);
    expect(outcomes((await round()).published)).toEqual({ 'sandbox:general': 'failed', 'sandbox:beta-general': 'handled' });
    expect(await failureCount(t, 'publish')).toBe(2);
    const notices = await t.notices();
    expect(notices.map((n) => n.platform_chat_id)).toEqual(['desk']);
    expect(notices[0]!.text).toContain('sandbox:general');
    expect(notices[0]!.text).not.toContain('exploded');

    takeFails.clear();
    t.clock.advance(5 * 60_000);
    expect(outcomes((await round()).published)).toEqual({ 'sandbox:general': 'proposed', 'sandbox:beta-general': 'handled' });
  });
});
