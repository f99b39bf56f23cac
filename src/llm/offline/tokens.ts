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

/** Lowercased word tokens, keeping letters of every script, apostrophes and inner dashes. */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase().replace(/ё/gu, 'е');
  return (ARABIC_LETTER.test(lower) ? normaliseArabic(lower) : lower).match(TOKEN)?.map((t) => t.replace('’', "'")) ?? [];
}

/** Tokens joined by single spaces with a space at each end: the text rule patterns run on. */
export function padded(tokens: readonly string[]): string {
  return ` ${tokens.join(' ')} `;
}
