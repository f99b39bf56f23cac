/**
 * Curated news: the vocabulary and ports. Feeds are polled (src/feeds does the HTTP and the
 * parsing), their items stored once and de-duplicated across feeds, scored against the
 * community's topics, and the best proposed to chats on each chat's schedule as posts
 * (through the desk, or at once in `auto` mode).
 */
import type { ChatRef } from '../types.js';

/** What a community is about: the relevance of an item is measured against it. */
export interface NewsTopics {
  keywords: string[];
  description: string;
}

export const NEWS_MODES = ['approve', 'auto'] as const;
/** approve: the post goes to the desk as a card; auto: it is posted at once. */
export type NewsMode = (typeof NEWS_MODES)[number];

/** Local `HH:MM` times; `start` after `end` wraps past midnight (22:00-07:00). */
export interface QuietHours {
  start: string;
  end: string;
}

/** Reads cron expressions (an adapter: src/news/cron-schedule.ts). */
export interface CronSchedule {
  /** The latest occurrence of `cron` at or before `now`, read in `timeZone`. */
  latest(cron: string, timeZone: string, now: Date): Date;
}

/** How one chat receives news. */
export interface NewsChatSettings {
  chat: ChatRef;
  /** Five-field cron, read in `timeZone`. */
  schedule: string;
  timeZone: string;
  maxPostsPerDay: number;
  quietHours: QuietHours | null;
  mode: NewsMode;
  /** Items per post: 1 is a single item with its take; more is a digest of the top N. */
  digestSize: number;
  /** Items scoring below this (0..1) are never proposed. */
  minScore: number;
}

/** A community's news configuration (`topics:`, `feeds:` and `news:` in the community file). */
export interface CommunityNewsSettings {
  topics: NewsTopics;
  feeds: Array<{ url: string; name: string | null }>;
  chats: NewsChatSettings[];
}

export const FEED_SOURCES = ['config', 'command'] as const;
export type FeedSource = (typeof FEED_SOURCES)[number];

/** A feed and its polling state. */
export interface FeedRecord {
  id: number;
  communityId: string;
  url: string;
  name: string | null;
  title: string | null;
  source: FeedSource;
  active: boolean;
  etag: string | null;
  lastModified: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  brokenNotified: boolean;
  nextPollAt: Date;
  lastPolledAt: Date | null;
  lastSuccessAt: Date | null;
}

/** One item as the parser reads it (text already plain, untrusted). */
export interface ParsedItem {
  guid: string;
  link: string;
  title: string;
  summary: string;
  publishedAt: Date | null;
}

export interface ParsedFeed {
  title: string | null;
  items: ParsedItem[];
}

/** The conditional-request validators of the last successful poll. */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchOutcome =
  | { kind: 'not_modified' }
  | { kind: 'ok'; feed: ParsedFeed; etag: string | null; lastModified: string | null };

/** Fetches and parses one feed; throws a {@link FeedError} when it cannot. */
export interface FeedFetcher {
  fetch(url: string, validators: FeedValidators): Promise<FetchOutcome>;
}

export const FEED_ERROR_CODES = ['feed_bad_url', 'feed_blocked_address', 'feed_timeout', 'feed_too_large', 'feed_http_status', 'feed_network', 'feed_unparsable'] as const;
export type FeedErrorCode = (typeof FEED_ERROR_CODES)[number];

/** Why a feed could not be read; `message` is shown to managers (no secrets, no stack). */
export class FeedError extends Error {
  constructor(
    readonly code: FeedErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FeedError';
  }
}

/** A stored item. */
export interface NewsItem {
  id: number;
  feedId: number;
  /** The feed's name, else its title, else its URL. */
  feedLabel: string;
  /** The feed's URL, as a manager configured it ('' for a `/prompt test` sample). */
  feedUrl: string;
  communityId: string;
  guid: string;
  link: string;
  title: string;
  summary: string;
  titleKey: string;
  publishedAt: Date | null;
  fetchedAt: Date;
  duplicateOf: number | null;
  score: number | null;
  scoreReason: string | null;
}

/** An item ready to store (its story already matched against the community's recent ones). */
export interface NewItem extends ParsedItem {
  titleKey: string;
  duplicateOf: number | null;
}

/** A recent item of a community, as de-duplication compares them. */
export interface StoryRef {
  id: number;
  link: string;
  titleKey: string;
}

export type NewsSlotOutcome = 'proposed' | 'quiet' | 'cap' | 'empty';

