/**
 * What spark detection reads, on a hand-built chat: hour-of-week totals in the community's time
 * zone (members only), open questions (not answered by a reply, a thread message or a draft),
 * recent news posts and the chat's earlier sparks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSparksRepository } from '../../src/db/repositories/sparks-repository.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, type TestJamii } from '../support/harness.js';

const SEED = `
insert into chats (id, platform, platform_chat_id, title, community_id) values
  (9501, 'sandbox', 'sp-general', 'General', 'default');

insert into members (id, platform, platform_user_id, display_name, is_bot) values
  (9601, 'sandbox', 'sp-alice', 'Alice', false),
  (9602, 'sandbox', 'sp-bob', 'Bob', false),
  (9603, 'sandbox', 'sp-helper', 'Helper bot', true);

insert into messages (id, chat_id, platform_message_id, thread_id, author_id, text, reply_to_platform_message_id, is_question, from_bot, deleted_at, created_at) values
  -- Monday 2026-11-23 08:10 and 08:50 UTC = 11:xx in Nairobi; a bot's and Jamii's messages do not count.
  (96001, 9501, 's1', null, 9601, 'morning', null, false, false, null, '2026-11-23T08:10:00Z'),
  (96002, 9501, 's2', null, 9602, 'hi', null, false, false, null, '2026-11-23T08:50:00Z'),
  (96003, 9501, 's3', null, 9603, 'beep', null, false, false, null, '2026-11-23T08:20:00Z'),
  (96004, 9501, 's4', null, null, 'Jamii here', null, false, true, null, '2026-11-23T08:30:00Z'),
  -- Questions on Wednesday: one answered by a reply, one in a thread, one by Jamii's draft, one followed up by its asker only, one deleted, one open.
  (96010, 9501, 'q1', null, 9601, 'Where is the depot?', null, true, false, null, '2026-11-25T06:00:00Z'),
  (96011, 9501, 'a1', null, 9602, 'Next to the market', 'q1', false, false, null, '2026-11-25T06:05:00Z'),
  (96012, 9501, 'q2', null, 9601, 'Any fertiliser tips?', null, true, false, null, '2026-11-25T06:10:00Z'),
  (96013, 9501, 'a2', 'q2', 9602, 'Use compost', null, false, false, null, '2026-11-25T06:15:00Z'),
  (96014, 9501, 'q3', null, 9602, 'When do you open?', null, true, false, null, '2026-11-25T06:20:00Z'),
  (96015, 9501, 'q4', null, 9602, 'Is the app down?', null, true, false, null, '2026-11-25T06:30:00Z'),
  (96016, 9501, 'a4', null, 9602, 'never mind, it works', 'q4', false, false, null, '2026-11-25T06:31:00Z'),
  (96017, 9501, 'q5', null, 9601, 'Who sells seed?', null, true, false, '2026-11-25T06:45:00Z', '2026-11-25T06:40:00Z'),
  (96018, 9501, 'q6', null, 9601, 'Does anyone grow sorghum?', null, true, false, null, '2026-11-25T06:50:00Z');

insert into drafts (id, message_id, target_chat_id, community_id, kind, text, original_text, status, reason, language, prompt_name, prompt_version, provider, sources, details, dedupe_key, created_at) values
  (9701, 96014, 9501, 'default', 'question', 'We open at 8.', 'We open at 8.', 'pending', 'question', 'en', 'offline-question', '1', 'offline', '[]', '{}', null, '2026-11-25T06:21:00Z'),
  (9702, null, 9501, 'default', 'news', 'Maize prices fall', 'x', 'sent', 'news', 'en', 'news-offline', '1', 'offline',
   '[{"source": "https://kilimo.example/maize", "heading": "Kilimo News › Maize prices fall"}]', '{}', 'sp-news-1', '2026-11-25T05:00:00Z'),
  (9703, null, 9501, 'default', 'news', 'Old news', 'x', 'sent', 'news', 'en', 'news-offline', '1', 'offline',
   '[{"source": "https://kilimo.example/old", "heading": "Old"}]', '{}', 'sp-news-2', '2026-11-20T05:00:00Z'),
  (9704, null, 9501, 'default', 'spark', 'What are you growing?', 'x', 'rejected', 'quiet', 'en', 'spark-offline', '1', 'offline',
   '[]', '{"basis": {"kind": "topic", "ref": "maize"}}', 'sp-spark-1', '2026-11-25T07:00:00Z');
`;

describe.each(DATABASES)('sparks repository on %s', (database) => {
  let t: TestJamii;
  beforeAll(async () => {
    t = await startTestJamii({ database });
    await t.jamii.db.sql.executeSql(SEED);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });
  const repo = () => createSparksRepository(t.jamii.db);

  it('sums members’ messages per local weekday and hour', async () => {
    const totals = await repo().hourOfWeekTotals(9501, new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), 'Africa/Nairobi');
    expect(totals).toEqual([{ dow: 1, hour: 11, messages: 2 }]);
    expect(await repo().messageCount(9501, new Date('2026-11-23T08:00:00Z'), new Date('2026-11-23T08:50:00Z'))).toBe(1);
  });

  it('finds the questions nobody else answered (by a reply, in the thread or with a draft), newest first', async () => {
    const open = await repo().openQuestions(9501, new Date('2026-11-24T00:00:00Z'), 5);
    // As in /stats, the asker's own reply does not answer a question.
    expect(open.map((q) => q.text)).toEqual(['Does anyone grow sorghum?', 'Is the app down?']);
    expect(open[0]).toMatchObject({ messageId: 96018, author: 'Alice' });
  });

  it('reads recent news posts and the chat’s sparks, whatever became of them', async () => {
    expect(await repo().recentNews('default', new Date('2026-11-24T00:00:00Z'), 3)).toEqual([
      { title: 'Maize prices fall', url: 'https://kilimo.example/maize', at: new Date('2026-11-25T05:00:00Z') },
    ]);
    expect(await repo().recentSparks(9501, new Date('2026-11-24T00:00:00Z'))).toEqual([{ createdAt: new Date('2026-11-25T07:00:00Z'), basis: { kind: 'topic', ref: 'maize' } }]);
  });
});
