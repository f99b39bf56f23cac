import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Labels } from '../../core/types.js';
import { chats } from './chats.js';
import { members } from './members.js';

/**
 * Every message Jamii heard, stored once: unique on chat (= platform + platform chat id) and
 * the platform's message id, so a redelivered update is a no-op.
 */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chatId: bigint('chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    platformMessageId: text('platform_message_id').notNull(),
    threadId: text('thread_id'),
    authorId: bigint('author_id', { mode: 'number' }).references(() => members.id),
    text: text('text').notNull(),
    replyToPlatformMessageId: text('reply_to_platform_message_id'),
    language: text('language'),
    labels: jsonb('labels').$type<Labels>(),
    isQuestion: boolean('is_question').notNull().default(false),
    isNegative: boolean('is_negative').notNull().default(false),
    severity: smallint('severity').notNull().default(0),
    fromBot: boolean('from_bot').notNull().default(false),
    isService: boolean('is_service').notNull().default(false),
    /** Labelled as a question or negative feedback: a draft is due. */
    needsDraft: boolean('needs_draft').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    /** The member (or a moderator) deleted it on the platform; kept for the record and analytics. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('messages_chat_platform_message_uq').on(t.chatId, t.platformMessageId),
    index('messages_chat_created_idx').on(t.chatId, t.createdAt),
    index('messages_needs_draft_idx').on(t.id).where(sql`needs_draft`),
    // A member's earlier complaints, read for every draft (member context).
    index('messages_author_negative_idx').on(t.authorId, t.createdAt).where(sql`is_negative`),
  ],
);
