import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeComplaints } from '../../../../src/core/analytics/complaint-cases.js';
import { draftStats, type StatsSnapshot } from '../../../../src/core/analytics/stats-service.js';
import { periodDays, reportChartSvg } from '../../../../src/core/analytics/report-chart.js';
import { latestReportWeek, templateNarrative } from '../../../../src/core/analytics/weekly-report.js';
import { ConfigError, loadConfig } from '../../../../src/config.js';

const iso = (d: Date) => d.toISOString();

describe('latestReportWeek', () => {
  const monday9 = { timeZone: 'UTC', weekday: 'mon', time: '09:00' } as const;

  it('is this Monday’s report from 09:00, covering the seven days before', () => {
    const w = latestReportWeek(monday9, new Date('2026-11-09T09:30:00Z'));
    expect(w.weekKey).toBe('2026-11-09');
    expect(iso(w.dueAt)).toBe('2026-11-09T09:00:00.000Z');
    expect(iso(w.period.from)).toBe('2026-11-02T00:00:00.000Z');
    expect(iso(w.period.to)).toBe('2026-11-09T00:00:00.000Z');
    expect(w.period.label).toBe('week to 2026-11-08');
  });

  it('is last week’s until the time comes, and stays this week’s until the next Monday', () => {
    expect(latestReportWeek(monday9, new Date('2026-11-09T08:59:00Z')).weekKey).toBe('2026-11-02');
    expect(latestReportWeek(monday9, new Date('2026-11-15T23:00:00Z')).weekKey).toBe('2026-11-09');
    expect(latestReportWeek(monday9, new Date('2026-12-01T10:00:00Z')).weekKey).toBe('2026-11-30');
  });

  it('reads the day and the time in the community time zone', () => {
    const w = latestReportWeek({ timeZone: 'Africa/Nairobi', weekday: 'fri', time: '17:30' }, new Date('2026-11-27T14:45:00Z'));
    expect(w.weekKey).toBe('2026-11-27');
    expect(iso(w.dueAt)).toBe('2026-11-27T14:30:00.000Z');
    expect(iso(w.period.from)).toBe('2026-11-19T21:00:00.000Z');
    expect(iso(w.period.to)).toBe('2026-11-26T21:00:00.000Z');
    // 17:20 Nairobi time on that Friday is before the report time: last week's.
    expect(latestReportWeek({ timeZone: 'Africa/Nairobi', weekday: 'fri', time: '17:30' }, new Date('2026-11-27T14:20:00Z')).weekKey).toBe('2026-11-20');
  });
});

function snapshot(over: { messages: number; net: number; asked?: number; answered?: number; medianSeconds?: number | null }): StatsSnapshot {
  const period = { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-09T00:00:00Z'), label: 'w' };
  return {
    period,
    timeZone: 'UTC',
    members: { joined: Math.max(0, over.net), left: Math.max(0, -over.net), net: over.net },
    activity: { daily: [], hourOfWeek: [], totalMessages: over.messages, activeMembers: 0 },
    questions: {
      asked: over.asked ?? 0,
      answered: over.answered ?? 0,
      answeredByBot: 0,
      answeredByMember: over.answered ?? 0,
      unanswered: (over.asked ?? 0) - (over.answered ?? 0),
      firstResponse: { count: over.answered ?? 0, medianSeconds: over.medianSeconds ?? null, p90Seconds: null },
    },
    complaints: summarizeComplaints([]),
    complaintCases: [],
    drafts: draftStats([]),
    topics: [],
    topicSource: 'labels',
  };
}

describe('templateNarrative', () => {
  it('says how the week compares, how questions fared and what is open', () => {
    const text = templateNarrative({ communityId: 'acme', communityName: 'Acme', language: 'en', current: snapshot({ messages: 8, net: -2, asked: 4, answered: 3, medianSeconds: 900 }), previous: snapshot({ messages: 10, net: 0 }) });
    expect(text).toBe('The week was quieter than the week before (−2 (−20%) messages) and the community shrank by 2. 3 of 4 questions got an answer, typically within 15m.');
  });

  it('counts one question in the singular', () => {
    const text = templateNarrative({ communityId: 'acme', communityName: 'Acme', language: 'en', current: snapshot({ messages: 1, net: 0, asked: 1, answered: 1, medianSeconds: 60 }), previous: snapshot({ messages: 1, net: 0 }) });
    expect(text).toContain('1 of 1 question got an answer');
  });

  it('handles a week with nothing in it', () => {
    expect(templateNarrative({ communityId: 'acme', communityName: 'Acme', language: 'en', current: snapshot({ messages: 0, net: 0 }), previous: snapshot({ messages: 0, net: 0 }) })).toBe(
      'The week was about as busy as the week before (±0 messages) and membership held steady.',
    );
  });
});

describe('report chart', () => {
  it('has one slot per local day, 25-hour days included', () => {
    const period = { from: new Date('2026-10-29T04:00:00Z'), to: new Date('2026-11-05T05:00:00Z'), label: 'w' };
    expect(periodDays(period, 'America/New_York')).toEqual(['2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
  });

  it('draws messages, active members, joins and leaves, escaping the title', () => {
    const svg = reportChartSvg({
      title: 'A & B <week>',
      period: { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-04T00:00:00Z'), label: 'w' },
      timeZone: 'UTC',
      activity: [{ day: '2026-11-02', messages: 4, activeMembers: 2 }],
      members: [{ day: '2026-11-03', joined: 1, left: 2 }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="420"')).toBe(true);
    expect(svg).toContain('A &amp; B &lt;week&gt;');
    expect(svg).toContain('<polyline');
    expect(svg.match(/<rect /g)).toHaveLength(1 + 2 + 4);
    expect(svg).toContain('>11-02<');
    expect(svg).toContain('>11-03<');
  });
});

describe('reports block of the communities file', () => {
  const write = (yaml: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'jamii-reports-')), 'jamii.config.yaml');
    writeFileSync(file, yaml);
    return file;
  };

  it('reads the weekly report settings and defaults them', () => {
    const file = write(
      ['communities:', '  - id: acme', '    name: Acme', '    reports: { timezone: Africa/Nairobi, weekday: fri, time: "17:30" }', '  - id: beta', '    name: Beta'].join('\n'),
    );
    const config = loadConfig({ JAMII_CONFIG: file });
    expect(config.communities.map((c) => c.reports)).toEqual([
      { timeZone: 'Africa/Nairobi', weekday: 'fri', time: '17:30' },
      { timeZone: 'UTC', weekday: 'mon', time: '09:00' },
    ]);
  });

  it('refuses an unknown time zone and a malformed time', () => {
    const file = write(['communities:', '  - id: acme', '    name: Acme', '    reports: { timezone: Mars/Olympus, time: "25:00" }'].join('\n'));
    try {
      loadConfig({ JAMII_CONFIG: file });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String((error as Error).message)).toMatch(/reports\.timezone/);
      expect(String((error as Error).message)).toMatch(/reports\.time/);
    }
  });
});
