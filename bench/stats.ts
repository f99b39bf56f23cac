/**
 * Clocks and percentiles for the bench.
 */
import { performance } from 'node:perf_hooks';

/** Monotonic milliseconds. */
export const now = (): number => performance.now();

export const elapsedMs = (since: number): number => performance.now() - since;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable to database `now()`. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an unsorted list (milliseconds). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
