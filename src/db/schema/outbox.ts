import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { OUTBOX_KINDS, type CardView, type ImageAttachment, type PollSpec } from '../../core/types.js';
import { drafts } from './drafts.js';

/**
 * Every post Jamii makes, written before it is sent and marked sent exactly once.
 * `dedupe_key` makes a second approval or a double click a no-op.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    draftId: integer('draft_id').references(() => drafts.id),
    platform: text('platform').notNull(),
    platformChatId: text('platform_chat_id').notNull(),
    threadId: text('thread_id'),
    replyToPlatformMessageId: text('reply_to_platform_message_id'),
    text: text('text').notNull(),
    card: jsonb('card').$type<CardView>(),
    poll: jsonb('poll').$type<PollSpec>(),
    image: jsonb('image').$type<ImageAttachment>(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'unconfirmed', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    lastError: text('last_error'),
    platformMessageId: text('platform_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** The chat took no more posts (its platform's posting limit): the row goes out from then on. */
    waitUntil: timestamp('wait_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** A manager's /retry sent the row again: a member's deletion before then no longer stops it. */
    requeuedAt: timestamp('requeued_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_uq').on(t.dedupeKey),
    index('outbox_draft_idx').on(t.draftId),
    index('outbox_open_idx').on(t.status, t.createdAt).where(sql`status in ('pending', 'sending', 'unconfirmed')`),
  ],
);
