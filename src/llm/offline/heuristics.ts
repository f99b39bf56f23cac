/**
 * Offline, multilingual message labelling: language, question, negative feedback with severity.
 * Rules, not a model: fast enough to run at ingest for every message (well under a millisecond),
 * and explainable — every label carries the evidence a manager sees as the draft's reason.
 *
 * The language tables live in `rules/<language>.ts`, words, sentences and clauses in `tokens.ts`,
 * the choice of language in `language-detection.ts`; this file holds the reading that applies
 * the tables: questions, negation scope, rhetorical questions and sarcasm.
 */
import type { Labels } from '../../core/types.js';
import { compiledRules, mayContain, negativeCandidates, phraseIndex, startsWithPhrase, type CompiledRules, type Phrase } from './compiled-rules.js';
import { detectLanguageOf } from './language-detection.js';
import { RULES, type LanguageCode, type LanguageRules } from './rules/index.js';
import { padded, segment, type Segmented } from './tokens.js';

export type { LanguageCode } from './rules/index.js';
export { detectLanguage } from './language-detection.js';
export { tokenize } from './tokens.js';

export const OFFLINE_LABELER = 'offline';
export const OFFLINE_LANGUAGES = Object.keys(RULES) as LanguageCode[];

/** Negative feedback starts at this much evidence: one strong word, or two mild signals. */
const NEGATIVE_THRESHOLD = 2;
/** A statement-like opener ("а", "hay", "kuna") asks only in a sentence this short. */
const WEAK_OPENER_MAX_WORDS = 10;
/** Words before a complaint term searched for a negation ("not", "не", "si", "no"). */
const NEGATION_WINDOW_WORDS = 3;
/** Words before and after a complaint term searched for an intensifier ("very bad", "mbaya sana"). */
const INTENSIFIER_WORDS_BEFORE = 3;
const INTENSIFIER_WORDS_AFTER = 2;
const NEGATIVE_EMOJI = /[😡🤬😠😤👎💩😒😞😣😫😩]/gu;
/** The upside-down face: praise next to it is irony. */
const IRONY_EMOJI = /🙃/u;
/** A short phrase in quotes — "24h delivery", «быстрая доставка» — marks a claim the member doubts. */
const SCARE_QUOTES = /["“«][^"”»]{2,40}["”»]/u;

function firstMatch(patterns: readonly RegExp[], text: string): RegExp | undefined {
  return patterns.find((p) => p.test(text));
}

/** The words after any greeting, vocative or particle that precedes the real opener. */
function withoutLeadIns(words: readonly string[], compiled: CompiledRules): string[] {
  let i = 0;
  while (i < words.length - 1 && (compiled.leadIns.has(words[i]!) || words[i]!.startsWith('@'))) i += 1;
  return i === 0 ? (words as string[]) : words.slice(i);
}

/** Why the sentence reads as a question without a question mark, or undefined. */
function askingWords(words: readonly string[], rules: LanguageRules, compiled: CompiledRules): string | undefined {
  const starts = (q: Phrase) => startsWithPhrase(words, q);
  const short = words.length <= WEAK_OPENER_MAX_WORDS;
  const opener =
    compiled.interrogatives.find(starts)?.text ?? (short ? compiled.weakInterrogatives.find(starts)?.text : undefined) ?? rules.inversion?.exec(padded(words))?.[0].trim();
  if (opener) return `opens with "${opener}"`;
  if (!short) return undefined;
  const last = words[words.length - 1];
  const inside = last && rules.trailingInterrogatives.includes(last) ? last : rules.inSitu?.exec(padded(words))?.[0].trim();
  return inside ? `asks with "${inside}"` : undefined;
}

interface QuestionReading {
  isQuestion: boolean;
  /** The sentence read as a rhetorical question, if any: evidence of a complaint. */
  rhetorical: string | null;
  reasons: string[];
}

function readQuestion({ tokens, sentences }: Segmented, rules: LanguageRules, compiled: CompiledRules): QuestionReading {
  const reasons: string[] = [];
  let rhetorical: string | null = null;
  let isQuestion = false;
  for (const sentence of sentences) {
    const words = withoutLeadIns(sentence.words, compiled);
    const body = padded(words);
    const text = padded(sentence.words);
    if (firstMatch(rules.rhetorical, text)) {
      rhetorical ??= sentence.words.join(' ');
      continue;
    }
    // A greeting clause ("Habari, …") rules out a question only when nothing after it asks:
    // "Habari, usafirishaji huchukua muda gani?" is a question.
    const notQuestionTexts = sentence.asks ? [body, text] : [body, text, padded(sentence.firstClause)];
    if (notQuestionTexts.some((t) => firstMatch(rules.notQuestions, t))) continue;
    if (isQuestion) continue;
    if (sentence.asks) {
      isQuestion = true;
      reasons.push('asks with a question mark');
      continue;
    }
    if (sentence.exclaims) continue;
    const why = askingWords(words, rules, compiled);
    if (why) {
      isQuestion = true;
      reasons.push(why);
    }
  }
  if (!isQuestion) {
    const all = padded(tokens);
    const request = rules.admiration?.test(all) ? undefined : firstMatch(rules.requests, all);
    if (request) {
      isQuestion = true;
      reasons.push(`asks without a question mark ("${request.exec(all)![0].trim()}")`);
    }
  }
  return { isQuestion, rhetorical, reasons };
}

/** Does `term` occur in `clause` outside the scope of a negation? -1 when absent or negated. */
function unnegatedIndex(clause: readonly string[], term: { phrase: Phrase; selfNegated: boolean }, compiled: CompiledRules): number {
  const at = phraseIndex(clause, term.phrase);
  if (at < 0) return -1;
  // A term that carries its own negation ("not working", "не работает") is never flipped.
  if (term.selfNegated) return at;
  return negationBefore(clause, at, compiled) ? -1 : at;
}

function negatedIndex(clause: readonly string[], term: Phrase, compiled: CompiledRules): number {
  const at = phraseIndex(clause, term);
  if (at < 0) return -1;
  return negationBefore(clause, at, compiled) ? at : -1;
}

/** A negation among the few words before `at`. */
function negationBefore(clause: readonly string[], at: number, compiled: CompiledRules): boolean {
  for (let i = Math.max(0, at - NEGATION_WINDOW_WORDS); i < at; i++) if (compiled.negations.has(clause[i]!)) return true;
  return false;
}

/** A clause that is the praise word and nothing but lead-ins and intensifiers: "oh great", "ну отлично", "safi sana". */
function praisedAlone(clause: readonly string[], term: { phrase: Phrase; selfNegated: boolean }, compiled: CompiledRules): boolean {
  const at = unnegatedIndex(clause, term, compiled);
  if (at < 0) return false;
  const end = at + term.phrase.words.length;
  return clause.every((w, i) => (i >= at && i < end) || compiled.leadIns.has(w) || compiled.intensifiers.has(w));
}

interface NegativeReading {
  score: number;
  evidence: string[];
}

function readNegative(text: string, { tokens, clauses: clauseList }: Segmented, rules: LanguageRules, compiled: CompiledRules, question: QuestionReading): NegativeReading {
  const all = padded(tokens);
  const evidence: string[] = [];
  let score = 0;
  const add = (weight: number, why: string) => {
    score += weight;
    if (!evidence.includes(why)) evidence.push(why);
  };

  // Most terms' first word is in no clause: only those whose first word is are looked for.
  const clauseTokens = new Set(clauseList.flat());
  for (const term of negativeCandidates(compiled, clauseTokens)) {
    for (const clause of clauseList) {
      const at = unnegatedIndex(clause, term, compiled);
      if (at < 0) continue;
      const end = at + term.phrase.words.length;
      const near = [...clause.slice(Math.max(0, at - INTENSIFIER_WORDS_BEFORE), at), ...clause.slice(end, end + INTENSIFIER_WORDS_AFTER)];
      add(term.weight + (near.some((w) => compiled.intensifiers.has(w)) ? 1 : 0), `"${clause.slice(at, end).join(' ')}"`);
      break;
    }
  }
  // Evidence that weighs in but is no complaint by itself: ironic openers and circumstances.
  let notComplaint = 0;
  for (const g of rules.grievances) {
    if (!g.pattern.test(all)) continue;
    add(g.weight, g.label);
    if (g.irony || g.circumstance) notComplaint += g.weight;
  }
  const praiseHere = compiled.praise.filter((term) => mayContain(clauseTokens, term.phrase));
  for (const term of praiseHere) {
    if (clauseList.some((c) => negatedIndex(c, term.phrase, compiled) >= 0)) add(2, `"${term.phrase.text.replace('*', '')}" negated`);
  }
  const persistence = compiled.persistence.find((p) => phraseIndex(tokens, p) >= 0);
  if (persistence) {
    add(1, `"${persistence.text}"`);
    notComplaint += 1;
  }
  const emoji = (text.match(NEGATIVE_EMOJI) ?? []).length;
  if (emoji > 0) add(Math.min(2, emoji), 'angry emoji');
  if (question.rhetorical) add(2, `rhetorical question ("${question.rhetorical}")`);

  // Praise beside a complaint, an ironic emoji or a doubted claim in quotes reads as sarcasm.
  // "Again" or "another" is a complaint beside praise said on its own ("Great, another outage."),
  // not beside praise of something ("Another great event!").
  const praised = praiseHere.find((term) => clauseList.some((c) => unnegatedIndex(c, term, compiled) >= 0));
  if (praised && SCARE_QUOTES.test(text)) add(1, 'a claim in scare quotes');
  const exclaimed = praised && clauseList.some((c) => praisedAlone(c, praised, compiled));
  const complaint = score - notComplaint + (exclaimed && persistence ? 1 : 0);
  if (praised && (complaint >= 1 || IRONY_EMOJI.test(text))) add(2, `sarcasm ("${praised.phrase.text.replace('*', '')}" beside a complaint)`);
  // "??" is exasperation on its own; "!!" only raises a complaint that is already there.
  if (/[?؟]{2,}/u.test(text) || (score > 0 && /!{2,}/u.test(text))) add(1, 'repeated "!" or "?"');
  // "Why …?" around a problem asks for an explanation of a failure: a complaint as well as a question.
  if (question.isQuestion && score >= 1 && compiled.why.some((w) => phraseIndex(tokens, w) >= 0)) add(1, 'asks why it went wrong');
  return { score, evidence };
}

export interface LabelOptions {
  /** The community's language: used when the text gives no evidence. */
  fallbackLanguage: string;
}

/** Labels one message. Pure and synchronous. */
export function labelMessage(text: string, options: LabelOptions): Labels {
  // Tokenized once: language, sentences, clauses and every rule read the same tokens.
  const segmented = segment(text);
  const language = detectLanguageOf(text, segmented.tokens, options.fallbackLanguage);
  const rules: LanguageRules = RULES[(language in RULES ? language : 'en') as LanguageCode];
  const compiled = compiledRules(rules);
  const question = readQuestion(segmented, rules, compiled);
  const negative = readNegative(text, segmented, rules, compiled, question);
  let { score } = negative;
  if (score > 0) {
    const letters = text.replace(/[^\p{L}]/gu, '');
    const upper = text.replace(/[^\p{Lu}]/gu, '');
    if (letters.length >= 8 && upper.length / letters.length > 0.7) score += 1;
  }
  const isNegative = score >= NEGATIVE_THRESHOLD;
  const severity = isNegative ? (score >= 5 ? 3 : score >= 3 ? 2 : 1) : 0;
  const reasons = [...question.reasons];
  if (isNegative) reasons.push(`complaint: ${negative.evidence.slice(0, 4).join(', ')}`);
  return { language, isQuestion: question.isQuestion, isNegative, severity, reasons, labeledBy: OFFLINE_LABELER };
}
