/** Counts in what people read: `1 day`, `2 days`, `1 reply`, `3 replies`. */

/** `n` and its noun, singular for exactly 1 and plural otherwise (`many` when not just an added "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
