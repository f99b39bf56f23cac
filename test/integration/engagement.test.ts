/**
 * Post measurement on a hand-built history: three sent posts (a news item, a poll spark, a
 * question spark), the members' messages in the six hours after each, and the same hours of
 * the four weeks before. Every expected number is counted by hand from the rows below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeEngagement } from '../../src/core/analytics/engagement.js';
import { parsePeriod } from '../../src/core/analytics/period.js';
import { createEngagementRepository } from '../../src/db/repositories/engagement-repository.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

const NOW = new Date('2026-11-27T08:00:00Z');
/** The clock Jamii reads: NOW, until the weekly report test moves it to the next report day. */
let now = NOW;

const SEED = `
insert into chats (id, platform, platform_chat_id, title, community_id) values
  (9201, 'sandbox', 'eng-general', 'General', 'default'),
  (9202, 'sandbox', 'eng-help', 'Help', 'default');

insert into members (id, platform, platform_user_id, display_name, is_bot) values
  (9301, 'sandbox', 'eng-alice', 'Alice', false),
  (9302, 'sandbox', 'eng-bob', 'Bob', false),
  (9303, 'sandbox', 'eng-carol', 'Carol', false),
  (9304, 'sandbox', 'eng-helper', 'Helper bot', true);

insert into drafts (id, message_id, target_chat_id, community_id, kind, text, original_text, status, reason, language, prompt_name, prompt_version, provider, sources, details, dedupe_key, created_at) values
  (9401, null, 9201, 'default', 'news', 'Maize prices fall https://kilimo.example/maize', 'x', 'sent', 'news', 'en', 'news-offline', '1', 'offline',
   '[{"source": "https://kilimo.example/maize", "heading": "Kilimo News › Maize prices fall"}]', '{}', 'eng-news-1', '2026-11-23T09:00:00Z'),
  (9402, null, 9201, 'default', 'spark', '📊 Quick poll', 'x', 'sent', 'quiet', 'en', 'spark-offline', '1', 'offline',
   '[]', '{"sparkKind": "poll"}', 'eng-spark-2', '2026-11-25T09:00:00Z'),
  (9403, null, 9202, 'default', 'spark', 'What are you working on?', 'x', 'sent', 'quiet', 'en', 'spark-offline', '1', 'offline',
   '[]', '{"sparkKind": "question"}', 'eng-spark-3', '2026-11-24T14:00:00Z');

insert into outbox (kind, dedupe_key, draft_id, platform, platform_chat_id, text, status, platform_message_id, created_at, sent_at) values
  ('card', 'eng-card-1', 9401, 'sandbox', 'desk', 'card', 'sent', 'c-1', '2026-11-23T09:00:00Z', '2026-11-23T09:00:01Z'),
  ('post', 'post:9401', 9401, 'sandbox', 'eng-general', 'Maize prices fall', 'sent', 'bot-1', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z'),
  ('post', 'post:9402', 9402, 'sandbox', 'eng-general', '📊 Quick poll', 'sent', 'bot-2', '2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z'),
  ('post', 'post:9403', 9403, 'sandbox', 'eng-help', 'What are you working on?', 'sent', 'bot-3', '2026-11-24T15:00:00Z', '2026-11-24T15:00:00Z');

insert into messages (chat_id, platform_message_id, thread_id, author_id, text, reply_to_platform_message_id, from_bot, created_at) values
  -- After the news post (Mon 23rd 10:00-16:00): 4 member messages by 3 people, 2 of them replies.
  (9201, 'e1', null, 9301, 'prices are down here too', 'bot-1', false, '2026-11-23T10:05:00Z'),
  (9201, 'e2', null, 9302, 'good news', 'bot-1', false, '2026-11-23T10:20:00Z'),
  (9201, 'e3', null, 9304, 'beep', null, false, '2026-11-23T11:00:00Z'),
  (9201, 'e4', null, null, 'Jamii says hi', null, true, '2026-11-23T11:30:00Z'),
  (9201, 'e5', null, 9303, 'anyone selling?', null, false, '2026-11-23T12:00:00Z'),
  (9201, 'e6', null, 9301, 'me', null, false, '2026-11-23T15:59:00Z'),
  (9201, 'e7', null, 9302, 'too late for the window', null, false, '2026-11-23T16:00:00Z'),
  -- The same Monday hours in the four weeks before: 2 + 1 + 0 + 1 messages, 2 + 1 + 0 + 1 speakers.
  (9201, 'b1', null, 9301, 'week -1', null, false, '2026-11-16T11:00:00Z'),
  (9201, 'b2', null, 9302, 'week -1', null, false, '2026-11-16T12:00:00Z'),
  (9201, 'b3', null, 9301, 'week -2', null, false, '2026-11-09T13:00:00Z'),
  (9201, 'b4', null, 9303, 'week -4', null, false, '2026-10-26T14:00:00Z'),
  (9201, 'b5', null, 9303, 'week -5: outside the baseline', null, false, '2026-10-19T14:00:00Z'),
  -- After the poll (Wed 25th 10:00-16:00): 2 messages by one person, 1 in the post's thread.
  (9201, 'p1', 'bot-2', 9301, 'voted!', null, false, '2026-11-25T10:30:00Z'),
  (9201, 'p2', null, 9301, 'interesting results', null, false, '2026-11-25T11:00:00Z'),
  -- The same Wednesday hours before: 1 message in four weeks.
  (9201, 'pb1', null, 9302, 'week -1', null, false, '2026-11-18T13:00:00Z'),
  -- The question in Help (Tue 24th 15:00-21:00): nothing; before: 1 message in four weeks.
  (9202, 'qb1', null, 9303, 'week -1', null, false, '2026-11-17T16:00:00Z');
`;

