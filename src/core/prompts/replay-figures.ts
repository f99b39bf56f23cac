/**
 * What every replay report measures the same way, whatever the prompt writes (replies in
 * prompt-replay.ts, news posts in news-replay.ts): how close each version's text comes to what a
 * manager actually sent, and samples clipped to one line.
 */
import { distance } from './prompt-quality.js';
import { normalizedEditDistance } from './text-distance.js';

/** A sample's text is cut to this many characters, on one line. */
const SAMPLE_CHARS = 160;

export interface Closeness {
  /** Texts a manager approved or edited: the ones measured. */
  decided: number;
  /** Mean normalised edit distance from each version's text to the text sent; null with nothing decided. */
  meanDistance: { candidate: number | null; baseline: number | null };
  closer: number;
  farther: number;
}

export const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Each version's text (null: it wrote none) against what was sent, where something was. */
export function closeness(pairs: ReadonlyArray<{ candidate: string | null; baseline: string | null; sent: string | null }>): Closeness {
  const candidate: number[] = [];
  const baseline: number[] = [];
  let closer = 0;
  let farther = 0;
  for (const p of pairs) {
    if (p.sent === null) continue;
    const dc = normalizedEditDistance(p.candidate ?? '', p.sent);
    const db = normalizedEditDistance(p.baseline ?? '', p.sent);
    candidate.push(dc);
    baseline.push(db);
    if (dc < db) closer++;
    else if (dc > db) farther++;
  }
  return { decided: candidate.length, meanDistance: { candidate: mean(candidate), baseline: mean(baseline) }, closer, farther };
}

/** The report's closeness line; `what` names the texts ("messages", "posts"). */
export function closenessLine(c: Closeness, what: string): string {
  if (c.decided === 0) return `No manager has decided on these ${what} yet, so there is nothing to measure closeness against.`;
  return `Closeness to what managers sent (${c.decided} decided; mean normalised edit distance, 0 = identical): candidate ${distance(c.meanDistance.candidate)}, baseline ${distance(c.meanDistance.baseline)}; candidate closer on ${c.closer}, farther on ${c.farther}.`;
}

/** A sample on one line, cut to SAMPLE_CHARS; `none` stands for a missing text. */
export function clipSample(text: string | null, none: string): string {
  if (text === null) return none;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SAMPLE_CHARS ? flat : `${flat.slice(0, SAMPLE_CHARS - 1)}…`;
}
