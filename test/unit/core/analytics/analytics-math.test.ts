import { describe, expect, it } from 'vitest';
import { lastDays, localDay, parsePeriod, previousPeriod, startOfLocalDay } from '../../../../src/core/analytics/period.js';
import { change, formatChange, formatDuration, quantile, spread } from '../../../../src/core/analytics/stats-math.js';
import { JamiiError } from '../../../../src/core/errors.js';

const NOW = new Date('2026-11-27T10:00:00Z');

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(quantile([180, 720, 1800], 0.9)).toBeCloseTo(1584);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('is null without values', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(spread([])).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
  });
});

describe('change against the previous period', () => {
  it('gives the delta and the percent', () => {
    expect(change(15, 12)).toEqual({ current: 15, previous: 12, delta: 3, percent: 25 });
    expect(formatChange(change(15, 12))).toBe('+3 (+25%)');
    expect(formatChange(change(9, 10))).toBe('−1 (−10%)');
  });

  it('has no percent when the previous value was zero', () => {
    expect(change(4, 0).percent).toBeNull();
    expect(formatChange(change(4, 0))).toBe('+4 (new)');
    expect(formatChange(change(0, 0))).toBe('±0');
  });
});

describe('formatDuration', () => {
  it('picks the unit a manager reads at a glance', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(720)).toBe('12m');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3h 5m');
    expect(formatDuration(52 * 3600)).toBe('2d 4h');
  });
});

describe('parsePeriod', () => {
  it('defaults to the last 7 days', () => {
    const p = parsePeriod('', NOW);
    expect(p.from.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(p.to).toEqual(NOW);
  });

  it('names a one-day period in the singular, and the one before it', () => {
    expect(parsePeriod('1d', NOW).label).toBe('last 1 day');
    expect(previousPeriod(parsePeriod('1d', NOW)).label).toBe('previous 1 day');
    expect(parsePeriod('2d', NOW).label).toBe('last 2 days');
    expect(previousPeriod(parsePeriod('1w', NOW)).label).toBe('previous 7 days');
  });

  it('reads days and weeks back from now', () => {
    expect(parsePeriod('30d', NOW).from.toISOString()).toBe('2026-10-28T10:00:00.000Z');
    expect(parsePeriod('2w', NOW)).toEqual(lastDays(14, NOW));
  });

  it('reads a range of days, both included, in UTC', () => {
    const p = parsePeriod('2026-11-01..2026-11-27', NOW);
    expect(p.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(p.label).toBe('2026-11-01..2026-11-27');
  });

  it('reads calendar days in the given time zone, across a DST change', () => {
    const nairobi = parsePeriod('2026-11-02', NOW, 'Africa/Nairobi');
    expect(nairobi.from.toISOString()).toBe('2026-11-01T21:00:00.000Z');
    expect(nairobi.to.toISOString()).toBe('2026-11-02T21:00:00.000Z');
    // New York leaves daylight time on 2026-11-01: that day lasts 25 hours.
    const ny = parsePeriod('2026-11-01', NOW, 'America/New_York');
    expect(ny.from.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(ny.to.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(startOfLocalDay(2026, 3, 8, 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(localDay(new Date('2026-11-01T22:00:00Z'), 'Africa/Nairobi')).toBe('2026-11-02');
  });

  it('refuses what is not a period', () => {
    for (const bad of ['yesterday', '0d', '999d', '2026-02-30', '2026-11-05..2026-11-01', '2026-11-01..']) {
      expect(() => parsePeriod(bad, NOW), bad).toThrow(JamiiError);
    }
  });

  it('gives the previous period of the same length', () => {
    const prev = previousPeriod(parsePeriod('2026-11-02..2026-11-08', NOW));
    expect(prev.from.toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect(prev.to.toISOString()).toBe('2026-11-02T00:00:00.000Z');
  });
});
