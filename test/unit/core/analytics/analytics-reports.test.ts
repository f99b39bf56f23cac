import { describe, expect, it } from 'vitest';
import type { AttentionRow } from '../../../../src/core/analytics/analytics-types.js';
import { complaintCase, firstResponse, summarizeComplaints } from '../../../../src/core/analytics/complaint-cases.js';
import { parsePeriod } from '../../../../src/core/analytics/period.js';
import { formatComplaints, statsCsv } from '../../../../src/core/analytics/stats-format.js';
import { draftStats, type StatsSnapshot } from '../../../../src/core/analytics/stats-service.js';
import { contentWordTopics } from '../../../../src/core/analytics/topics.js';
import { parseStatsArgs } from '../../../../src/core/commands/analytics-commands.js';

const at = (hhmm: string) => new Date(`2026-11-04T${hhmm}:00Z`);

function row(over: Partial<AttentionRow>): AttentionRow {
  return {
    messageId: 1,
    platform: 'sandbox',
    chatTitle: 'General',
    authorName: 'Dave',
    text: 'late again',
    createdAt: at('09:00'),
    isQuestion: false,
    isNegative: true,
    severity: 2,
    draftId: null,
    draftStatus: null,
    decidedByName: null,
    botReplyAt: null,
    botReplyText: null,
    memberReplyAt: null,
    memberReplyName: null,
    memberReplyText: null,
    followUps: [],
    leftAt: null,
    ...over,
  };
}

describe('complaint cases', () => {
  it('takes the earlier of the approved reply and a member reply as the acknowledgement', () => {
    const both = row({ botReplyAt: at('09:30'), botReplyText: 'Sorry', decidedByName: 'Mia', memberReplyAt: at('09:10'), memberReplyName: 'Alice', memberReplyText: 'Same here' });
    expect(firstResponse(both)).toEqual({ at: at('09:10'), via: 'member', by: 'Alice', text: 'Same here' });
    expect(firstResponse({ ...both, memberReplyAt: at('10:00') })).toEqual({ at: at('09:30'), via: 'bot', by: 'Jamii (approved by Mia)', text: 'Sorry' });
    expect(firstResponse(row({}))).toBeNull();
  });

  it('follows the member: tone of the last later message, and whether they left', () => {
    const calmer = complaintCase(
      row({
        botReplyAt: at('09:20'),
        followUps: [
          { createdAt: at('10:00'), isNegative: true, severity: 1, topic: null },
          { createdAt: at('11:00'), isNegative: false, severity: 0, topic: null },
        ],
      }),
    );
    expect(calmer).toMatchObject({ secondsToAcknowledge: 1200, laterMessages: 2, tone: 'calmer', stayed: true, needsAttention: false });
    const gone = complaintCase(row({ botReplyAt: at('09:20'), followUps: [{ createdAt: at('10:00'), isNegative: true, severity: 2, topic: null }], leftAt: at('12:00') }));
    expect(gone).toMatchObject({ tone: 'still_negative', stayed: false, needsAttention: true });
    expect(complaintCase(row({}))).toMatchObject({ acknowledgement: null, secondsToAcknowledge: null, tone: 'none', needsAttention: true });
  });

  it('summarizes counts and acknowledgement times', () => {
    const cases = [
      complaintCase(row({ botReplyAt: at('09:10') })),
      complaintCase(row({ memberReplyAt: at('09:30'), memberReplyName: 'Alice', leftAt: at('12:00') })),
      complaintCase(row({})),
    ];
    expect(summarizeComplaints(cases)).toEqual({
      total: 3,
      acknowledged: 2,
      open: 1,
      byBot: 1,
      byMember: 1,
      acknowledgeTime: { count: 2, medianSeconds: 1200, p90Seconds: 1680 },
      wroteAgain: 0,
      calmer: 0,
      stillNegative: 0,
      left: 1,
      needsAttention: 1,
    });
  });
});

describe('draft decisions', () => {
  it('tells approved from edited by the text and times decisions from creation', () => {
    const created = at('09:00');
    const s = draftStats([
      { status: 'sent', edited: false, createdAt: created, decidedAt: at('09:10') },
      { status: 'sent', edited: true, createdAt: created, decidedAt: at('09:30') },
      { status: 'approved', edited: false, createdAt: created, decidedAt: at('09:05') },
      { status: 'rejected', edited: false, createdAt: created, decidedAt: at('09:01') },
      { status: 'expired', edited: false, createdAt: created, decidedAt: null },
      { status: 'pending', edited: false, createdAt: created, decidedAt: null },
    ]);
    expect(s).toEqual({ created: 6, approved: 2, edited: 1, rejected: 1, expired: 1, pending: 1, approvalLatency: { count: 3, medianSeconds: 600, p90Seconds: 1560 }, byManager: [] });
  });

  it('counts a person\'s decisions once whatever platform they decided from, and none for the system', () => {
    const created = at('09:00');
    const amina = { key: 'person:Amina', name: 'Amina' };
    const s = draftStats([
      { status: 'sent', edited: false, createdAt: created, decidedAt: at('09:10'), decider: amina },
      { status: 'rejected', edited: false, createdAt: created, decidedAt: at('09:20'), decider: amina },
      { status: 'sent', edited: true, createdAt: created, decidedAt: at('09:30'), decider: { key: 'discord:42', name: 'baraka' } },
      { status: 'sent', edited: false, createdAt: created, decidedAt: at('09:40'), decider: { key: 'jamii:auto', name: 'Jamii (auto)' } },
    ]);
    expect(s.byManager).toEqual([
      { name: 'Amina', decisions: 2 },
      { name: 'baraka', decisions: 1 },
    ]);
  });
});

