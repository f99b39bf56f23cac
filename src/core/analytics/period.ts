/**
 * Report periods: what a manager types after /stats (`7d`, `2w`, `2026-11-01..2026-11-27`,
 * `2026-11-03`) turned into a half-open UTC range, with calendar days read in the community's
 * time zone.
 */
import { JamiiError } from '../errors.js';
import type { Period } from './analytics-types.js';
import { plural } from '../plural.js';

export const DAY_MS = 86_400_000;
/** The period /stats covers when none is given. */
export const DEFAULT_PERIOD_DAYS = 7;
/** The longest period a relative form (`400d`) may name. */
export const MAX_PERIOD_DAYS = 731;

const RELATIVE = /^(\d+)([dw])$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes `timeZone` is ahead of UTC at `at`. */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant local midnight starts the calendar day `y-m-d` in `timeZone` (days may overflow the month). */
export function startOfLocalDay(y: number, m: number, d: number, timeZone: string): Date {
  return localTime(y, m, d, 0, 0, timeZone);
}

/** The instant the wall clock in `timeZone` shows `y-m-d hh:mm`. */
export function localTime(y: number, m: number, d: number, hh: number, mm: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let at = guess - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  // Near a DST change the offset at the guess differs from the offset at the answer.
  at = guess - zoneOffsetMinutes(timeZone, new Date(at)) * 60_000;
  return new Date(at);
}

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `YYYY-MM-DD` as [year, month, day]; null unless it names a real calendar day. */
export function parseDay(text: string): [number, number, number] | null {
  const m = DAY.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return [y, mo, d];
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The last `days` days up to `now`. */
export function lastDays(days: number, now: Date): Period {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now, label: `last ${plural(days, 'day')}` };
}

/**
 * Reads a period: empty (the last 7 days), `Nd`/`Nw` (the last N days/weeks up to now), a day,
 * or `FROM..TO` (both days included, local midnight to local midnight in `timeZone`).
 * Throws `bad_arguments` for anything else.
 */
export function parsePeriod(text: string, now: Date, timeZone = 'UTC'): Period {
  const raw = text.trim();
  if (raw === '') return lastDays(DEFAULT_PERIOD_DAYS, now);
  const rel = RELATIVE.exec(raw);
  if (rel) {
    const days = Number(rel[1]) * (rel[2]!.toLowerCase() === 'w' ? 7 : 1);
    if (days < 1 || days > MAX_PERIOD_DAYS) throw new JamiiError('bad_arguments', `A period runs from 1 to ${MAX_PERIOD_DAYS} days; "${raw}" does not.`);
    return lastDays(days, now);
  }
  const [first, second, ...rest] = raw.split('..');
  const start = first === undefined ? null : parseDay(first);
  const end = second === undefined ? start : parseDay(second);
  if (!start || !end || rest.length > 0) {
    throw new JamiiError('bad_arguments', `"${raw}" is not a period. Try 7d, 4w, 2026-11-03 or 2026-11-01..2026-11-27.`);
  }
  const from = startOfLocalDay(...start, timeZone);
  const to = startOfLocalDay(end[0], end[1], end[2] + 1, timeZone);
  if (to.getTime() <= from.getTime()) throw new JamiiError('bad_arguments', `"${raw}" ends before it starts.`);
  return { from, to, label: raw };
}

/** The period of the same length just before `period`, for "change against the previous period". */
export function previousPeriod(period: Period): Period {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from, label: `previous ${plural(Math.round(length / DAY_MS), 'day')}` };
}
