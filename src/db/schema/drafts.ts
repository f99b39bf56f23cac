import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { DRAFT_KINDS, type PollSpec, type SourceRef } from '../../core/types.js';
import { chats } from './chats.js';
import { communities } from './communities.js';
import { messages } from './messages.js';

/** A reply (or a news post, a spark) Jamii proposes; `id` is the short number managers type. */
export const drafts = pgTable(
  'drafts',
  {
    id: serial('id').primaryKey(),
    /** The member's message a reply answers; null for a post (news, spark). */
    messageId: bigint('message_id', { mode: 'number' }).references(() => messages.id),
    /** Where the reply or post goes. */
    targetChatId: bigint('target_chat_id', { mode: 'number' })
      .notNull()
      .references(() => chats.id),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    kind: text('kind', { enum: DRAFT_KINDS }).notNull(),
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
    model: text('model'),
    /** Later messages of the same member folded into this draft (a burst answered once). */
    mergedMessageIds: bigint('merged_message_ids', { mode: 'number' }).array().notNull().default(sql`'{}'`),
    sources: jsonb('sources').$type<SourceRef[]>().notNull().default(sql`'[]'::jsonb`),
    translation: text('translation'),
    /** Output checks the text failed; a flagged draft needs an edit (or, for a held edit, a confirmation) before it can go out. */
    flags: jsonb('flags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** Another member answered the question before a manager decided. */
    answeredByName: text('answered_by_name'),
    answeredByMessageId: bigint('answered_by_message_id', { mode: 'number' }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    /** A manager's edit that failed the output checks, held for a confirmation: who and when. */
    heldEditBy: text('held_edit_by'),
    heldEditByName: text('held_edit_by_name'),
    heldEditAt: timestamp('held_edit_at', { withTimezone: true }),
    poll: jsonb('poll').$type<PollSpec>(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** A post's identity (e.g. news:<chat>:<item>): never two drafts for it. */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The desks were reminded that it is still waiting (once per draft). */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('drafts_message_uq').on(t.messageId),
    uniqueIndex('drafts_dedupe_uq').on(t.dedupeKey),
    index('drafts_target_chat_idx').on(t.targetChatId, t.kind, t.createdAt),
    index('drafts_community_status_idx').on(t.communityId, t.status, t.createdAt),
    index('drafts_merged_messages_idx').using('gin', t.mergedMessageIds),
  ],
);
