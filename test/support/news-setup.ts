/** A real database, store and feed poller for the news tests, with a clock the test moves. */
import pino from 'pino';
import { createCommunityDirectory, type Community } from '../../src/core/communities.js';
import { createFeedPoller, type FeedPoller } from '../../src/core/news/feed-poller.js';
import { createNewsPublisher, type NewsPublisher } from '../../src/core/news/news-publisher.js';
import { createPostService } from '../../src/core/post-service.js';
import { cronSchedule } from '../../src/news/cron-schedule.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { CommunityNewsSettings, FeedFetcher, NewsWriter } from '../../src/core/news/news-types.js';
import type { Store } from '../../src/core/ports.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createStore } from '../../src/db/store.js';
import { createFeedFetcher } from '../../src/feeds/feed-fetcher.js';
import { loadPromptRegistry } from '../../src/llm/prompt-registry.js';
import { createOfflineNewsWriter } from '../../src/llm/offline/news-offline-writer.js';
import { dropPostgresDatabase, freshPostgresUrl, pgliteTemplate } from './harness.js';

export const NEWS_COMMUNITY = {
  id: 'acme',
  name: 'Acme Delivery',
  language: 'en',
  isDefault: true,
  chats: { sandbox: ['general'] },
  desk: { sandbox: 'desk' },
};
export const POLL_INTERVAL_MS = 30 * 60_000;

export interface NewsSetup {
  db: Database;
  store: Store;
  poller: FeedPoller;
  publisher: NewsPublisher;
  clock: { now(): Date; set(iso: string): void; advance(ms: number): void };
  settings: CommunityNewsSettings;
  metrics: Metrics;
  /** Outbox rows (notices) written so far, oldest first. */
  notices(): Promise<Array<{ text: string; platform_chat_id: string }>>;
  close(): Promise<void>;
}

export interface NewsSetupOptions {
  /** Runs before each take is written: a model call's wait, or what happens elsewhere meanwhile. */
  beforeTake?: () => Promise<void>;
  /** Communities next to {@link NEWS_COMMUNITY} (which publishes the news). */
  otherCommunities?: Community[];
  /** Wraps the real (loopback) feed fetcher, e.g. to hand the poller items a parser would never give. */
  wrapFetcher?: ((fetcher: FeedFetcher) => FeedFetcher) | undefined;
  /** Wraps the offline writer, e.g. to make scoring or a take throw for one community. */
  wrapWriter?: ((writer: NewsWriter) => NewsWriter) | undefined;
  /** Each community's news settings; by default every community has the `settings` given. */
  newsOf?: ((communityId: string) => CommunityNewsSettings | null) | undefined;
}

export async function startNewsSetup(kind: 'pglite' | 'postgres', settings: CommunityNewsSettings, start = '2026-11-27T06:00:00Z', options: NewsSetupOptions = {}): Promise<NewsSetup> {
  const url = kind === 'postgres' ? await freshPostgresUrl() : undefined;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', memory: true, log: pino({ level: 'silent' }), ...(kind === 'pglite' ? { pgliteLoadDataDir: await pgliteTemplate() } : {}) });
  const store = createStore({ db, communityOf: () => NEWS_COMMUNITY.id, enqueuerFor: () => ({ enqueue: async () => undefined }) });
  await store.communities.upsert([NEWS_COMMUNITY, ...(options.otherCommunities ?? [])].map((c) => ({ id: c.id, name: c.name, language: c.language })));
  let now = new Date(start);
  const clock = { now: () => now, set: (iso: string) => void (now = new Date(iso)), advance: (ms: number) => void (now = new Date(now.getTime() + ms)) };
  const log = pino({ level: 'silent' });
  const communities = createCommunityDirectory([NEWS_COMMUNITY, ...(options.otherCommunities ?? [])]);
  const offline = createOfflineNewsWriter(loadPromptRegistry());
  const { beforeTake } = options;
  const base: NewsWriter = beforeTake
    ? {
        name: offline.name,
        score: (community, items) => offline.score(community, items),
        writeTake: async (request) => {
          await beforeTake();
          return offline.writeTake(request);
        },
      }
    : offline;
  const writer = options.wrapWriter ? options.wrapWriter(base) : base;
  const newsOf = options.newsOf ?? (() => settings);
  const metrics = createMetrics({ defaultMetrics: false });
  const deskPlatforms = () => ['sandbox' as const];
  const wrap = options.wrapFetcher ?? ((fetcher: FeedFetcher) => fetcher);
  const poller = createFeedPoller({
    store,
    // Generous: on a loaded CI machine a loopback fetch and parse can take over a second, and a
    // feed that timed out would leave the publishing tests without its items.
    fetcher: wrap(createFeedFetcher({ timeoutMs: 15_000, maxBytes: 256 * 1024, allowPrivateAddresses: true }, { log })),
    writer,
    communities,
    newsOf,
    deskPlatforms,
    pollIntervalMs: POLL_INTERVAL_MS,
    clock,
    metrics,
    log,
  });
  const posts = createPostService({ store, communities, deskPlatforms, clock, metrics, log });
  const publisher = createNewsPublisher({ store, posts, writer, schedule: cronSchedule, communities, newsOf, deskPlatforms, clock, metrics, log });
  await poller.syncConfigured();
  return {
    db,
    store,
    poller,
    publisher,
    clock,
    settings,
    metrics,
    async notices() {
      const { rows } = await db.sql.executeSql(`select text, platform_chat_id from outbox where kind = 'notice' order by id`, []);
      return rows;
    },
    async close() {
      await db.close();
      if (url) await dropPostgresDatabase(url);
    },
  };
}
