/**
 * Cron expressions read with cron-parser (the library pg-boss schedules with), in a time zone,
 * with the daylight-saving rules of Vixie cron. A schedule at fixed times (no `*` in its minute or
 * hour field, e.g. `30 2 * * *`) fires once at a wall time the clocks pass twice (the first time),
 * and fires at the jump for a wall time the clocks skip. A wildcard schedule (`*` in the minute or
 * hour field, e.g. `0 * * * *` or `*\/15 9-17 * * *`) keeps its rhythm in real time: it fires at
 * every instant the wall clock matches, both passes of a repeated hour and none in a skipped one.
 */
import cronParser from 'cron-parser';
import { zoneOffsetMinutes } from '../core/analytics/period.js';
import type { CronSchedule } from '../core/news/news-types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Wall times a fixed-time schedule may look at before giving up (a schedule that never matches again). */
const FIXED_TIME_MAX_STEPS = 1_000;

/** True when `cron` is a schedule cron-parser reads (five fields, or six with seconds). */
export function isValidCron(cron: string, timeZone = 'UTC'): boolean {
  try {
    cronParser.parseExpression(cron, { tz: timeZone });
    return true;
  } catch {
    return false;
  }
}

/** cron-parser's aliases (`@daily` and the like), as it expands them. */
const PREDEFINED: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Vixie cron's "wildcard job": `*` (or `*\/n`) in the minute or hour field, or in a seconds field. */
export function isWildcardCron(cron: string): boolean {
  const trimmed = cron.trim();
  const fields = (PREDEFINED[trimmed] ?? trimmed).split(/\s+/);
  const timeFields = fields.length >= 6 ? fields.slice(0, 3) : fields.slice(0, 2);
  return timeFields.some((f) => f.startsWith('*'));
}

const offsetMs = (timeZone: string, at: number) => zoneOffsetMinutes(timeZone, new Date(at)) * MINUTE_MS;

/**
 * The first instant whose wall clock in `timeZone` reads `wall` or later (`wall` in ms, the wall
 * time written as if it were UTC): the only instant showing it, the first of two in a repeated
 * hour, or the jump itself when the clocks skip it. Assumes at most one offset change a day.
 */
export function firstInstantAtWall(wall: number, timeZone: string): number {
  const offsets = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((at) => offsetMs(timeZone, at)))];
  const showing = offsets.map((o) => wall - o).filter((t) => offsetMs(timeZone, t) === wall - t);
  if (showing.length > 0) return Math.min(...showing);
  // Skipped: the wall clock is before `wall` at `lo` and past it at `hi`; find the jump between.
  let lo = Math.floor((wall - Math.max(...offsets)) / MINUTE_MS);
  let hi = Math.ceil((wall - Math.min(...offsets)) / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const at = mid * MINUTE_MS;
    if (at + offsetMs(timeZone, at) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

/**
 * The latest firing of a fixed-time schedule at or before `now`. Walks the matching wall times
 * backwards (cron-parser reading the wall clock as UTC); the instant of each only grows with the
 * wall time, so the first one at or before `now` is the latest.
 */
function latestFixedTime(cron: string, timeZone: string, now: Date): Date {
  const at = now.getTime();
  // Just after a clock went back, earlier instants showed later wall times: start from those.
  const wallNow = at + Math.max(offsetMs(timeZone, at), offsetMs(timeZone, at - DAY_MS));
  const walls = cronParser.parseExpression(cron, { currentDate: new Date(wallNow + 1), tz: 'UTC' });
  for (let step = 0; step < FIXED_TIME_MAX_STEPS; step++) {
    const instant = firstInstantAtWall(walls.prev().getTime(), timeZone);
    if (instant <= at) return new Date(instant);
  }
  throw new Error(`no occurrence of "${cron}" found before ${now.toISOString()}`);
}

export const cronSchedule: CronSchedule = {
  latest(cron, timeZone, now) {
    if (!isWildcardCron(cron)) return latestFixedTime(cron, timeZone, now);
    // `prev()` is strictly before the current date: start a millisecond after now to include now.
    return cronParser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1), tz: timeZone }).prev().toDate();
  },
};