describe('content-word topics', () => {
  it('counts each word once per message, skips stopwords and single mentions', () => {
    const topics = contentWordTopics(['Delivery late, delivery LATE!', 'where is my delivery', 'the invoice is wrong', 'invoice please', 'hello'], 5);
    expect(topics).toEqual([
      { topic: 'delivery', count: 2 },
      { topic: 'invoice', count: 2 },
    ]);
  });
});

describe('/stats arguments', () => {
  it('reads a period, a platform and a chat in any combination', () => {
    expect(parseStatsArgs('')).toEqual({ period: '', platform: undefined, chat: undefined });
    expect(parseStatsArgs('30d')).toEqual({ period: '30d', platform: undefined, chat: undefined });
    expect(parseStatsArgs('2026-11-01..2026-11-27 telegram')).toEqual({ period: '2026-11-01..2026-11-27', platform: 'telegram', chat: undefined });
    expect(parseStatsArgs('7d Help Desk')).toEqual({ period: '7d', platform: undefined, chat: 'Help Desk' });
    expect(parseStatsArgs('general')).toEqual({ period: '', platform: undefined, chat: 'general' });
  });

  it('reads a period out of range as a period, so it gets the range error /stats 0d gets', () => {
    expect(parseStatsArgs('9999d')).toEqual({ period: '9999d', platform: undefined, chat: undefined });
    expect(parseStatsArgs('1000w telegram')).toEqual({ period: '1000w', platform: 'telegram', chat: undefined });
    const outOfRange = (text: string) => () => parsePeriod(text, new Date('2026-11-09T06:00:00Z'));
    expect(outOfRange('9999d')).toThrow(/^A period runs from 1 to \d+ days; "9999d" does not\.$/);
    expect(outOfRange('0d')).toThrow(/^A period runs from 1 to \d+ days; "0d" does not\.$/);
    expect(outOfRange('99999999999999999999d')).toThrow(/^A period runs from 1 to \d+ days/);
  });
});

describe('/complaints', () => {
  it('names a complaint by its draft id (what /show takes), and one without a draft as a message', () => {
    const cases = [complaintCase(row({ messageId: 95005, draftId: 13 })), complaintCase(row({ messageId: 95009, draftId: null }))];
    const snapshot: StatsSnapshot = {
      period: parsePeriod('2026-11-02', new Date()),
      timeZone: 'UTC',
      members: { joined: 0, left: 0, net: 0 },
      activity: { daily: [], hourOfWeek: [], totalMessages: 0, activeMembers: 0 },
      questions: { asked: 0, answered: 0, answeredByBot: 0, answeredByMember: 0, unanswered: 0, firstResponse: { count: 0, medianSeconds: null, p90Seconds: null } },
      complaints: summarizeComplaints(cases),
      complaintCases: cases,
      drafts: draftStats([]),
      topics: [],
      topicSource: 'labels',
    };
    const text = formatComplaints(snapshot, { communityIds: ['alpha'] });
    expect(text).toMatch(/^Draft #13 \d{4}-/m);
    expect(text).toMatch(/^Message 95009 \(no draft\) \d{4}-/m);
    expect(text).not.toContain('#95005');
  });
});

describe('CSV export', () => {
  it('writes the metrics in long form and quotes cells that need it', () => {
    const period = parsePeriod('2026-11-02', new Date());
    const snapshot: StatsSnapshot = {
      period,
      timeZone: 'UTC',
      members: { joined: 2, left: 1, net: 1 },
      activity: { daily: [{ day: '2026-11-02', messages: 3, activeMembers: 2 }], hourOfWeek: [{ dow: 1, hour: 9, messages: 3 }], totalMessages: 3, activeMembers: 2 },
      questions: { asked: 1, answered: 1, answeredByBot: 1, answeredByMember: 0, unanswered: 0, firstResponse: { count: 1, medianSeconds: 60, p90Seconds: 60 } },
      complaints: summarizeComplaints([]),
      complaintCases: [],
      drafts: draftStats([]),
      topics: [{ topic: 'billing, invoices', count: 2 }],
      topicSource: 'labels',
    };
    const lines = statsCsv(snapshot).split('\n');
    expect(lines[0]).toBe('metric,key,value');
    expect(lines).toContain('period_from,,2026-11-02T00:00:00.000Z');
    expect(lines).toContain('members_net,,1');
    expect(lines).toContain('messages_per_day,2026-11-02,3');
    expect(lines).toContain('messages_by_hour_of_week,Mon 09,3');
    expect(lines).toContain('question_first_response_median_seconds,,60');
    expect(lines).toContain('complaint_first_response_median_seconds,,');
    expect(lines).toContain('topic,"billing, invoices",2');
  });
});
