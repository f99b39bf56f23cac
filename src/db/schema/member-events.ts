import { bigint, bigserial, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { chats } from './chats.js';

/**
 * Members joining and leaving chats, for analytics. Unique on chat, member, kind and time, so a
 * redelivered update (or the same join seen as a service message and a chat_member update) is
 * stored once.
 */
export const memberEvents = pgTable(
  'member_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatId: bigint('chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    isBot: boolean('is_bot').notNull().default(false),
    kind: text('kind', { enum: ['joined', 'left'] }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('member_events_uq').on(t.chatId, t.platformUserId, t.kind, t.occurredAt),
    index('member_events_chat_time_idx').on(t.chatId, t.occurredAt),
  ],
);