/** Feeds, items, and what was proposed where. */
export interface FeedsRepository {
  /** Makes the configured feeds of a community exist and be active; config feeds no longer listed go inactive. */
  syncConfigured(communityId: string, list: Array<{ url: string; name: string | null }>, now: Date): Promise<void>;
  /** Active feeds of these communities, by id. */
  list(communityIds: string[]): Promise<FeedRecord[]>;
  /** Adds (or re-activates) a feed, due at `nextPollAt`; null when an active one has that URL already. */
  add(feed: { communityId: string; url: string; name: string | null; title: string | null; source: FeedSource; nextPollAt: Date }): Promise<FeedRecord | null>;
  /** Deactivates a feed of one of these communities; the feed, or null when there is none. */
  remove(communityIds: string[], id: number): Promise<FeedRecord | null>;
  /**
   * Active feeds due at `now` (of these communities, or all when null), each leased until
   * `leaseUntil` so another process does not poll it at the same time.
   */
  claimDue(now: Date, leaseUntil: Date, communityIds: string[] | null, limit: number): Promise<FeedRecord[]>;
  /** A successful poll. Returns true when the feed had been reported broken (a "recovered" notice is due). */
  recordSuccess(id: number, update: { title: string | null; validators: FeedValidators | null; at: Date; nextPollAt: Date }): Promise<boolean>;
  /** A failed poll; returns the feed as it now stands. */
  recordFailure(id: number, update: { error: string; at: Date; nextPollAt: Date }): Promise<FeedRecord | null>;
  /** Sets the broken flag from false to true; false when another poll already did. */
  markBrokenNotified(id: number): Promise<boolean>;
  /**
   * Serializes storing items of this community until the surrounding transaction ends, so two
   * feeds carrying the same story never both store it as new.
   */
  lockStories(communityId: string): Promise<void>;
  /** The community's items fetched since `since`, to match new ones against. */
  recentStories(communityId: string, since: Date): Promise<StoryRef[]>;
  /** Stores items not yet stored for this feed (feed + guid); returns those inserted. */
  insertItems(feed: Pick<FeedRecord, 'id' | 'communityId'>, items: NewItem[], fetchedAt: Date): Promise<NewsItem[]>;
  /** Items without a score yet (not duplicates), newest first. */
  unscored(communityId: string, limit: number): Promise<NewsItem[]>;
  setScores(scores: Array<{ itemId: number; score: number; reason: string; scoredBy: string }>): Promise<void>;
  /** Items by id (any state), for a replay; missing ids are left out. */
  itemsById(ids: number[]): Promise<NewsItem[]>;
  /** Items fetched since `since` (not duplicates), newest first, each with whether a chat was offered it. */
  recentItems(communityId: string, since: Date, limit: number): Promise<Array<{ item: NewsItem; proposed: boolean }>>;
  /**
   * The best items for a chat: scored at least `minScore`, published since `since` (undated: its story first fetched
   * since then), not a duplicate, and neither the item nor another copy of its story (same canonical link or
   * headline key) already proposed in that chat. Best first.
   */
  candidates(chatId: number, communityId: string, options: { since: Date; minScore: number; limit: number }): Promise<NewsItem[]>;
  /**
   * Serializes proposing news to this chat until the surrounding transaction ends, so two slots
   * served at once never both propose the same story.
   */
  lockChat(chatId: number): Promise<void>;
  /** Those of `itemIds` whose story (the item, or a copy as {@link candidates} counts them) was proposed in the chat already. */
  storiesProposed(chatId: number, itemIds: number[]): Promise<number[]>;
  /** Records a slot as handled; false when it was handled already. */
  claimSlot(slot: { chatId: number; communityId: string; slotKey: string; outcome: NewsSlotOutcome; draftId: number | null; at: Date }): Promise<boolean>;
  /** Posts proposed in a chat since `since` (the daily cap). */
  countProposedSince(chatId: number, since: Date): Promise<number>;
  markPosted(chatId: number, itemIds: number[], draftId: number | null, at: Date): Promise<void>;
  /** Active feeds whose last poll failed. */
  countFailing(): Promise<number>;
}

// ---------------------------------------------------------------- scoring and takes

/** What scoring and writing know about the community. */
export interface NewsCommunity {
  id: string;
  name: string;
  language: string;
  topics: NewsTopics;
}

/** A relevance score 0..1, with the reason shown to managers. */
export interface NewsScore {
  itemId: number;
  score: number;
  reason: string;
  scoredBy: string;
}

/** A post's text about one item, or a digest of several. */
export interface NewsTake {
  text: string;
  promptName: string;
  promptVersion: string;
  provider: string;
  model: string | null;
  /** Why the writer fell back (shown on the card), when it did. */
  note: string | null;
  /** What the output checks found wrong (`code: detail`); a flagged take is never posted unseen. */
  flags: string[];
}

/**
 * Scores items and writes takes: a language model (with the offline writer behind it), or the
 * offline writer alone (lexical scores, a template take).
 */
export interface NewsWriter {
  readonly name: string;
  score(community: NewsCommunity, items: NewsItem[]): Promise<NewsScore[]>;
  /** One item: a take on it with its link; several: a digest, each with its link. */
  writeTake(request: { community: NewsCommunity; items: NewsItem[]; maxLength: number }): Promise<NewsTake>;
}
