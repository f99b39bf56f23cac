/**
 * Retrieval hit rate: the sample knowledge base under test/fixtures/eval/knowledge is indexed
 * into an in-memory PGlite exactly as Jamii indexes a community's folder, then each question
 * of retrieval.jsonl is searched as a draft would search it. A hit is a passage from one of
 * the expected sources (path + heading). Also reported: how often the offline provider would
 * quote an answer (a passage good enough, in the member's language) and how often that quoted
 * passage is a right one.
 */
import pino from 'pino';
import { retrievePassages } from '../../src/core/draft-context.js';
import type { LanguageProvider } from '../../src/core/ports.js';
import type { KnowledgePassage } from '../../src/core/types.js';
import { openDatabase } from '../../src/db/database.js';
import { createStore } from '../../src/db/store.js';
import { createKnowledgeIndexer } from '../../src/knowledge/knowledge-indexer.js';
import { HEADING_SEPARATOR } from '../../src/knowledge/markdown-chunker.js';
import { answerFromKnowledge } from '../../src/llm/offline/knowledge-answer.js';
import { EVAL_KNOWLEDGE_DIR, type RetrievalQuestion } from './dataset.js';

/** Passages retrieved per question (what a draft is given). */
export const RETRIEVAL_K = 3;
/** Goals: the right passage among the top 3 for most questions, and quoted answers rarely wrong. */
export const RETRIEVAL_GOALS = { minHitAt3: 0.85, minQuotePrecision: 0.9 } as const;

export interface RetrievalRow {
  id: string;
  language: string;
  question: string;
  hitAt1: boolean;
  hitAtK: boolean;
  /** The offline provider would quote a passage… */
  quoted: boolean;
  /** …and it is an expected one. */
  quotedRight: boolean;
  top: string | null;
  /** The best passage in the member's language, whatever its score (to tune the quoting threshold). */
  candidate: { score: number; right: boolean } | null;
}

export interface RetrievalScores {
  n: number;
  hitAt1: number;
  hitAtK: number;
  quoteRate: number;
  quotePrecision: number;
}

export interface RetrievalEvalResult {
  vectors: boolean;
  chunks: number;
  overall: RetrievalScores;
  byLanguage: Record<string, RetrievalScores>;
  rows: RetrievalRow[];
}

const describe = (p: KnowledgePassage) => (p.heading ? `${p.source} › ${p.heading}` : p.source);

/** A passage matches an expected source when the path is the same and its heading trail ends with the heading. */
export function isExpected(p: KnowledgePassage, expected: RetrievalQuestion['expected']): boolean {
  return expected.some((e) => e.source === p.source && p.heading !== null && (p.heading === e.heading || p.heading.endsWith(`${HEADING_SEPARATOR}${e.heading}`)));
}

function scores(rows: RetrievalRow[]): RetrievalScores {
  const share = (f: (r: RetrievalRow) => boolean, of: RetrievalRow[] = rows) => (of.length === 0 ? 0 : of.filter(f).length / of.length);
  const quoted = rows.filter((r) => r.quoted);
  return { n: rows.length, hitAt1: share((r) => r.hitAt1), hitAtK: share((r) => r.hitAtK), quoteRate: share((r) => r.quoted), quotePrecision: quoted.length === 0 ? 1 : share((r) => r.quotedRight, quoted) };
}

export async function runRetrievalEval(
  provider: LanguageProvider,
  questions: readonly RetrievalQuestion[],
  options: { embeddingModel?: string | null; communityLanguage?: string; knowledgeDir?: string } = {},
): Promise<RetrievalEvalResult> {
  const log = pino({ level: 'silent' });
  const embeddingModel = options.embeddingModel ?? null;
  const db = await openDatabase({ databaseUrl: undefined, dataDir: '', memory: true, log, vectors: embeddingModel !== null });
  try {
    const store = createStore({ db, communityOf: () => 'eval', enqueuerFor: () => ({ enqueue: async () => undefined }), embeddingModel });
    await store.communities.upsert([{ id: 'eval', name: 'Duka', language: options.communityLanguage ?? 'en' }]);
    const indexer = createKnowledgeIndexer({ store, folders: [{ communityId: 'eval', dir: options.knowledgeDir ?? EVAL_KNOWLEDGE_DIR }], provider, embeddingModel, log });
    const [report] = await indexer.syncAll();
    const rows: RetrievalRow[] = [];
    for (const q of questions) {
      // Searched as a draft searches: for the language the provider reads in the question.
      const { language } = await provider.classify(q.question, { communityLanguage: options.communityLanguage ?? 'en', communityId: 'eval', recent: [] });
      const passages = await retrievePassages(store.knowledge, provider, 'eval', q.question, { member: language, community: options.communityLanguage ?? 'en' }, log, RETRIEVAL_K);
      const quoted = answerFromKnowledge(passages, q.question, q.language, options.communityLanguage ?? 'en');
      const sameLanguage = passages.find((p) => (p.language ?? options.communityLanguage ?? 'en') === q.language);
      rows.push({
        id: q.id,
        language: q.language,
        question: q.question,
        hitAt1: passages[0] !== undefined && isExpected(passages[0], q.expected),
        hitAtK: passages.some((p) => isExpected(p, q.expected)),
        quoted: quoted !== null,
        quotedRight: quoted !== null && isExpected(quoted.passage, q.expected),
        top: passages[0] ? `${describe(passages[0])} (${passages[0].score.toFixed(2)})` : null,
        candidate: sameLanguage ? { score: sameLanguage.score, right: isExpected(sameLanguage, q.expected) } : null,
      });
    }
    const languages = [...new Set(rows.map((r) => r.language))].sort();
    return {
      vectors: store.knowledge.vectors,
      chunks: report?.chunks ?? 0,
      overall: scores(rows),
      byLanguage: Object.fromEntries(languages.map((l) => [l, scores(rows.filter((r) => r.language === l))])),
      rows,
    };
  } finally {
    await db.close();
  }
}

export function missedRetrievalGoals(result: RetrievalEvalResult, goals: { minHitAt3: number; minQuotePrecision: number } = RETRIEVAL_GOALS): string[] {
  const missed: string[] = [];
  if (result.overall.hitAtK < goals.minHitAt3) missed.push(`retrieval hit@${RETRIEVAL_K} ${result.overall.hitAtK.toFixed(3)} < ${goals.minHitAt3}`);
  if (result.overall.quotePrecision < goals.minQuotePrecision) missed.push(`quoted-answer precision ${result.overall.quotePrecision.toFixed(3)} < ${goals.minQuotePrecision}`);
  return missed;
}

export function renderRetrievalTable(result: RetrievalEvalResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const line = (name: string, s: RetrievalScores) => `${name.padEnd(9)}${String(s.n).padStart(5)}${pct(s.hitAt1)}${pct(s.hitAtK)}${pct(s.quoteRate)}${pct(s.quotePrecision)}`;
  return [
    `lang         n  hit@1  hit@${RETRIEVAL_K}  quoted  right`,
    ...Object.entries(result.byLanguage).map(([l, s]) => line(l, s)),
    line('overall', result.overall),
  ].join('\n');
}

export function renderRetrievalMisses(result: RetrievalEvalResult): string {
  return result.rows
    .filter((r) => !r.hitAtK || (r.quoted && !r.quotedRight))
    .map((r) => `  ${r.id} ${r.hitAtK ? 'WRONG QUOTE' : 'MISS'}: ${r.question}\n      top: ${r.top ?? 'nothing'}`)
    .join('\n');
}
