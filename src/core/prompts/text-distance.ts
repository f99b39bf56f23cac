/**
 * How far one text is from another: Levenshtein distance over characters (code points), and
 * the same normalised to 0..1 by the longer text's length (0 identical, 1 nothing in common).
 */

/** Texts are compared up to this many characters; longer drafts are cut (replies are short). */
export const EDIT_DISTANCE_MAX_CHARS = 4_000;

export function levenshtein(a: string, b: string): number {
  const x = Array.from(a).slice(0, EDIT_DISTANCE_MAX_CHARS);
  const y = Array.from(b).slice(0, EDIT_DISTANCE_MAX_CHARS);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let previous = new Uint32Array(y.length + 1);
  let current = new Uint32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) previous[j] = j;
  for (let i = 1; i <= x.length; i++) {
    current[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length]!;
}

/** Levenshtein distance divided by the longer text's length: 0 identical, 1 entirely different. */
export function normalizedEditDistance(a: string, b: string): number {
  const longest = Math.min(Math.max(Array.from(a).length, Array.from(b).length), EDIT_DISTANCE_MAX_CHARS);
  return longest === 0 ? 0 : levenshtein(a, b) / longest;
}
