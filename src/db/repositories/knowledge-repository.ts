/**
 * Knowledge storage and retrieval. Full-text search runs on the `simple` configuration with
 * prefix terms (see core/knowledge/search-terms.ts); each matched term counts by its rarity in
 * the community's knowledge (an IDF weight), and a match in the question or heading counts
 * half as much again. Scores are the share of the query's total weight matched, so 1.0 means
 * every term matched in a title and a score means the same thing for every query.
 */
import { createHash } from 'node:crypto';
import type { KnowledgeRepository, LearnedEntry } from '../../core/ports.js';
import { learnedSourceName } from '../../core/knowledge/learned-ref.js';
import type { KnowledgeKind, KnowledgePassage } from '../../core/types.js';
import type { DbSession } from '../database.js';

/** A term matched in a question or heading weighs this much more than one in the body. */
export const TITLE_MATCH_BONUS = 0.5;
/** Vector candidates fetched for fusion with the full-text ones. */
const VECTOR_CANDIDATES = 20;

interface PassageRow {
  id: number;
  kind: KnowledgeKind;
  heading: string | null;
  question: string | null;
  text: string;
  language: string | null;
  path: string;
  origin: string;
  source_id: number | string;
  score: number;
}

const toPassage = (r: PassageRow): KnowledgePassage => ({
  chunkId: Number(r.id),
  kind: r.kind,
  source: r.origin === 'learned' ? learnedSourceName(Number(r.source_id)) : r.path,
  heading: r.heading,
  question: r.question,
  text: r.text,
  language: r.language,
  score: Number(r.score),
});

interface LearnedRow {
  id: number;
  community_id: string;
  question: string;
  text: string;
  language: string | null;
  draft_id: number | null;
  created_by: string | null;
  indexed_at: Date | string;
}

const toLearned = (r: LearnedRow): LearnedEntry => ({
  id: Number(r.id),
  communityId: r.community_id,
  question: r.question,
  answer: r.text,
  language: r.language,
  draftId: r.draft_id === null ? null : Number(r.draft_id),
  createdBy: r.created_by,
  createdAt: new Date(r.indexed_at),
});

const FULL_TEXT_SEARCH = `
with terms as (
  -- A term is one prefix, or several alternatives separated by '|' (an Arabic stem with and without its article).
  select t, (select to_tsquery('simple', string_agg(quote_literal(a) || ':*', ' | ')) from unnest(string_to_array(t, '|')) as a) as q from unnest($2::text[]) as t
),
total as (
  select greatest(count(*), 1)::float8 as n from knowledge_chunks where community_id = $1
),
weighted as (
  -- A word the knowledge never uses weighs most: it is what sets the question apart (a place,
  -- a product), and a passage that does not mention it probably does not answer it.
  select t, q, ln(1 + ((select n from total) - df + 0.5) / (df + 0.5)) as w
  from (
    select t, q, (select count(*) from knowledge_chunks c where c.community_id = $1 and c.search @@ terms.q)::float8 as df
    from terms
  ) counted
),
scored as (
  select c.id, sum(w.w * (case when c.title_search @@ w.q then ${1 + TITLE_MATCH_BONUS} else 1 end)) as s
  from knowledge_chunks c
  join weighted w on c.search @@ w.q
  where c.community_id = $1
  group by c.id
)
select c.id::int8 as id, c.kind, c.heading, c.question, c.text, c.language, src.path, src.origin, src.id::int8 as source_id,
       (scored.s / nullif((select sum(w) from weighted) * ${1 + TITLE_MATCH_BONUS}, 0))::float8 as score
from scored
join knowledge_chunks c on c.id = scored.id
join knowledge_sources src on src.id = c.source_id
order by score desc, c.id
limit $3`;

const VECTOR_SEARCH = `
select c.id::int8 as id, c.kind, c.heading, c.question, c.text, c.language, src.path, src.origin, src.id::int8 as source_id,
       (1 - (e.embedding <=> $2::vector))::float8 as score
from knowledge_embeddings e
join knowledge_chunks c on c.id = e.chunk_id
join knowledge_sources src on src.id = c.source_id
where c.community_id = $1 and e.model = $3
order by e.embedding <=> $2::vector
limit $4`;

