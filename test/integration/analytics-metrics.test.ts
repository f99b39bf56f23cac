import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, previousPeriod } from '../../src/core/analytics/period.js';
import { collectStats } from '../../src/core/analytics/stats-service.js';
import { createAnalyticsRepository } from '../../src/db/repositories/analytics-repository.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, type TestJamii } from '../support/harness.js';
import { SEED_COMMUNITY, seedAnalyticsHistory } from './analytics-seed.js';

const NOW = new Date('2026-11-10T06:00:00Z');
const WEEK = '2026-11-02..2026-11-08';

describe.each(DATABASES)('analytics metrics on %s', (database) => {
  let t: TestJamii;
  const scope = { communityIds: [SEED_COMMUNITY] };
  const repo = () => createAnalyticsRepository(t.jamii.db);

  beforeAll(async () => {
    t = await startTestJamii({ database });
    await seedAnalyticsHistory(t.jamii.db);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('counts growth, activity, questions, complaints, drafts and topics of the seeded week', async () => {
    const s = await collectStats(repo(), scope, parsePeriod(WEEK, NOW), 'UTC');
    // Joins: alice, bob, carol (twice: left and rejoined), gina; the bot's join and frank's (next week) are out.
    expect(s.members).toEqual({ joined: 5, left: 2, net: 3 });
    expect(s.activity.totalMessages).toBe(14);
    expect(s.activity.activeMembers).toBe(6);
    expect(s.activity.daily).toEqual([
      { day: '2026-11-02', messages: 2, activeMembers: 2 },
      { day: '2026-11-03', messages: 2, activeMembers: 2 },
      { day: '2026-11-04', messages: 4, activeMembers: 4 },
      { day: '2026-11-05', messages: 3, activeMembers: 3 },
      { day: '2026-11-06', messages: 2, activeMembers: 2 },
      { day: '2026-11-08', messages: 1, activeMembers: 1 },
    ]);
    expect(s.activity.hourOfWeek).toContainEqual({ dow: 1, hour: 10, messages: 2 });
    expect(s.activity.hourOfWeek).toContainEqual({ dow: 3, hour: 13, messages: 2 });
    expect(s.activity.hourOfWeek.reduce((n, h) => n + h.messages, 0)).toBe(14);

    // Questions 5001 (bob after 30m), 5003 (approved reply after 12m), 5004 (none),
    // 5013 (alice after 3m, before the approved reply went out at 6m).
    expect(s.questions).toEqual({
      asked: 4,
      answered: 3,
      answeredByBot: 1,
      answeredByMember: 2,
      unanswered: 1,
      firstResponse: { count: 3, medianSeconds: 720, p90Seconds: 1584 },
    });

    expect(s.complaints).toEqual({
      total: 4,
      acknowledged: 2,
      open: 2,
      byBot: 1,
      byMember: 1,
      acknowledgeTime: { count: 2, medianSeconds: 1260, p90Seconds: 1788 },
      wroteAgain: 2,
      calmer: 1,
      stillNegative: 1,
      left: 2,
      needsAttention: 3,
    });
    const dave = s.complaintCases.find((c) => c.messageId === 95005)!;
    expect(dave.acknowledgement).toMatchObject({ via: 'bot', by: 'Jamii (approved by manager)', text: 'Sorry about the delay, we are on it.' });
    expect(dave).toMatchObject({ secondsToAcknowledge: 1920, laterMessages: 1, tone: 'still_negative', stayed: false, needsAttention: true });
    const erin = s.complaintCases.find((c) => c.messageId === 95007)!;
    expect(erin.acknowledgement).toMatchObject({ via: 'member', by: 'Alice', text: 'Update to 2.1, that fixes it' });
    expect(erin).toMatchObject({ secondsToAcknowledge: 600, tone: 'calmer', stayed: true, needsAttention: false });

    expect(s.drafts).toEqual({
      created: 6,
      approved: 2,
      edited: 1,
      rejected: 1,
      expired: 1,
      pending: 1,
      approvalLatency: { count: 3, medianSeconds: 600, p90Seconds: 1560 },
      byManager: [{ name: 'manager', decisions: 4 }],
    });
    expect(s.topicSource).toBe('labels');
    expect(s.topics).toEqual([
      { topic: 'billing', count: 2 },
      { topic: 'delivery', count: 2 },
      { topic: 'account', count: 1 },
      { topic: 'app', count: 1 },
    ]);
  });

  it('covers the previous period of the same length', async () => {
    const p = await collectStats(repo(), scope, previousPeriod(parsePeriod(WEEK, NOW)), 'UTC');
    expect(p.members).toEqual({ joined: 1, left: 0, net: 1 });
    expect(p.activity.totalMessages).toBe(3);
    expect(p.activity.activeMembers).toBe(2);
    expect(p.questions).toMatchObject({ asked: 1, answered: 0, unanswered: 1 });
  });

  it('reads calendar days in the community time zone', async () => {
    // Nairobi is UTC+3: the week starts 2026-11-01T21:00Z (taking in 22:00Z "early bird") and ends
    // 2026-11-08T21:00Z (leaving out 23:59Z "good night").
    const s = await collectStats(repo(), scope, parsePeriod(WEEK, NOW, 'Africa/Nairobi'), 'Africa/Nairobi');
    expect(s.activity.totalMessages).toBe(14);
    expect(s.activity.daily[0]).toEqual({ day: '2026-11-02', messages: 3, activeMembers: 3 });
    expect(s.activity.daily.map((d) => d.day)).not.toContain('2026-11-09');
    expect(s.activity.hourOfWeek).toContainEqual({ dow: 1, hour: 13, messages: 2 });
  });

  it('narrows to one platform or one chat', async () => {
    const tg = await collectStats(repo(), { ...scope, platform: 'telegram' }, parsePeriod(WEEK, NOW), 'UTC');
    expect(tg.members).toEqual({ joined: 1, left: 0, net: 1 });
    expect(tg.activity.totalMessages).toBe(1);
    const help = await collectStats(repo(), { ...scope, chat: 'help' }, parsePeriod(WEEK, NOW), 'UTC');
    expect(help.activity.totalMessages).toBe(2);
    expect(help.questions).toMatchObject({ asked: 1, answered: 1, answeredByMember: 1 });
  });

  it('reports zeros for a period with no activity', async () => {
    const s = await collectStats(repo(), scope, parsePeriod('2026-06-01..2026-06-30', NOW), 'UTC');
    expect(s.members).toEqual({ joined: 0, left: 0, net: 0 });
    expect(s.activity).toEqual({ daily: [], hourOfWeek: [], totalMessages: 0, activeMembers: 0 });
    expect(s.questions.firstResponse).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(s.complaints.total).toBe(0);
    expect(s.topics).toEqual([]);
  });
});
