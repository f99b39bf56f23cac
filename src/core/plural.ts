/** Counts in what people read: `1 day`, `2 days`, `1 reply`, `3 replies`, `1.5 replies`. */

/** The noun alone for `n` of it: singular for exactly 1, plural otherwise (`many` when not just an added "s"). */
export function pluralNoun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `n` and its noun, singular for exactly 1 and plural otherwise (`many` when not just an added "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${pluralNoun(n, one, many)}`;
}

/** An average as shown: to one decimal, which reads without a trailing `.0` (1, 1.5, 0.3); 0 over nothing. */
export function averageShown(total: number, n: number): number {
  return n === 0 ? 0 : Number((total / n).toFixed(1));
}

/** An average count as people say it, its noun agreeing with the number shown: `1 reply`, `1.5 replies`, `0 replies`. */
export function averageOf(total: number, n: number, one: string, many = `${one}s`): string {
  return plural(averageShown(total, n), one, many);
}
