import { sql, type SQL } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities } from './communities.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Letters folded before indexing, so a member who types "envio" finds "envío" and "темную"
 * finds "тёмную". Must match `FOLDED_LETTERS` in core/knowledge/search-terms.ts.
 */
const FOLD_FROM = 'ёáéíóúüñàèìòùâêîôûç';
const FOLD_TO = 'еaeiouunaeiouaeiouc';
const folded = (expr: string) => `translate(lower(${expr}), '${FOLD_FROM}', '${FOLD_TO}')`;

/**
 * One knowledge source of a community: a file under its knowledge folder (path relative to it)
 * or an answer learned from a desk decision (`learned/<id>`). `content_hash` tells the indexer
 * whether a file changed since it was last indexed.
 */
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    path: text('path').notNull(),
    origin: text('origin', { enum: ['file', 'learned'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    /** For learned entries: the draft whose decision taught it, and who decided. */
    draftId: integer('draft_id'),
    createdBy: text('created_by'),
    indexedAt: timestamp('indexed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('knowledge_sources_community_path_uq').on(t.communityId, t.path)],
);

/**
 * A retrievable passage. Full-text search uses the `simple` configuration (no language's
 * stemming or stop words), so it works the same for every language a community writes in;
 * `title_search` holds the question or heading alone, so a match there can weigh more.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: bigint('source_id', { mode: 'number' })
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: 'cascade' }),
    communityId: text('community_id').notNull(),
    kind: text('kind', { enum: ['document', 'faq', 'learned'] }).notNull(),
    heading: text('heading'),
    question: text('question'),
    text: text('text').notNull(),
    language: text('language'),
    position: integer('position').notNull(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql.raw(`to_tsvector('simple'::regconfig, ${folded(`coalesce(question, '') || ' ' || coalesce(heading, '') || ' ' || text`)})`)),
    titleSearch: tsvector('title_search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql.raw(`to_tsvector('simple'::regconfig, ${folded(`coalesce(question, '') || ' ' || coalesce(heading, '')`)})`)),
  },
  (t) => [
    index('knowledge_chunks_search_idx').using('gin', t.search),
    index('knowledge_chunks_community_idx').on(t.communityId),
    index('knowledge_chunks_source_idx').on(t.sourceId),
  ],
);