const LEARNED_SELECT = `
select src.id::int8 as id, src.community_id, c.question, c.text, c.language, src.draft_id, src.created_by, src.indexed_at
from knowledge_sources src
join knowledge_chunks c on c.source_id = src.id
where src.origin = 'learned'`;

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const vectorLiteral = (v: number[]) => `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;

export function createKnowledgeRepository(s: DbSession, options: { vectors: boolean; embeddingModel: string | null }): KnowledgeRepository {
  const serialize = (communityId: string) => s.sql.executeSql(`select pg_advisory_xact_lock(hashtext('jamii.knowledge:' || $1))`, [communityId]);

  const insertChunks = async (sourceId: number, communityId: string, chunks: Parameters<KnowledgeRepository['replaceFile']>[3]) => {
    if (chunks.length === 0) return;
    await s.sql.executeSql(
      `insert into knowledge_chunks (source_id, community_id, kind, heading, question, text, language, position)
       select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])`,
      [
        sourceId,
        communityId,
        chunks.map((c) => c.kind),
        chunks.map((c) => c.heading),
        chunks.map((c) => c.question),
        chunks.map((c) => c.text),
        chunks.map((c) => c.language),
        chunks.map((c) => c.position),
      ],
    );
  };

  const useVectors = options.vectors && options.embeddingModel !== null;
  return {
    vectors: useVectors,

    async fileHashes(communityId) {
      const { rows } = await s.sql.executeSql(`select path, content_hash from knowledge_sources where community_id = $1 and origin = 'file'`, [communityId]);
      return new Map(rows.map((r: { path: string; content_hash: string }) => [r.path, r.content_hash]));
    },

    async withKnowledge(communityIds) {
      if (communityIds.length === 0) return new Set();
      const { rows } = await s.sql.executeSql(
        `select c.id from unnest($1::text[]) as c(id) where exists (select 1 from knowledge_chunks k where k.community_id = c.id)`,
        [communityIds],
      );
      return new Set((rows as Array<{ id: string }>).map((r) => r.id));
    },

    async textsWithLinks(communityId) {
      // Anything with a dot between two word characters may hold a link (linksIn decides).
      const { rows } = await s.sql.executeSql(
        `select concat_ws(E'\n', question, text) as text from knowledge_chunks where community_id = $1 and concat_ws(' ', question, text) ~ '\\w\\.\\w' order by id`,
        [communityId],
      );
      return (rows as Array<{ text: string }>).map((r) => r.text);
    },

    async replaceFile(communityId, path, contentHash, chunks) {
      await serialize(communityId);
      const { rows } = await s.sql.executeSql(
        `insert into knowledge_sources (community_id, path, origin, content_hash) values ($1, $2, 'file', $3)
         on conflict (community_id, path) do update set content_hash = excluded.content_hash, indexed_at = now()
         returning id::int8 as id`,
        [communityId, path, contentHash],
      );
      const sourceId = Number(rows[0].id);
      await s.sql.executeSql(`delete from knowledge_chunks where source_id = $1`, [sourceId]);
      await insertChunks(sourceId, communityId, chunks);
    },

    async removeFiles(communityId, paths) {
      if (paths.length === 0) return;
      await serialize(communityId);
      await s.sql.executeSql(`delete from knowledge_sources where community_id = $1 and origin = 'file' and path = any($2::text[])`, [communityId, paths]);
    },

    async search(communityId, query) {
      const byId = new Map<number, KnowledgePassage>();
      if (query.terms.length > 0) {
        const { rows } = await s.sql.executeSql(FULL_TEXT_SEARCH, [communityId, query.terms, query.limit * 2]);
        for (const row of rows as PassageRow[]) byId.set(Number(row.id), toPassage(row));
      }
      if (!query.vector || !useVectors || !options.embeddingModel) return [...byId.values()].slice(0, query.limit);
      // Hybrid: a passage's score is the mean of its full-text score and its cosine similarity,
      // so one that both searches find ranks above one that only one of them finds.
      const { rows } = await s.sql.executeSql(VECTOR_SEARCH, [communityId, vectorLiteral(query.vector), options.embeddingModel, VECTOR_CANDIDATES]);
      const similarity = new Map((rows as PassageRow[]).map((r) => [Number(r.id), { row: r, sim: Math.max(0, Number(r.score)) }]));
      const merged = new Map<number, KnowledgePassage>();
      for (const [id, passage] of byId) merged.set(id, { ...passage, score: (passage.score + (similarity.get(id)?.sim ?? 0)) / 2 });
      for (const [id, { row, sim }] of similarity) if (!merged.has(id)) merged.set(id, { ...toPassage(row), score: sim / 2 });
      return [...merged.values()].sort((a, b) => b.score - a.score || a.chunkId - b.chunkId).slice(0, query.limit);
    },

    async learn(entry) {
      await serialize(entry.communityId);
      const path = `learned/${entry.draftId}`;
      const { rows } = await s.sql.executeSql(
        `insert into knowledge_sources (community_id, path, origin, content_hash, draft_id, created_by) values ($1, $2, 'learned', $3, $4, $5)
         on conflict (community_id, path) do update set content_hash = excluded.content_hash, created_by = excluded.created_by, indexed_at = now()
         returning id::int8 as id`,
        [entry.communityId, path, hash(`${entry.question}\n${entry.answer}`), entry.draftId, entry.createdBy],
      );
      const sourceId = Number(rows[0].id);
      await s.sql.executeSql(`delete from knowledge_chunks where source_id = $1`, [sourceId]);
      await insertChunks(sourceId, entry.communityId, [{ kind: 'learned', heading: null, question: entry.question, text: entry.answer, language: entry.language, position: 0 }]);
      const learned = await s.sql.executeSql(`${LEARNED_SELECT} and src.id = $1`, [sourceId]);
      return toLearned(learned.rows[0] as LearnedRow);
    },

    async listLearned(communityId, limit) {
      const { rows } = await s.sql.executeSql(`${LEARNED_SELECT} and src.community_id = $1 order by src.id desc limit $2`, [communityId, limit]);
      return (rows as LearnedRow[]).map(toLearned);
    },

    async forget(communityId, ref) {
      const which = 'id' in ref ? `src.id = $2` : `src.draft_id = $2`;
      const found = await s.sql.executeSql(`${LEARNED_SELECT} and src.community_id = $1 and ${which}`, [communityId, 'id' in ref ? ref.id : ref.draftId]);
      const row = found.rows[0] as LearnedRow | undefined;
      if (!row) return null;
      const { rows } = await s.sql.executeSql(`delete from knowledge_sources where id = $1 and community_id = $2 and origin = 'learned' returning id`, [Number(row.id), communityId]);
      return rows.length > 0 ? toLearned(row) : null;
    },

    async learnedWithDecisions() {
      const { rows } = await s.sql.executeSql(
        `select src.id::int8 as id, src.community_id, c.question, c.text, c.language, src.draft_id, src.created_by, src.indexed_at,
                d.text as decided_text, mem.display_name as member_name
         from knowledge_sources src
         join knowledge_chunks c on c.source_id = src.id
         left join drafts d on d.id = src.draft_id and d.community_id = src.community_id
         left join messages m on m.id = d.message_id
         left join members mem on mem.id = m.author_id
         where src.origin = 'learned'
         order by src.id`,
        [],
      );
      return (rows as Array<LearnedRow & { decided_text: string | null; member_name: string | null }>).map((r) => ({ ...toLearned(r), decidedText: r.decided_text, memberName: r.member_name }));
    },

    async replaceLearnedAnswer(communityId, id, change) {
      await serialize(communityId);
      const found = await s.sql.executeSql(`${LEARNED_SELECT} and src.community_id = $1 and src.id = $2`, [communityId, id]);
      const row = found.rows[0] as LearnedRow | undefined;
      if (!row || row.text !== change.from) return false;
      await s.sql.executeSql(`update knowledge_sources set content_hash = $2 where id = $1`, [id, hash(`${row.question}\n${change.to}`)]);
      // A new passage, so its embedding is computed anew (the old one goes with the old chunk).
      await s.sql.executeSql(`delete from knowledge_chunks where source_id = $1`, [id]);
      await insertChunks(id, communityId, [{ kind: 'learned', heading: null, question: row.question, text: change.to, language: row.language, position: 0 }]);
      return true;
    },

    async chunksWithoutEmbedding(model, limit) {
      if (!options.vectors) return [];
      const { rows } = await s.sql.executeSql(
        `select c.id::int8 as id, concat_ws(E'\\n', c.question, c.heading, c.text) as text from knowledge_chunks c
         where not exists (select 1 from knowledge_embeddings e where e.chunk_id = c.id and e.model = $1)
         order by c.id limit $2`,
        [model, limit],
      );
      return (rows as Array<{ id: number; text: string }>).map((r) => ({ id: Number(r.id), text: r.text }));
    },

    async saveEmbeddings(model, list) {
      if (!options.vectors || list.length === 0) return;
      await s.sql.executeSql(
        `insert into knowledge_embeddings (chunk_id, model, embedding)
         select id, $2, v::vector from unnest($1::int8[], $3::text[]) as x(id, v)
         on conflict (chunk_id, model) do update set embedding = excluded.embedding`,
        [list.map((r) => r.chunkId), model, list.map((r) => vectorLiteral(r.embedding))],
      );
    },
  };
}
