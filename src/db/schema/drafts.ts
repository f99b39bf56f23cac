import { bigint, index, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities } from './communities.js';
import { messages } from './messages.js';

/** A reply Jamii proposes; `id` is the short number managers type. */
export const drafts = pgTable(
  'drafts',
  {
    id: serial('id').primaryKey(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    kind: text('kind', { enum: ['question', 'negative'] }).notNull(),
    text: text('text').notNull(),
    originalText: text('original_text').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'edited', 'rejected', 'expired', 'sent'] })
      .notNull()
      .default('pending'),
    reason: text('reason').notNull(),
    language: text('language').notNull(),
    promptName: text('prompt_name').notNull(),
    promptVersion: text('prompt_version').notNull(),
    provider: text('provider').notNull(),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('drafts_message_uq').on(t.messageId),
    index('drafts_community_status_idx').on(t.communityId, t.status, t.createdAt),
  ],
);
