/**
 * How the offline provider answers from the knowledge base without a model: it picks the best
 * passage that matches well and is in the member's language, and quotes it — a FAQ or learned
 * answer whole (clipped at a sentence), a document section by its sentences that share the
 * most words with the question. It never writes a fact of its own.
 */
import { arabicStem, searchPrefix, searchTerms, termAlternatives, words } from '../../core/knowledge/search-terms.js';
import type { KnowledgePassage } from '../../core/types.js';

/** A passage must score at least this (share of the question's weight matched) to be quoted. */
export const OFFLINE_ANSWER_MIN_SCORE = 0.4;
/**
 * Nothing is quoted when the runner-up in the member's language scores at least this share of
 * the best: two passages that match about equally ("What is Duka Plus?", "How do I cancel Duka
 * Plus?") make quoting either a guess, and a wrong answer is worse than a holding reply.
 */
export const OFFLINE_ANSWER_RUNNER_UP_MAX_SHARE = 0.8;
/** Longest answer quoted, in characters. */
export const OFFLINE_ANSWER_MAX_CHARS = 600;
/** Sentences taken from a document section. */
const DOCUMENT_SENTENCES = 2;

export interface KnowledgeAnswer {
  passage: KnowledgePassage;
  answer: string;
}

function sentencesOf(text: string): string[] {
  return text
    .replace(/^#+\s.*$/gm, '')
    .split(/(?<=[.!?…。])\s+|\n{2,}|\n(?=[-*•]\s)/u)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

/** Whole sentences from the start, within `max` characters (at least one, clipped if it is longer). */
function clipSentences(sentences: string[], max: number): string {
  let out = '';
  for (const s of sentences) {
    const next = out ? `${out} ${s}` : s;
    if (next.length > max) break;
    out = next;
  }
  if (out) return out;
  const first = sentences[0] ?? '';
  return first.length <= max ? first : `${first.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** The sentences of a section that answer the question best, in their original order. */
export function bestSentences(text: string, question: string, count: number = DOCUMENT_SENTENCES): string[] {
  const sentences = sentencesOf(text);
  const terms = new Set(searchTerms(question).flatMap(termAlternatives));
  const scored = sentences.map((sentence, index) => ({
    index,
    sentence,
    hits: new Set(words(sentence).map((w) => searchPrefix(arabicStem(w))).filter((p) => [...terms].some((t) => p.startsWith(t) || t.startsWith(p)))).size,
  }));
  const best = Math.max(0, ...scored.map((s) => s.hits));
  // A second sentence comes along only when it is nearly as relevant as the best one.
  const chosen = scored
    .filter((s) => s.hits > 0 && s.hits * 2 > best)
    .sort((a, b) => b.hits - a.hits || a.index - b.index)
    .slice(0, count)
    .sort((a, b) => a.index - b.index);
  return (chosen.length > 0 ? chosen : scored.slice(0, 1)).map((s) => s.sentence);
}

/** The passages in the member's language (one of unknown language counts as the community's), best first. */
const inLanguage = (passages: KnowledgePassage[], language: string, communityLanguage: string) =>
  passages.filter((p) => (p.language ?? communityLanguage) === language).sort((a, b) => b.score - a.score);

const tied = (best: KnowledgePassage, runnerUp: KnowledgePassage | undefined) => runnerUp !== undefined && runnerUp.score >= best.score * OFFLINE_ANSWER_RUNNER_UP_MAX_SHARE;

/** The two passages that match well and about equally, when that is why nothing is quoted. */
export function tiedPassages(passages: KnowledgePassage[], language: string, communityLanguage: string): [KnowledgePassage, KnowledgePassage] | null {
  const [best, runnerUp] = inLanguage(passages, language, communityLanguage);
  return best && runnerUp && best.score >= OFFLINE_ANSWER_MIN_SCORE && tied(best, runnerUp) ? [best, runnerUp] : null;
}

/**
 * The answer to quote, or null when no passage is good enough, or two match about equally. `language` is the member's;
 * a passage of unknown language counts as the community's.
 */
export function answerFromKnowledge(
  passages: KnowledgePassage[],
  question: string,
  language: string,
  communityLanguage: string,
): KnowledgeAnswer | null {
  const [passage, runnerUp] = inLanguage(passages, language, communityLanguage);
  if (!passage || passage.score < OFFLINE_ANSWER_MIN_SCORE || tied(passage, runnerUp)) return null;
  const sentences = passage.kind === 'document' ? bestSentences(passage.text, question) : sentencesOf(passage.text);
  const answer = clipSentences(sentences, OFFLINE_ANSWER_MAX_CHARS);
  return answer ? { passage, answer } : null;
}
