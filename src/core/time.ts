/** Durations in milliseconds, for the core's date arithmetic. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
