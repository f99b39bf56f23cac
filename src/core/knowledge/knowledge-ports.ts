/**
 * What the core asks of the knowledge store: indexing a community's files, searching them, and
 * the answers learned from managers' decisions. Re-exported by `../ports.ts`.
 */
import type { KnowledgePassage } from '../types.js';
import type { LearnedRef } from './learned-ref.js';

/** A chunk of a knowledge file, ready to index: a passage's content and its place in the file. */
export interface NewKnowledgeChunk extends Pick<KnowledgePassage, 'kind' | 'heading' | 'question' | 'text' | 'language'> {
  position: number;
}

/** A question/answer pair learned from a manager's decision. */
export interface LearnedEntry {
  id: number;
  communityId: string;
  question: string;
  answer: string;
  language: string | null;
  draftId: number | null;
  createdBy: string | null;
  createdAt: Date;
}

/** A learned entry with the decision that taught it (null when its draft or message is gone). */
export interface LearnedWithDecision extends LearnedEntry {
  /** The text the manager approved or sent, as the draft holds it. */
  decidedText: string | null;
  /** The name of the member the reply answered. */
  memberName: string | null;
}

export interface KnowledgeSearch {
  /** Search prefixes (see `searchTerms`), OR-ed; each scored by how rare it is in the community. */
  terms: string[];
  /** The query's embedding, when vectors are in use. */
  vector?: number[] | undefined;
  limit: number;
}

export interface KnowledgeRepository {
  /** Indexed files of a community: path → content hash. */
  fileHashes(communityId: string): Promise<Map<string, string>>;
  /** Which of these communities have any knowledge at all (drafting skips searching the others). */
  withKnowledge(communityIds: string[]): Promise<Set<string>>;
  /**
   * The passages of a community that may hold a link (question and text together), files and
   * learned answers alike: what the links a manager writes in an edit are judged against.
   */
  textsWithLinks(communityId: string): Promise<string[]>;
  /** Replaces a file's chunks (or creates the file) in one transaction. */
  replaceFile(communityId: string, path: string, contentHash: string, chunks: NewKnowledgeChunk[]): Promise<void>;
  removeFiles(communityId: string, paths: string[]): Promise<void>;
  /** Ranked passages, best first; scores are 0..1 (share of the query's weight matched, with title bonus). */
  search(communityId: string, query: KnowledgeSearch): Promise<KnowledgePassage[]>;
  learn(entry: { communityId: string; question: string; answer: string; language: string | null; draftId: number; createdBy: string }): Promise<LearnedEntry>;
  listLearned(communityId: string, limit: number): Promise<LearnedEntry[]>;
  /**
   * Removes a learned entry, named by its id (`L12`) or by the draft it was learned from (older
   * cards' `learned/<draft id>`); returns what it removed, null when the community has no such entry.
   */
  forget(communityId: string, ref: LearnedRef): Promise<LearnedEntry | null>;
  /** Every learned entry of every community, with its decision (the start-up cleanup, learned-cleanup.ts). */
  learnedWithDecisions(): Promise<LearnedWithDecision[]>;
  /**
   * Replaces a learned entry's answer, when it still reads `from` (its question and language
   * stay; its passage is indexed anew). False when there is no such entry or it changed meanwhile.
   */
  replaceLearnedAnswer(communityId: string, id: number, change: { from: string; to: string }): Promise<boolean>;
  /** True when this database can store and search vectors (pgvector). */
  readonly vectors: boolean;
  /** Chunks that have no embedding for `model` yet. */
  chunksWithoutEmbedding(model: string, limit: number): Promise<Array<{ id: number; text: string }>>;
  saveEmbeddings(model: string, rows: Array<{ chunkId: number; embedding: number[] }>): Promise<void>;
}
