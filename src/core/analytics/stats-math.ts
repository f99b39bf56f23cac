/** Small numeric helpers for reports: percentiles, change between periods, durations. */

/**
 * The `p`-th quantile (0..1) of `values` by linear interpolation between closest ranks (the
 * spreadsheet PERCENTILE.INC rule): median of [1, 2, 3, 4] is 2.5, p90 of 1..10 is 9.1.
 * Null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = Math.min(Math.max(p, 0), 1) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower]!;
  const hi = sorted[upper]!;
  return lo + (hi - lo) * (position - lower);
}

export interface Spread {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export function spread(seconds: readonly number[]): Spread {
  return { count: seconds.length, medianSeconds: quantile(seconds, 0.5), p90Seconds: quantile(seconds, 0.9) };
}

export interface Change {
  current: number;
  previous: number;
  delta: number;
  /** Percent change; null when the previous value was 0. */
  percent: number | null;
}

export function change(current: number, previous: number): Change {
  return { current, previous, delta: current - previous, percent: previous === 0 ? null : ((current - previous) / Math.abs(previous)) * 100 };
}

/** `+3 (+25%)`, `−2 (−10%)`, `+4 (new)`, `0`. */
export function formatChange(c: Change): string {
  if (c.delta === 0) return '±0';
  const sign = c.delta > 0 ? '+' : '−';
  const pct = c.percent === null ? 'new' : `${sign}${Math.round(Math.abs(c.percent))}%`;
  return `${sign}${Math.abs(c.delta)} (${pct})`;
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`; `—` for none. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

export const secondsBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;
