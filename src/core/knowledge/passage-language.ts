/**
 * Knowledge passages ranked for the member's language. A knowledge base may hold the same FAQ in
 * several languages; their copies share the brand's names, prices and numbers, so a member's
 * question matches the other languages' copies too and they crowd out the passage in the
 * member's own. A passage in another language still counts (a model can translate it), but
 * ranks as if it scored less.
 */
import type { KnowledgePassage } from '../types.js';

/** A passage in another language than the member's ranks as if it scored this share. */
export const OTHER_LANGUAGE_RANK_WEIGHT = 0.5;
/**
 * Candidates searched per passage kept, so the member's language can rise from below: one per
 * community language, since a passage may have a copy in each of them that scores the same.
 */
export const LANGUAGE_RANK_CANDIDATES = 8;

/**
 * The best `limit` passages for a member writing in `language` (null: unknown, plain score
 * order). A passage of no stated language counts as the community's, as for quoting. Scores are
 * left as they are.
 */
export function rankForLanguage(passages: readonly KnowledgePassage[], language: string | null, communityLanguage: string, limit: number): KnowledgePassage[] {
  const rank = (p: KnowledgePassage) => (language === null || (p.language ?? communityLanguage) === language ? p.score : p.score * OTHER_LANGUAGE_RANK_WEIGHT);
  return [...passages].sort((a, b) => rank(b) - rank(a) || a.chunkId - b.chunkId).slice(0, limit);
}
