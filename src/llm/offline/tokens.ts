/**
 * Words as the offline labeller reads them: lowercased, in every script, French elisions split
 * off and Arabic written the one way the rule tables are.
 */

/**
 * A word (letters or digits of any script, with their combining marks, inner apostrophes and
 * dashes), or a French elision before a word ("j'", "l'", "qu'"), which is a word of its own.
 */
const TOKEN = /(?:[cdjlmnst]|qu)['’](?=\p{L})|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;
const ARABIC_LETTER = /\p{Script=Arabic}/u;

/** Arabic as the rules are written: no diacritics or tatweel, bare alef, yeh for final alef maqsura. */
function normaliseArabic(text: string): string {
  return text.replace(/[\u064B-\u065F\u0670\u0640]/gu, '').replace(/[أإآ]/gu, 'ا').replace(/ى/gu, 'ي');
}

/** The text as the rules read it: lowercased, ё as е, Arabic normalised. Punctuation is kept as is. */
function normalise(text: string): string {
  const lower = text.toLowerCase().replace(/ё/gu, 'е');
  return ARABIC_LETTER.test(lower) ? normaliseArabic(lower) : lower;
}

const token = (word: string) => word.replace('’', "'");

/** Lowercased word tokens, keeping letters of every script, apostrophes and inner dashes. */
export function tokenize(text: string): string[] {
  return normalise(text).match(TOKEN)?.map(token) ?? [];
}

/** A sentence: the text up to a run of ".", "!", "?", "؟", "…" or a line break, and how it ended. */
export interface Sentence {
  words: string[];
  /** The words before the first comma (or ";", ":", "،", "؛"): "qué pesadez, …" is an exclamation however it goes on. */
  firstClause: string[];
  /** Ends with "?" or "؟", or holds "¿". */
  asks: boolean;
  /** Ends with "!" (or opens with "¡"): an exclamation, not a question. */
  exclaims: boolean;
}

/** One message read once: its tokens, its sentences, and its clauses (negation never crosses a clause). */
export interface Segmented {
  tokens: string[];
  sentences: Sentence[];
  clauses: string[][];
}

const SENTENCE_END = /[.!?؟…\n]+/u;
const SENTENCE_END_CHAR = /[.!?؟…\n]/u;
const CLAUSE_BREAK = /[,.;:!?¡¿\n()…،؛؟]|\s[-–—]\s/u;
const FIRST_CLAUSE_BREAK = /[,;:،؛]/u;

/**
 * Tokenizes a message once and groups its tokens into sentences and clauses by the punctuation
 * between them. A sentence takes the first run of end marks after its last word ("Great! 😡?"
 * ends with "!": the "?" belongs to a sentence without words).
 */
export function segment(text: string): Segmented {
  const normalised = normalise(text);
  const tokens: string[] = [];
  const sentences: Sentence[] = [];
  const clauses: string[][] = [];
  // Assigned in endSentence/startSentence too: typed so the loop does not narrow it to null.
  let sentence = null as Sentence | null;
  let clause: string[] = [];
  let firstClauseOpen = true;
  let last = 0;
  const endSentence = (marks: string) => {
    if (!sentence) return;
    if (/[?؟]/u.test(marks)) sentence.asks = true;
    if (marks.includes('!')) sentence.exclaims = true;
    sentences.push(sentence);
    sentence = null;
  };
  const startSentence = (opening: string) => {
    const trimmed = opening.trimStart();
    firstClauseOpen = !FIRST_CLAUSE_BREAK.test(opening);
    sentence = { words: [], firstClause: [], asks: opening.includes('¿'), exclaims: trimmed.startsWith('¡') };
  };
  for (const m of normalised.matchAll(TOKEN)) {
    const gap = normalised.slice(last, m.index);
    last = m.index + m[0].length;
    if (gap !== ' ' || sentence === null) {
      const end = SENTENCE_END.exec(gap);
      if (end || sentence === null) {
        if (end && sentence && gap.slice(0, end.index).includes('¿')) sentence.asks = true;
        endSentence(end?.[0] ?? '');
        let from = gap.length;
        while (from > 0 && !SENTENCE_END_CHAR.test(gap[from - 1]!)) from -= 1;
        startSentence(gap.slice(from));
      } else {
        if (gap.includes('¿')) sentence.asks = true;
        if (FIRST_CLAUSE_BREAK.test(gap)) firstClauseOpen = false;
      }
      if (clause.length > 0 && CLAUSE_BREAK.test(gap)) {
        clauses.push(clause);
        clause = [];
      }
    }
    const word = token(m[0]);
    tokens.push(word);
    clause.push(word);
    if (sentence) {
      sentence.words.push(word);
      if (firstClauseOpen) sentence.firstClause.push(word);
    }
  }
  const rest = normalised.slice(last);
  const end = SENTENCE_END.exec(rest);
  if (sentence && rest.slice(0, end?.index ?? rest.length).includes('¿')) sentence.asks = true;
  endSentence(end?.[0] ?? '');
  if (clause.length > 0) clauses.push(clause);
  return { tokens, sentences, clauses };
}

/** Tokens joined by single spaces with a space at each end: the text rule patterns run on. */
export function padded(tokens: readonly string[]): string {
  return ` ${tokens.join(' ')} `;
}
