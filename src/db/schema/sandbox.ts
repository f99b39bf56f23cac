import { bigint, bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CardView } from '../../core/types.js';

/**
 * The local sandbox's own "platform side": what members and the bot posted in sandbox rooms.
 * Jamii's `messages` table is its copy, exactly as for Telegram or Discord.
 */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    chat: text('chat').notNull(),
    userName: text('user_name').notNull(),
    text: text('text').notNull(),
    replyTo: bigint('reply_to', { mode: 'number' }),
    fromBot: boolean('from_bot').notNull().default(false),
    card: jsonb('card').$type<CardView>(),
    /** The outbox row a bot post came from: a repeated send returns the same message. */
    outboxId: bigint('outbox_id', { mode: 'number' }),
    /** Handed to Jamii's core; false rows are redelivered at start (like unconfirmed updates). */
    delivered: boolean('delivered').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sandbox_messages_chat_idx').on(t.chat, t.id),
    uniqueIndex('sandbox_messages_outbox_uq').on(t.outboxId),
  ],
);
