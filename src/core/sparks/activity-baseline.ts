/**
 * A chat's usual activity by hour of week, and the test for a lull. Pure: the repository counts
 * messages per local (weekday, hour) over the last weeks; this file turns those counts into an
 * expected rate per hour of week, the chat's usual active hours, and a verdict on whether the
 * last few hours were well below what that chat usually sees then.
 */
import { HOUR_MS } from '../time.js';

export const HOURS_PER_WEEK = 168;

/** Messages members wrote in one local hour of week (0 = Sunday), summed over the baseline weeks. */
export interface HourOfWeekTotal {
  dow: number;
  hour: number;
  messages: number;
}

/** Expected member messages per hour of week, and which hours are the chat's usual active ones. */
export interface ActivityBaseline {
  weeks: number;
  /** Index `dow * 24 + hour`: average messages in that local hour over the baseline weeks. */
  expected: number[];
  /** Same index: the hour is among the chat's usual active hours. */
  active: boolean[];
  /** The chat's busiest expected hour. */
  peak: number;
}

/** How the baseline and the lull verdict are tuned. */
export interface BaselineSettings {
  /** An hour is "usually active" when its expected count reaches this share of the busiest hour's. */
  activeShare: number;
  /** ...and at least this many messages per hour on average (a dead chat has no active hours). */
  minActivePerHour: number;
}

export const DEFAULT_BASELINE_SETTINGS: BaselineSettings = { activeShare: 0.3, minActivePerHour: 0.5 };

export const slotOf = (dow: number, hour: number) => dow * 24 + hour;

/** The local weekday (0 = Sunday) and hour of `at` in `timeZone`. */
export function hourOfWeek(at: Date, timeZone: string): { dow: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const weekday = parts.find((p) => p.type === 'weekday')?.value ?? 'Sun';
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  return { dow: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(weekday), hour };
}

export function buildBaseline(totals: readonly HourOfWeekTotal[], weeks: number, settings: BaselineSettings = DEFAULT_BASELINE_SETTINGS): ActivityBaseline {
  const expected = new Array<number>(HOURS_PER_WEEK).fill(0);
  if (weeks > 0) for (const t of totals) expected[slotOf(t.dow, t.hour)]! += t.messages / weeks;
  const peak = Math.max(...expected);
  const floor = Math.max(settings.minActivePerHour, peak * settings.activeShare);
  return { weeks, expected, active: expected.map((e) => peak > 0 && e >= floor), peak };
}

/** Messages the baseline expects in the `hours` whole local hours before `now` (the current hour pro rata). */
export function expectedInWindow(baseline: ActivityBaseline, now: Date, hours: number, timeZone: string): number {
  let sum = 0;
  const minuteShare = (now.getTime() % HOUR_MS) / HOUR_MS;
  // The current hour counts for the part already gone; the hour `hours` back for the rest.
  for (let back = 0; back <= hours; back++) {
    const share = back === 0 ? minuteShare : back === hours ? 1 - minuteShare : 1;
    if (share <= 0) continue;
    const { dow, hour } = hourOfWeek(new Date(now.getTime() - back * HOUR_MS), timeZone);
    sum += baseline.expected[slotOf(dow, hour)]! * share;
  }
  return sum;
}

/** When a lull is worth a spark. */
export interface LullSettings {
  /** Hours looked back for the current activity. */
  windowHours: number;
  /** Quiet means actual ≤ this share of the expected count (0.25: a quarter of usual or less). */
  quietFactor: number;
  /** The window must usually hold at least this many messages (a lull in a trickle is not a lull). */
  minExpected: number;
}

export const DEFAULT_LULL_SETTINGS: LullSettings = { windowHours: 3, quietFactor: 0.25, minExpected: 3 };

export type LullVerdict =
  | { quiet: true; expected: number; actual: number }
  | { quiet: false; expected: number; actual: number; why: 'not_usual_hours' | 'too_little_usual_activity' | 'not_quiet' };

/**
 * Whether the chat is in a lull at `now`: the current local hour is one of its usual active
 * hours, the window usually holds enough messages, and the window's actual count is at or below
 * `quietFactor` of what is expected.
 */
export function detectLull(baseline: ActivityBaseline, actual: number, now: Date, timeZone: string, settings: LullSettings = DEFAULT_LULL_SETTINGS): LullVerdict {
  const expected = expectedInWindow(baseline, now, settings.windowHours, timeZone);
  const { dow, hour } = hourOfWeek(now, timeZone);
  if (!baseline.active[slotOf(dow, hour)]) return { quiet: false, expected, actual, why: 'not_usual_hours' };
  if (expected < settings.minExpected) return { quiet: false, expected, actual, why: 'too_little_usual_activity' };
  if (actual > expected * settings.quietFactor) return { quiet: false, expected, actual, why: 'not_quiet' };
  return { quiet: true, expected, actual };
}
