/**
 * When a chat gets news: the latest occurrence of its cron schedule (in its time zone), its quiet
 * hours and its local day (for the daily cap). Pure functions of a clock reading.
 */
import { localDay, startOfLocalDay, zoneOffsetMinutes } from '../analytics/period.js';
import type { CronSchedule, QuietHours } from './news-types.js';

/** A slot missed while Jamii was down is still served this long after its time; older ones are skipped. */
export const NEWS_CATCH_UP_MS = 60 * 60_000;

/** The slot due at `now` (its key and time), or null when the latest one is older than the catch-up window. */
export function dueSlot(schedule: CronSchedule, cron: string, timeZone: string, now: Date): { key: string; at: Date } | null {
  const at = schedule.latest(cron, timeZone, now);
  if (now.getTime() - at.getTime() > NEWS_CATCH_UP_MS) return null;
  return { key: `cron:${at.toISOString()}`, at };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Minutes since local midnight in `timeZone`. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const local = new Date(at.getTime() + zoneOffsetMinutes(timeZone, at) * 60_000);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** True inside the quiet hours (start inclusive, end exclusive; wrapping past midnight when start > end). */
export function inQuietHours(quiet: QuietHours | null, timeZone: string, at: Date): boolean {
  if (!quiet) return false;
  const now = localMinuteOfDay(at, timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** The start of the local day `at` falls in. */
export function startOfLocalDayAt(at: Date, timeZone: string): Date {
  const [y, m, d] = localDay(at, timeZone).split('-').map(Number) as [number, number, number];
  return startOfLocalDay(y, m, d, timeZone);
}
