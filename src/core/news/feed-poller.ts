/**
 * Polls feeds: each due feed once (leased, so two processes never poll it together), with its
 * conditional-request validators; new items are stored once, matched against the community's
 * recent stories, then scored. A feed fails alone (not fetched, not parsed, or its items refused
 * by the store) and the round goes on; a failing feed backs off exponentially; after
 * {@link FEED_BROKEN_AFTER_FAILURES} failures in a row its community's desks get one "feed broken"
 * notice, and one "recovered" notice when it works again. Scoring fails per community too: its
 * items wait unscored (its slots wait with them), its desks are told once a day, and every round
 * scores what is still waiting.
 */
import type { CommunityDirectory } from '../communities.js';
import type { Clock, CoreMetrics, Logger, Repositories, Store } from '../ports.js';
import { DAY_MS, HOUR_MS } from '../time.js';
import type { Platform } from '../types.js';
import { FeedError, type CommunityNewsSettings, type FeedFetcher, type FeedRecord, type FetchOutcome, type NewsWriter, type NewItem } from './news-types.js';
import { canonicalUrl, sameStory, titleKey } from './news-text.js';
import { queueDeskNotices } from '../desk-notices.js';
import { reportNewsFailure } from './news-failures.js';
import { plural } from '../plural.js';

export const FEED_BROKEN_AFTER_FAILURES = 3;
/** The longest a failing feed waits between attempts. */
export const FEED_BACKOFF_MAX_MS = 12 * HOUR_MS;
/** How long a claimed feed is left to its poller before another process may take it. */
export const FEED_POLL_LEASE_MS = 5 * 60_000;
/** Feeds one poll round takes. */
export const FEED_POLL_BATCH = 50;
/** Feeds fetched at once within a round. */
export const FEED_POLL_CONCURRENCY = 4;
/** How far back new items are matched against stories already stored. */
export const STORY_WINDOW_MS = 7 * DAY_MS;
/** Items scored per writer call. */
export const SCORE_BATCH = 20;
const ERROR_MAX_CHARS = 300;

export interface FeedPollResult {
  feedId: number;
  url: string;
  outcome: 'new' | 'not_modified' | 'failed';
  newItems: number;
  error: string | null;
}

export interface FeedPoller {
  /** Makes each community's configured feeds exist (start-up). */
  syncConfigured(): Promise<void>;
  /**
   * Polls the feeds that are due (of these communities, or all); `force` polls every active feed
   * of them now, due or not (/news). Then scores what is new.
   */
  pollDue(options?: { communityIds?: string[] | undefined; force?: boolean | undefined }): Promise<FeedPollResult[]>;
}

export interface FeedPollerDeps {
  store: Store;
  fetcher: FeedFetcher;
  writer: NewsWriter;
  communities: CommunityDirectory;
  newsOf(communityId: string): CommunityNewsSettings | null;
  deskPlatforms: () => Iterable<Platform>;
  /** Between polls of a healthy feed. */
  pollIntervalMs: number;
  clock: Clock;
  metrics: Pick<CoreMetrics, 'newsFailure'>;
  log: Logger;
}

/** The wait before the next attempt after `failures` failures in a row. */
export function backoffMs(pollIntervalMs: number, failures: number): number {
  if (failures <= 0) return pollIntervalMs;
  return Math.min(pollIntervalMs * 2 ** (failures - 1), FEED_BACKOFF_MAX_MS);
}

export function feedLabel(feed: Pick<FeedRecord, 'name' | 'title' | 'url'>): string {
  return feed.name ?? feed.title ?? feed.url;
}

function errorText(error: unknown): string {
  const text = error instanceof FeedError ? error.message : 'unexpected error while reading the feed';
  return text.slice(0, ERROR_MAX_CHARS);
}

