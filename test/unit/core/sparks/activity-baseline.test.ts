import { describe, expect, it } from 'vitest';
import { buildBaseline, detectLull, expectedInWindow, hourOfWeek, slotOf, type HourOfWeekTotal } from '../../../../src/core/sparks/activity-baseline.js';

/**
 * Eight weeks of a chat that talks on weekdays 09:00-18:00 Nairobi time (06:00-15:00 UTC),
 * 12 messages in each such hour, and 1 message in each evening hour 19:00-21:00.
 */
function generatedHistory(weeks: number): HourOfWeekTotal[] {
  const totals: HourOfWeekTotal[] = [];
  for (let dow = 1; dow <= 5; dow++) {
    for (let hour = 9; hour < 18; hour++) totals.push({ dow, hour, messages: 12 * weeks });
    for (let hour = 19; hour < 22; hour++) totals.push({ dow, hour, messages: 1 * weeks });
  }
  return totals;
}

const TZ = 'Africa/Nairobi';
// Wednesday 2026-11-25, 14:30 in Nairobi (UTC+3).
const WEDNESDAY_AFTERNOON = new Date('2026-11-25T11:30:00Z');

describe('activity baseline by hour of week', () => {
  const baseline = buildBaseline(generatedHistory(8), 8);

  it('reads the local weekday and hour in the community time zone', () => {
    expect(hourOfWeek(WEDNESDAY_AFTERNOON, TZ)).toEqual({ dow: 3, hour: 14 });
    expect(hourOfWeek(new Date('2026-11-28T22:30:00Z'), TZ)).toEqual({ dow: 0, hour: 1 });
  });

  it('averages the weeks and marks the busy hours as usual active hours, not the evening trickle', () => {
    expect(baseline.expected[slotOf(3, 10)]).toBe(12);
    expect(baseline.expected[slotOf(3, 20)]).toBe(1);
    expect(baseline.active[slotOf(3, 10)]).toBe(true);
    expect(baseline.active[slotOf(3, 20)]).toBe(false);
    expect(baseline.active[slotOf(6, 10)]).toBe(false);
    expect(baseline.active.filter(Boolean)).toHaveLength(45);
  });

  it('expects the last three hours pro rata: half of 11:00, all of 12:00 and 13:00, half of 14:00', () => {
    expect(expectedInWindow(baseline, WEDNESDAY_AFTERNOON, 3, TZ)).toBeCloseTo(36);
  });

  it('calls a usual active hour with a quarter of the usual messages or less a lull', () => {
    expect(detectLull(baseline, 9, WEDNESDAY_AFTERNOON, TZ)).toEqual({ quiet: true, expected: 36, actual: 9 });
    expect(detectLull(baseline, 0, WEDNESDAY_AFTERNOON, TZ).quiet).toBe(true);
  });

  it('does not call it a lull when the chat is about as busy as usual', () => {
    expect(detectLull(baseline, 10, WEDNESDAY_AFTERNOON, TZ)).toMatchObject({ quiet: false, why: 'not_quiet' });
  });

  it('never sparks outside the usual active hours: a silent Saturday or a weekday night is normal', () => {
    expect(detectLull(baseline, 0, new Date('2026-11-28T08:00:00Z'), TZ)).toMatchObject({ quiet: false, why: 'not_usual_hours' });
    expect(detectLull(baseline, 0, new Date('2026-11-25T20:00:00Z'), TZ)).toMatchObject({ quiet: false, why: 'not_usual_hours' });
  });

  it('has no active hours for a chat with no history', () => {
    const empty = buildBaseline([], 8);
    expect(empty.active.some(Boolean)).toBe(false);
    expect(detectLull(empty, 0, WEDNESDAY_AFTERNOON, TZ)).toMatchObject({ quiet: false, why: 'not_usual_hours' });
  });

  it('ignores a chat whose usual window is a trickle', () => {
    const trickle = buildBaseline(generatedHistory(8).map((t) => ({ ...t, messages: t.hour < 18 ? 4 : 0 })), 8);
    expect(detectLull(trickle, 0, WEDNESDAY_AFTERNOON, TZ)).toMatchObject({ quiet: false, why: 'too_little_usual_activity' });
  });
});
