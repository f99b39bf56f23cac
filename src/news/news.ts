/**
 * Curated news, assembled for the composition root: the feed fetcher, the writer the language
 * configuration asks for, the poller and the publisher, and what /feeds and /news use.
 */
import type { Config } from '../config.js';
import type { CommunityDirectory } from '../core/communities.js';
import type { NewsCommandServices } from '../core/commands/news-commands.js';
import { createFeedPoller, type FeedPoller } from '../core/news/feed-poller.js';
import { createNewsPublisher, type NewsPublisher } from '../core/news/news-publisher.js';
import type { CommunityNewsSettings } from '../core/news/news-types.js';
import type { PostService } from '../core/post-service.js';
import type { Clock, CoreMetrics, Logger, Store } from '../core/ports.js';
import type { Platform } from '../core/types.js';
import { createFeedFetcher } from '../feeds/feed-fetcher.js';
import type { PromptSource } from '../llm/prompt-registry.js';
import { createNewsWriter } from '../llm/news-writer-factory.js';
import { cronSchedule } from './cron-schedule.js';

export interface News {
  poller: FeedPoller;
  publisher: NewsPublisher;
  commandServices: NewsCommandServices;
}

export function createNews(
  config: Pick<Config, 'llm' | 'feeds' | 'communities'>,
  deps: { prompts: PromptSource; store: Store; posts: PostService; communities: CommunityDirectory; deskPlatforms: () => Iterable<Platform>; clock: Clock; metrics: Pick<CoreMetrics, 'newsFailure'>; log: Logger },
): News {
  const { store, communities, deskPlatforms, clock, metrics, log } = deps;
  const newsOf = (id: string): CommunityNewsSettings | null => config.communities.find((c) => c.id === id)?.news ?? null;
  const fetcher = createFeedFetcher(config.feeds, { log });
  const writer = createNewsWriter(config, { prompts: deps.prompts, log });
  const poller = createFeedPoller({ store, fetcher, writer, communities, newsOf, deskPlatforms, pollIntervalMs: config.feeds.pollIntervalMinutes * 60_000, clock, metrics, log });
  const publisher = createNewsPublisher({ store, posts: deps.posts, writer, schedule: cronSchedule, communities, newsOf, deskPlatforms, clock, metrics, log });
  return { poller, publisher, commandServices: { fetcher, poller, publisher, communities, clock } };
}