describe.each(DATABASES)('post engagement on %s', (database) => {
  let t: TestJamii;
  beforeAll(async () => {
    t = await startTestJamii({ database, start: { clock: { now: () => now } } });
    await t.jamii.db.sql.executeSql(SEED);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const period = parsePeriod('2026-11-23..2026-11-25', NOW);

  it('counts replies, messages and speakers after each post, and the same hours of the four weeks before', async () => {
    const rows = await createEngagementRepository(t.jamii.db).posts({ communityIds: ['default'] }, period, 6, 4);
    expect(rows.map((r) => ({ id: r.draftId, replies: r.replies, messages: r.messages, speakers: r.speakers, base: r.baselineMessages, baseSpeakers: r.baselineSpeakers }))).toEqual([
      { id: 9401, replies: 2, messages: 4, speakers: 3, base: 1, baseSpeakers: 1 },
      { id: 9403, replies: 0, messages: 0, speakers: 0, base: 0.25, baseSpeakers: 0.25 },
      { id: 9402, replies: 1, messages: 2, speakers: 1, base: 0.25, baseSpeakers: 0.25 },
    ]);
    expect(rows[0]).toMatchObject({ kind: 'news', sourceUrl: 'https://kilimo.example/maize', sourceHeading: 'Kilimo News › Maize prices fall', reactions: null });
    expect(rows[2]).toMatchObject({ kind: 'spark', sparkKind: 'poll', chatTitle: 'General' });
  });

  it('groups news by source and sparks by kind, best lift first', async () => {
    const rows = await createEngagementRepository(t.jamii.db).posts({ communityIds: ['default'] }, period, 6, 4);
    expect(summarizeEngagement(rows, NOW).map((g) => ({ kind: g.kind, label: g.label, posts: g.posts, open: g.open, lift: g.lift }))).toEqual([
      { kind: 'spark', label: 'poll', posts: 1, open: 0, lift: 8 },
      { kind: 'news', label: 'Kilimo News', posts: 1, open: 0, lift: 4 },
      { kind: 'spark', label: 'question', posts: 1, open: 0, lift: 0 },
    ]);
  });

  it('shows the manager which sources and starters worked with /stats posts', async () => {
    const reply = await t.jamii.commands.dispatchText({ platform: 'sandbox', userId: 'manager', displayName: 'Manager' }, '/stats posts 2026-11-23..2026-11-25');
    expect(reply!.text.split('\n')).toEqual([
      '📣 Posts — default — 2026-11-23..2026-11-25 (2026-11-23 – 2026-11-25)',
      'Measured over the 6 hours after each post, against the same hours of the 4 weeks before in that chat.',
      'spark · poll: 1 post · 1 reply, 1 speaker (usually 0.3), 2 messages (usually 0.3) · ×8.0 the usual messages',
      'news · Kilimo News: 1 post · 2 replies, 3 speakers (usually 1), 4 messages (usually 1) · ×4.0 the usual messages',
      'spark · question: 1 post · 0 replies, 0 speakers (usually 0.3), 0 messages (usually 0.3) · ×0.0 the usual messages',
    ]);
    // Only one chat: the Help chat's question alone.
    const help = await t.jamii.commands.dispatchText({ platform: 'sandbox', userId: 'manager', displayName: 'Manager' }, '/stats posts 2026-11-23..2026-11-25 sandbox Help');
    expect(help!.text).toContain('spark · question: 1 post');
    expect(help!.text).not.toContain('Kilimo News');
  });

  it('puts the week’s posts, best first, in the weekly report', async () => {
    // Monday 30 November 09:30 UTC: the report for 23–29 November is due.
    now = new Date('2026-11-30T09:30:00Z');
    try {
      expect(await t.jamii.reports.postDue()).toBe(1);
      const report = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🗓 Weekly report')), 15_000, 'the report');
      const lines = report.text.split('\n');
      const at = lines.indexOf('📣 Posts (6h after each, against the usual):');
      expect(at).toBeGreaterThan(0);
      expect(lines.slice(at + 1, at + 4)).toEqual([
        '• spark · poll: 1 post · 1 reply, 1 speaker (usually 0.3), 2 messages (usually 0.3) · ×8.0 the usual messages',
        '• news · Kilimo News: 1 post · 2 replies, 3 speakers (usually 1), 4 messages (usually 1) · ×4.0 the usual messages',
        '• spark · question: 1 post · 0 replies, 0 speakers (usually 0.3), 0 messages (usually 0.3) · ×0.0 the usual messages',
      ]);
    } finally {
      now = NOW;
    }
  });
});
