import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats } from './chats.js';
import { communities } from './communities.js';

/**
 * A news source of a community (RSS, Atom or JSON Feed), from the community file or `/feeds add`,
 * with its polling state: conditional-request validators and the back-off of a failing feed.
 */
export const feeds = pgTable(
  'feeds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    url: text('url').notNull(),
    /** The name a manager gave it; `title` is what the feed calls itself. */
    name: text('name'),
    title: text('title'),
    /** `config` (the community file) or `command` (/feeds add). */
    source: text('source', { enum: ['config', 'command'] }).notNull(),
    active: boolean('active').notNull().default(true),
    etag: text('etag'),
    lastModified: text('last_modified'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    /** A "feed broken" notice went to the desks; a "recovered" one follows on the next success. */
    brokenNotified: boolean('broken_notified').notNull().default(false),
    nextPollAt: timestamp('next_poll_at', { withTimezone: true }).notNull().defaultNow(),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('feeds_community_url_uq').on(t.communityId, t.url), index('feeds_due_idx').on(t.nextPollAt).where(sql`active`)],
);

/**
 * One item of one feed, stored once (feed + guid). `duplicate_of` points at the first item of the
 * community carrying the same story (same canonical link, or a near-identical title).
 */
export const feedItems = pgTable(
  'feed_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    feedId: bigint('feed_id', { mode: 'number' })
      .notNull()
      .references(() => feeds.id, { onDelete: 'cascade' }),
    communityId: text('community_id').notNull(),
    guid: text('guid').notNull(),
    /** Canonical link: no tracking parameters, no fragment. */
    link: text('link').notNull(),
    title: text('title').notNull(),
    /** Plain text (HTML stripped), capped. */
    summary: text('summary').notNull(),
    /** Normalised title tokens, space-separated, for near-duplicate detection. */
    titleKey: text('title_key').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
    duplicateOf: bigint('duplicate_of', { mode: 'number' }),
    score: real('score'),
    scoreReason: text('score_reason'),
    scoredBy: text('scored_by'),
  },
  (t) => [
    uniqueIndex('feed_items_feed_guid_uq').on(t.feedId, t.guid),
    index('feed_items_community_link_idx').on(t.communityId, t.link),
    index('feed_items_community_fetched_idx').on(t.communityId, t.fetchedAt),
    // An undated item's story may have been fetched before under another guid and link.
    index('feed_items_community_title_key_idx').on(t.communityId, t.titleKey),
  ],
);

/**
 * A publishing slot of a chat (a cron occurrence, or a manager's /news): handled once, whether
 * it proposed a post or was skipped (quiet hours, daily cap, nothing new).
 */
export const newsSlots = pgTable(
  'news_slots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatId: bigint('chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    communityId: text('community_id').notNull(),
    slotKey: text('slot_key').notNull(),
    /** `proposed`, `quiet`, `cap`, `empty`. */
    outcome: text('outcome').notNull(),
    draftId: integer('draft_id'),
    handledAt: timestamp('handled_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('news_slots_chat_slot_uq').on(t.chatId, t.slotKey), index('news_slots_chat_handled_idx').on(t.chatId, t.handledAt)],
);

/** Items proposed to a chat: never the same item (or story) twice in one chat. */
export const newsPostedItems = pgTable(
  'news_posted_items',
  {
    chatId: bigint('chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => feedItems.id, { onDelete: 'cascade' }),
    draftId: integer('draft_id'),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('news_posted_items_uq').on(t.chatId, t.itemId)],
);
