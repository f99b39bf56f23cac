/**
 * One name for a learned answer everywhere: `/learned` lists `L12`, a card cites `learned/L12`,
 * and `/forget` takes either (or the bare `12`). Cards written before this cited the draft the
 * answer was learned from (`learned/5`, no `L`); `/forget learned/5` still means that entry.
 */

/** A learned entry as a manager names it: its own id, or the id of the draft it was learned from. */
export type LearnedRef = { id: number } | { draftId: number };

/** How cards and `/kb` name a learned entry as a source. */
export const learnedSourceName = (id: number): string => `learned/L${id}`;

/** `12`, `L12`, `learned/L12` (the entry's id) or `learned/12` (an older card's draft id); null otherwise. */
export function parseLearnedRef(text: string): LearnedRef | null {
  const match = /^(learned\/)?(L)?(\d{1,15})$/i.exec(text.trim());
  if (!match) return null;
  const n = Number(match[3]);
  if (!Number.isSafeInteger(n) || n <= 0) return null;
  return match[1] && !match[2] ? { draftId: n } : { id: n };
}
