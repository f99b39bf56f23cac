/**
 * The offline labeller's rule tables (rules/<language>.ts) compiled once per language for the
 * reading in heuristics.ts: phrases split into words, complaint terms indexed by their first word
 * or stem, word lists as sets. Labelling runs at ingest for every message, so nothing here is
 * rebuilt per message.
 */
import type { LanguageRules } from './rules/index.js';

/**
 * A rule phrase split into words once (not per message): a word ending in `*` matches any
 * ending, so it is kept as its stem with `prefix` set.
 */
export interface Phrase {
  text: string;
  words: ReadonlyArray<{ word: string; prefix: boolean }>;
}

export function compilePhrase(text: string): Phrase {
  return { text, words: text.split(' ').map((w) => (w.endsWith('*') ? { word: w.slice(0, -1), prefix: true } : { word: w, prefix: false })) };
}

function wordMatches(w: { word: string; prefix: boolean }, token: string): boolean {
  return w.prefix ? token.startsWith(w.word) : token === w.word;
}

/** Whether a phrase's first word is among `tokens`: phraseIndex can match only then. */
export function mayContain(tokens: ReadonlySet<string>, phrase: Phrase): boolean {
  const first = phrase.words[0]!;
  if (!first.prefix) return tokens.has(first.word);
  for (const t of tokens) if (t.startsWith(first.word)) return true;
  return false;
}

/** Where `phrase` starts in `tokens`, or -1. */
export function phraseIndex(tokens: readonly string[], phrase: Phrase): number {
  const { words } = phrase;
  outer: for (let i = 0; i + words.length <= tokens.length; i++) {
    for (let j = 0; j < words.length; j++) if (!wordMatches(words[j]!, tokens[i + j]!)) continue outer;
    return i;
  }
  return -1;
}

/** Whether `tokens` open with `phrase`. */
export function startsWithPhrase(tokens: readonly string[], phrase: Phrase): boolean {
  const { words } = phrase;
  if (words.length > tokens.length) return false;
  for (let j = 0; j < words.length; j++) if (!wordMatches(words[j]!, tokens[j]!)) return false;
  return true;
}

/** A complaint term with its weight; `selfNegated` when it carries its own negation ("not working"). */
export interface NegativeTerm {
  phrase: Phrase;
  weight: number;
  selfNegated: boolean;
}

/** One language's rules with their word lists compiled for the reading below: built once per language. */
export interface CompiledRules {
  why: Phrase[];
  interrogatives: Phrase[];
  weakInterrogatives: Phrase[];
  /** Complaint terms in the table's order (the order their evidence is listed in). */
  negative: NegativeTerm[];
  /** Indexes into `negative` by the first word, for terms that start with a whole word. */
  negativeByWord: Map<string, number[]>;
  /** Indexes into `negative` by the stem's first character, for terms that start with a stem. */
  negativeByStemStart: Map<string, Array<{ stem: string; index: number }>>;
  praise: Array<{ phrase: Phrase; selfNegated: boolean }>;
  persistence: Phrase[];
  negations: Set<string>;
  intensifiers: Set<string>;
  leadIns: Set<string>;
}

const COMPILED = new WeakMap<LanguageRules, CompiledRules>();

export function compiledRules(rules: LanguageRules): CompiledRules {
  const known = COMPILED.get(rules);
  if (known) return known;
  const selfNegated = (text: string) => rules.negations.some((n) => text.split(' ').includes(n));
  const negative = Object.entries(rules.negative).map(([term, weight]) => ({ phrase: compilePhrase(term), weight, selfNegated: selfNegated(term) }));
  const negativeByWord = new Map<string, number[]>();
  const negativeByStemStart = new Map<string, Array<{ stem: string; index: number }>>();
  negative.forEach((term, index) => {
    const first = term.phrase.words[0]!;
    if (first.prefix) negativeByStemStart.set(first.word[0]!, [...(negativeByStemStart.get(first.word[0]!) ?? []), { stem: first.word, index }]);
    else negativeByWord.set(first.word, [...(negativeByWord.get(first.word) ?? []), index]);
  });
  const compiled: CompiledRules = {
    why: rules.why.map(compilePhrase),
    interrogatives: rules.interrogatives.map(compilePhrase),
    weakInterrogatives: rules.weakInterrogatives.map(compilePhrase),
    negative,
    negativeByWord,
    negativeByStemStart,
    praise: rules.praise.map((term) => ({ phrase: compilePhrase(term), selfNegated: selfNegated(term) })),
    persistence: rules.persistence.map(compilePhrase),
    negations: new Set(rules.negations),
    intensifiers: new Set(rules.intensifiers),
    leadIns: new Set(rules.leadIns),
  };
  COMPILED.set(rules, compiled);
  return compiled;
}

/** The complaint terms whose first word (or stem) occurs in the message, in the table's order. */
export function negativeCandidates(compiled: CompiledRules, words: ReadonlySet<string>): NegativeTerm[] {
  const found = new Set<number>();
  for (const w of words) {
    for (const index of compiled.negativeByWord.get(w) ?? []) found.add(index);
    for (const { stem, index } of compiled.negativeByStemStart.get(w[0]!) ?? []) if (w.startsWith(stem)) found.add(index);
  }
  return [...found].sort((a, b) => a - b).map((index) => compiled.negative[index]!);
}
