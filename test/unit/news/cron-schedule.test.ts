import { describe, expect, it } from 'vitest';
import { dueSlot } from '../../../src/core/news/news-schedule.js';
import { cronSchedule, isWildcardCron } from '../../../src/news/cron-schedule.js';

const STEP_MS = 10 * 60_000;

/** Every slot a publisher running every ten minutes would serve over `hours` from `fromIso`. */
function slotsServed(cron: string, timeZone: string, fromIso: string, hours: number): string[] {
  const keys = new Set<string>();
  const start = new Date(fromIso).getTime();
  for (let at = start; at < start + hours * 3_600_000; at += STEP_MS) {
    const slot = dueSlot(cronSchedule, cron, timeZone, new Date(at));
    if (slot) keys.add(slot.key);
  }
  return [...keys];
}

describe('cron schedules across daylight-saving changes', () => {
  it('fires a fixed-time schedule once on the autumn change day, at the first of the two 02:30s', () => {
    // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:30 happens at 00:30Z and at 01:30Z.
    expect(slotsServed('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 24)).toEqual(['cron:2026-10-25T00:30:00.000Z']);
    // During the second 02:30 the latest slot is still the first one.
    expect(cronSchedule.latest('30 2 * * *', 'Europe/Berlin', new Date('2026-10-25T01:40:00Z')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(slotsServed('30 1 * * *', 'America/New_York', '2026-11-01T00:00:00Z', 24)).toEqual(['cron:2026-11-01T05:30:00.000Z']);
  });

  it('fires a fixed-time schedule the spring change skips at the jump', () => {
    // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 never shows on the clock.
    expect(slotsServed('30 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', 22)).toEqual(['cron:2026-03-29T01:00:00.000Z']);
    expect(slotsServed('30 2 * * *', 'America/New_York', '2026-03-08T00:00:00Z', 24)).toEqual(['cron:2026-03-08T07:00:00.000Z']);
    // Santiago skips midnight itself: 00:00 -04 jumps to 01:00 -03 (04:00Z).
    expect(slotsServed('0 0 * * *', 'America/Santiago', '2026-09-05T12:00:00Z', 36)).toEqual(['cron:2026-09-06T04:00:00.000Z']);
  });

  it('keeps other days and zones as they were', () => {
    expect(slotsServed('0 9 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 48)).toEqual(['cron:2026-03-29T07:00:00.000Z', 'cron:2026-03-30T07:00:00.000Z']);
    expect(slotsServed('0 9 * * *', 'Australia/Lord_Howe', '2026-10-03T00:00:00Z', 48)).toEqual(['cron:2026-10-03T22:00:00.000Z', 'cron:2026-10-04T22:00:00.000Z']);
    expect(cronSchedule.latest('0 9 29 2 *', 'Africa/Nairobi', new Date('2026-11-27T06:00:00Z')).toISOString()).toBe('2024-02-29T06:00:00.000Z');
    expect(cronSchedule.latest('@daily', 'UTC', new Date('2026-11-27T06:00:00Z')).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('keeps a wildcard schedule in real time: an hourly one fires in both passes of a repeated hour', () => {
    // London, 2026-10-25: 01:00 BST (00:00Z) and 01:00 GMT (01:00Z) are an hour apart.
    expect(slotsServed('0 * * * *', 'Europe/London', '2026-10-25T00:00:00Z', 3)).toEqual([
      'cron:2026-10-25T00:00:00.000Z',
      'cron:2026-10-25T01:00:00.000Z',
      'cron:2026-10-25T02:00:00.000Z',
    ]);
    expect(isWildcardCron('0 * * * *')).toBe(true);
    expect(isWildcardCron('*/15 9-17 * * *')).toBe(true);
    expect(isWildcardCron('@hourly')).toBe(true);
    expect(isWildcardCron('30 2 * * *')).toBe(false);
    expect(isWildcardCron('0 9,17 * * 1-5')).toBe(false);
  });
});
