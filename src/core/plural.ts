/** Counts in what people read: `1 day`, `2 days`, `1 reply`, `3 replies`. */

/** The noun alone for `n` of it: singular for exactly 1, plural otherwise (`many` when not just an added "s"). */
export function pluralNoun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `n` and its noun, singular for exactly 1 and plural otherwise (`many` when not just an added "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${pluralNoun(n, one, many)}`;
}
