import { bigserial, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities } from './communities.js';

/** A group, channel or sandbox room Jamii listens in. Platform ids are text, never numbers. */
export const chats = pgTable(
  'chats',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform').notNull(),
    platformChatId: text('platform_chat_id').notNull(),
    title: text('title'),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('chats_platform_chat_uq').on(t.platform, t.platformChatId),
    index('chats_community_idx').on(t.communityId),
  ],
);
