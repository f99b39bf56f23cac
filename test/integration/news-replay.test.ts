/**
 * /prompt replay of the news prompts on each real database: a news-offline candidate rewrites
 * the community's recent news posts from their stored feed items, and a news-score candidate
 * rescored the recent items; the report goes to the desk and nothing is stored or posted.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommunityDirectory } from '../../src/core/communities.js';
import type { NewsChatSettings, NewsScore, NewsWriter } from '../../src/core/news/news-types.js';
import type { DryRunDeps } from '../../src/core/prompts/prompt-dry-run.js';
import type { DryRunProviders, ReplayJob } from '../../src/core/prompts/prompt-ports.js';
import { createPromptReplayService } from '../../src/core/prompts/prompt-replay.js';
import { createOfflineNewsWriter } from '../../src/llm/offline/news-offline-writer.js';
import { createOfflineProvider } from '../../src/llm/offline/offline-provider.js';
import { createPromptLibrary, type PromptLibrary } from '../../src/llm/prompt-library.js';
import { loadPromptRegistry } from '../../src/llm/prompt-registry.js';
import { DATABASES } from '../support/databases.js';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { NEWS_COMMUNITY, startNewsSetup, type NewsSetup } from '../support/news-setup.js';

const chat = (chatId: string, extra: Partial<NewsChatSettings> = {}): NewsChatSettings => ({
  chat: { platform: 'sandbox', chatId },
  schedule: '0 9 * * *',
  timeZone: 'Africa/Nairobi',
  maxPostsPerDay: 5,
  quietHours: null,
  mode: 'approve',
  digestSize: 1,
  minScore: 0.2,
  ...extra,
});

const BRIEF = '## en\n🗞 {{headline}} ({{source}}) {{link}}';

describe.each(DATABASES)('replaying the news prompts on %s', (kind) => {
  let server: FakeFeedServer;
  let t: NewsSetup;
  let library: PromptLibrary;
  let deps: DryRunDeps & { newsOf: () => NewsSetup['settings'] };
  /** Scores the fake "model" gives a candidate news-score: the offline score, or 0.9 for M-Pesa. */
  let scoreCandidate: ((community: unknown, scores: NewsScore[]) => NewsScore[]) | null = null;
  let seq = 0;

  const providers = (): DryRunProviders => ({
    kind: 'offline',
    providerWith: (choice) => createOfflineProvider({ prompts: library.withChoice(choice) }),
    newsWriterWith: (choice) => {
      const offline = createOfflineNewsWriter(library.withChoice(choice));
      if (choice.name !== 'news-score' || choice.body === null || !scoreCandidate) return offline;
      const rescore = scoreCandidate;
      const writer: NewsWriter = { name: 'candidate', score: async (c, items) => rescore(c, await offline.score(c, items)), writeTake: (r) => offline.writeTake(r) };
      return writer;
    },
    sparkWriterWith: () => null,
    narratorWith: () => null,
  });

  const replay = async (name: string, candidate: number | null, baseline: number | null) => {
    const replays = createPromptReplayService({ ...deps, catalog: library, deskPlatforms: () => ['sandbox'] });
    const job: ReplayJob = { replayId: `r${++seq}`, communityId: NEWS_COMMUNITY.id, name, candidate, baseline, days: 7, origin: { platform: 'sandbox', chatId: 'desk' }, requestedBy: 'sandbox:ada' };
    const before = (await t.notices()).length;
    await replays.run(job);
    const posted = (await t.notices()).slice(before);
    return posted.map((n) => n.text);
  };

  const setPrompt = async (name: string, body: string) => {
    const record = await t.store.promptVersions.add({ communityId: NEWS_COMMUNITY.id, name, body, comment: null, createdBy: 'sandbox:ada', createdByName: 'Ada', rollbackOf: null });
    await library.refresh();
    return record.version;
  };

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss });
    server.route('/atom', { kind: 'body', body: fixture('atom.xml'), contentType: CONTENT_TYPES.atom });
    t = await startNewsSetup(
      kind,
      {
        topics: { keywords: ['M-Pesa', 'delivery'], description: 'Coffee shop with delivery across Kenya' },
        feeds: ['/rss', '/atom'].map((p) => ({ url: server.url(p), name: null })),
        chats: [chat('general'), chat('digest', { digestSize: 2, minScore: 0.3 })],
      },
      '2026-11-27T05:30:00Z',
    );
    await t.poller.pollDue();
    t.clock.set('2026-11-27T06:02:00Z');
    await t.publisher.publishDue();
    library = createPromptLibrary({ files: loadPromptRegistry(), versions: t.store.promptVersions, log: pino({ level: 'silent' }) });
    deps = { store: t.store, communities: createCommunityDirectory([NEWS_COMMUNITY]), providers: providers(), clock: t.clock, log: pino({ level: 'silent' }), newsOf: () => t.settings };
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('rewrites each recent news post from its own items with the candidate, and measures it against what a manager posted', async () => {
    const { rows: news } = await t.db.sql.executeSql(
      `select d.id, c.platform_chat_id as chat from drafts d join chats c on c.id = d.target_chat_id where d.kind = 'news' order by d.id`,
      [],
    );
    expect((news as Array<{ chat: string }>).map((n) => n.chat).sort()).toEqual(['digest', 'general']);
    // A manager cut the general chat's post down to the headline, the source and the link: what the candidate writes.
    const general = (news as Array<{ id: number; chat: string }>).find((n) => n.chat === 'general')!;
    const edited = '🗞 M-Pesa cuts fees for small merchants (Nairobi Tech Wire) https://wire.example/mpesa-fees';
    await t.db.sql.executeSql(`update drafts set status = 'edited', text = $2 where id = $1`, [general.id, edited]);
    const draftsBefore = await t.db.sql.executeSql('select id, status, text from drafts order by id', []);
    const outboxBefore = await t.db.sql.executeSql(`select count(*)::int as n from outbox where kind <> 'notice'`, []);

    const version = await setPrompt('news-offline', BRIEF);
    const [report, ...rest] = await replay('news-offline', version, null);
    expect(rest).toEqual([]);
    expect(report).toMatch(/^🔁 Replay of news-offline over the last 7 days \(2 news posts\): candidate c1\+[0-9a-f]{7} vs baseline 1\+[0-9a-f]{7}\./);
    expect(report).toContain('Posts that would differ: 2 of 2.');
    expect(report).toMatch(/Closeness to what managers sent \(1 decided; .*\): candidate 0\.00, baseline 0\.\d\d; candidate closer on 1, farther on 0\./);
    expect(report).toContain('• "M-Pesa cuts fees for small merchants" (digest of 2 items)');
    expect(report).toContain(`candidate: ${edited}`);
    expect(report).toContain('baseline: 📰 M-Pesa cuts fees for small merchants Safaricom announced lower M-Pesa fees for merchants. Read more (Nairobi Tech Wire)');
    expect(report).toContain('Nothing was posted to members and nothing was stored.');
    expect(report).not.toContain('Note: Jamii runs the offline provider');

    // Nothing changed: no draft, no post.
    expect(await t.db.sql.executeSql('select id, status, text from drafts order by id', [])).toEqual(draftsBefore);
    expect(await t.db.sql.executeSql(`select count(*)::int as n from outbox where kind <> 'notice'`, [])).toEqual(outboxBefore);
  });

  it('scores the recent items with both versions and says what would pass the news chats\' minimum', async () => {
    scoreCandidate = (_c, scores) => scores.map((s) => ({ ...s, score: s.score >= 0.2 ? 0.1 : 0.9, reason: `candidate view: ${s.reason}` }));
    const version = await setPrompt('news-score', `${loadPromptRegistry().get('news-score')!.body}\nBe contrary.`);
    const { rows } = await t.db.sql.executeSql(`select count(*)::int as n, count(*) filter (where score >= 0.2)::int as passing from feed_items where duplicate_of is null`, []);
    const { n, passing } = rows[0] as { n: number; passing: number };
    const [report] = await replay('news-score', version, null);
    expect(report).toMatch(new RegExp(`^🔁 Replay of news-score over the last 7 days \\(${n} feed items\\): candidate c1\\+[0-9a-f]{7} vs baseline`));
    // The lowest minimum of the two news chats (0.2 and 0.3).
    expect(report).toContain(`At or above the news chats' minimum score (0.20): candidate ${n - passing}, baseline ${passing} (${n - passing} newly in, ${passing} newly out).`);
    // The candidate scores every item the baseline passed below the minimum: all items offered so far.
    const { rows: offered } = await t.db.sql.executeSql('select count(distinct item_id)::int as n from news_posted_items', []);
    const o = (offered[0] as { n: number }).n;
    expect(o).toBe(2);
    expect(report).toContain(`Of the ${o} items already offered as news, the candidate would score ${o} below the minimum.`);
    expect(report).toContain('Scores that would move most:');
    expect(report).toContain('candidate: candidate view:');
    expect(report).toContain('Note: Jamii runs the offline provider');
    // Scores stored by the poller are untouched.
    const { rows: after } = await t.db.sql.executeSql(`select count(*) filter (where score >= 0.2)::int as passing from feed_items where duplicate_of is null`, []);
    expect((after[0] as { passing: number }).passing).toBe(passing);
  });

  it('says which posts it could not rewrite because their feed items are no longer stored', async () => {
    const version = (await t.store.promptVersions.history(NEWS_COMMUNITY.id, 'news-offline')).at(-1)!.version;
    // An operator pruned the M-Pesa item: the general post has nothing left; the digest keeps its other item.
    await t.db.sql.executeSql(`delete from feed_items where title like 'M-Pesa%'`, []);
    const [report] = await replay('news-offline', version, null);
    expect(report).toContain('(2 news posts)');
    expect(report).toContain('Posts that would differ: 1 of 1.');
    expect(report).toContain('1 post could not be rewritten: the feed items it was written from are no longer stored.');
  });

  it('posts its progress while it scores many items, once per 25', async () => {
    const { rows } = await t.db.sql.executeSql(`select id from feeds where url like '%/rss'`, []);
    const feed = { id: Number((rows[0] as { id: number }).id), communityId: NEWS_COMMUNITY.id };
    await t.store.feeds.insertItems(
      feed,
      Array.from({ length: 55 }, (_, i) => ({ guid: `bulk-${i}`, link: `https://wire.example/bulk-${i}`, title: `Delivery update ${i}`, summary: '', publishedAt: null, titleKey: `delivery update ${i}`, duplicateOf: null })),
      t.clock.now(),
    );
    const version = (await t.store.promptVersions.history(NEWS_COMMUNITY.id, 'news-score')).at(-1)!.version;
    const { rows: counted } = await t.db.sql.executeSql('select count(*)::int as n from feed_items where duplicate_of is null', []);
    const n = (counted[0] as { n: number }).n;
    const posted = await replay('news-score', version, null);
    // Scored 20 at a time: past 25 at 40, past 50 at 60 (when there are more than 60).
    const progress = posted.filter((p) => p.startsWith('⏳'));
    expect(progress).toEqual([`⏳ Replay of news-score: 40 of ${n} feed items done…`, ...(n > 60 ? [`⏳ Replay of news-score: 60 of ${n} feed items done…`] : [])]);
    expect(posted.at(-1)).toMatch(new RegExp(`^🔁 Replay of news-score over the last 7 days \\(${n} feed items\\)`));
  });
});