export function createFeedPoller(deps: FeedPollerDeps): FeedPoller {
  const { store, fetcher, communities, clock, log } = deps;

  /** One notice to every desk of the community, once per key (the outbox dedupes). */
  async function noticeDesks(tx: Repositories, communityId: string, key: string, text: string): Promise<void> {
    await queueDeskNotices(tx, communities.desksOf(communityId, deps.deskPlatforms()), text, key);
  }

  async function failed(feed: FeedRecord, error: unknown, now: Date): Promise<FeedPollResult> {
    const message = errorText(error);
    const failures = feed.consecutiveFailures + 1;
    const nextPollAt = new Date(now.getTime() + backoffMs(deps.pollIntervalMs, failures));
    const notified = await store.transaction(async (tx) => {
      const updated = await tx.feeds.recordFailure(feed.id, { error: message, at: now, nextPollAt });
      if (!updated || updated.consecutiveFailures < FEED_BROKEN_AFTER_FAILURES || updated.brokenNotified) return false;
      if (!(await tx.feeds.markBrokenNotified(feed.id))) return false;
      const text = `⚠️ Feed broken: ${feedLabel(feed)} (${feed.url}) failed ${plural(updated.consecutiveFailures, 'time')} in a row: ${message}. Jamii keeps retrying with back-off; /feeds list shows its state, /feeds remove ${feed.id} drops it.`;
      await noticeDesks(tx, feed.communityId, `feed:${feed.id}:broken:${now.getTime()}`, text);
      await tx.audit.write({ communityId: feed.communityId, actor: 'jamii', action: 'feed.broken', subject: `feed:${feed.id}`, details: { url: feed.url, error: message } });
      return true;
    });
    log[error instanceof FeedError ? 'warn' : 'error']({ err: error instanceof FeedError ? undefined : error, feedId: feed.id, code: error instanceof FeedError ? error.code : 'internal', failures, notified }, 'feed.poll_failed');
    return { feedId: feed.id, url: feed.url, outcome: 'failed', newItems: 0, error: message };
  }

  type Fetched = { ok: true; outcome: FetchOutcome } | { ok: false; error: unknown };

  const fetchOne = (feed: FeedRecord): Promise<Fetched> =>
    fetcher.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified }).then(
      (outcome) => ({ ok: true as const, outcome }),
      (error: unknown) => ({ ok: false as const, error }),
    );

  async function storeOne(feed: FeedRecord, fetched: Fetched, now: Date): Promise<FeedPollResult> {
    if (!fetched.ok) return failed(feed, fetched.error, now);
    const { outcome } = fetched;
    const nextPollAt = new Date(now.getTime() + deps.pollIntervalMs);
    const inserted = await store.transaction(async (tx) => {
      let items: NewItem[] = [];
      if (outcome.kind === 'ok') {
        await tx.feeds.lockStories(feed.communityId);
        const stories = await tx.feeds.recentStories(feed.communityId, new Date(now.getTime() - STORY_WINDOW_MS));
        for (const parsed of outcome.feed.items) {
          const link = canonicalUrl(parsed.link);
          if (!link) continue;
          const key = titleKey(parsed.title);
          // Earlier items of this same poll count as stories too (two copies in one feed).
          const earlier = items.find((i) => i.link === link);
          if (earlier) continue;
          items.push({ ...parsed, link, titleKey: key, duplicateOf: sameStory({ link, titleKey: key }, stories) });
        }
      }
      const stored = items.length > 0 ? await tx.feeds.insertItems(feed, items, now) : [];
      const validators = outcome.kind === 'ok' ? { etag: outcome.etag, lastModified: outcome.lastModified } : null;
      const wasBroken = await tx.feeds.recordSuccess(feed.id, { title: outcome.kind === 'ok' ? outcome.feed.title : null, validators, at: now, nextPollAt });
      if (wasBroken) {
        await noticeDesks(tx, feed.communityId, `feed:${feed.id}:recovered:${now.getTime()}`, `✅ Feed recovered: ${feedLabel(feed)} (${feed.url}) works again.`);
        await tx.audit.write({ communityId: feed.communityId, actor: 'jamii', action: 'feed.recovered', subject: `feed:${feed.id}`, details: { url: feed.url } });
      }
      return stored.length;
    });
    log.info({ feedId: feed.id, outcome: outcome.kind, newItems: inserted }, 'feed.polled');
    return { feedId: feed.id, url: feed.url, outcome: outcome.kind === 'ok' ? 'new' : 'not_modified', newItems: inserted, error: null };
  }

  /** One feed's storage; a store error (its items refused, say) is that feed's failure, and the round goes on. */
  async function settleOne(feed: FeedRecord, fetched: Fetched, now: Date): Promise<FeedPollResult> {
    try {
      return await storeOne(feed, fetched, now);
    } catch (error) {
      return failed(feed, error, now);
    }
  }

  async function scoreNew(communityId: string): Promise<void> {
    const settings = deps.newsOf(communityId);
    if (!settings) return;
    const community = communities.get(communityId);
    for (;;) {
      const items = await store.feeds.unscored(communityId, SCORE_BATCH);
      if (items.length === 0) return;
      const scores = await deps.writer.score({ id: community.id, name: community.name, language: community.language, topics: settings.topics }, items);
      // An item the writer skipped gets a zero score, so the loop always ends.
      const byId = new Map(scores.map((s) => [s.itemId, s]));
      await store.feeds.setScores(items.map((i) => byId.get(i.id) ?? { itemId: i.id, score: 0, reason: 'not scored', scoredBy: deps.writer.name }));
    }
  }

  /**
   * A community's scoring fails alone: logged, counted, its desks told once a (UTC) day, and its
   * items left unscored for the next round, while the other communities are scored.
   */
  async function scoreSafely(communityId: string, now: Date): Promise<void> {
    try {
      await scoreNew(communityId);
    } catch (error) {
      const name = communities.get(communityId).name;
      await reportNewsFailure(deps, {
        stage: 'score',
        communityId,
        error,
        context: {},
        noticeKey: `news:score-failed:${communityId}:${now.toISOString().slice(0, 10)}`,
        notice: (reason) =>
          `⚠️ News: Jamii could not score the new feed items of ${name}: ${reason} No news goes out from them until they are scored; Jamii tries again every few minutes.`,
      });
    }
  }

  return {
    async syncConfigured() {
      for (const community of communities.list()) {
        await store.feeds.syncConfigured(community.id, deps.newsOf(community.id)?.feeds ?? [], clock.now());
      }
    },

    async pollDue(options = {}) {
      const now = clock.now();
      const scope = options.communityIds ?? null;
      // Forced: every active feed counts as due (a lease still keeps two pollers apart).
      const dueAt = options.force ? new Date(now.getTime() + 100 * 365 * DAY_MS) : now;
      const feeds = await store.feeds.claimDue(dueAt, new Date(now.getTime() + FEED_POLL_LEASE_MS), scope, FEED_POLL_BATCH);
      const results: FeedPollResult[] = [];
      // Fetched a few at a time (one slow feed does not hold up the round), stored in claim order
      // (the first feed to carry a story keeps it; the others' copies are its duplicates).
      for (let i = 0; i < feeds.length; i += FEED_POLL_CONCURRENCY) {
        const chunk = feeds.slice(i, i + FEED_POLL_CONCURRENCY);
        const fetched = await Promise.all(chunk.map(fetchOne));
        for (const [j, feed] of chunk.entries()) results.push(await settleOne(feed, fetched[j]!, now));
      }
      // Every community in scope, polled this round or not: items a failed round left unscored are scored now.
      for (const id of scope ?? communities.list().map((c) => c.id)) await scoreSafely(id, now);
      return results;
    },
  };
}
