import { bigint, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { chats } from './chats.js';

/**
 * Reactions to messages, kept for measuring posts: one row per reactor and emoji (count 1), or
 * per emoji for the anonymous totals a platform reports (reactor '', count n).
 */
export const messageReactions = pgTable(
  'message_reactions',
  {
    chatId: bigint('chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    platformMessageId: text('platform_message_id').notNull(),
    /** The reacting user's platform id; '' for anonymous totals. */
    reactor: text('reactor').notNull(),
    emoji: text('emoji').notNull(),
    count: integer('count').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'message_reactions_pk', columns: [t.chatId, t.platformMessageId, t.reactor, t.emoji] })],
);
