import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities } from './communities.js';

/**
 * A community's overrides of the prompts in `prompts/`, one row per version and never updated:
 * the latest version of a (community, prompt) is in force; a row with no body sends the prompt
 * back to its file default. Versions count 1, 2, 3… per community and prompt.
 */
export const promptVersions = pgTable(
  'prompt_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    /** Null: back to the file default from this version on. */
    body: text('body'),
    comment: text('comment'),
    createdBy: text('created_by').notNull(),
    createdByName: text('created_by_name').notNull(),
    /** The version this one rolls back to (`c2`, `file`), when it is a rollback. */
    rollbackOf: text('rollback_of'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('prompt_versions_community_name_version_uq').on(t.communityId, t.name, t.version),
    index('prompt_versions_created_idx').on(t.createdAt),
  ],
);
