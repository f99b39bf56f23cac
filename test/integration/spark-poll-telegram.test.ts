/**
 * A spark poll end to end on Telegram: grounded in the group's recent topic, proposed to the
 * manager's desk as a card, approved with the button, and sent to the group with sendPoll on
 * the loopback fake Bot API, once.
 */
import { describe, expect, it } from 'vitest';
import { createEngagementRepository } from '../../src/db/repositories/engagement-repository.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useTelegramJamii } from '../support/platform-jamii.js';
import { buttonPress, buttonsOf, groupMessage, MANAGER, MEMBER, SUPERGROUP, type FakeTelegram } from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let app: TestJamii;

useTelegramJamii((f, a) => {
  fake = f;
  app = a;
});

describe('a spark poll on Telegram', () => {
  it('Polls rendered on the platform fake: the approved spark goes out with sendPoll, once', async () => {
    fake.push(groupMessage(MEMBER, 'Morning all'));
    const chat = await waitFor(async () => (await app.jamii.sparks.chats(['default'])).find((c) => c.ref.platform === 'telegram' && c.ref.chatId === String(SUPERGROUP.id)), 15_000, 'the group');
    // The group has been talking about delivery lately.
    await app.jamii.db.sql.executeSql(
      `insert into messages (chat_id, platform_message_id, author_id, text, labels, created_at)
       select $1, 'topic-' || g, m.author_id, 'delivery chatter', '{"topic": "delivery"}', now() - make_interval(hours => g)
       from generate_series(1, 3) g, (select author_id from messages where chat_id = $1 limit 1) m`,
      [chat.id],
    );

    const { draft } = await app.jamii.sparks.sparkNow(chat, 'Amina');
    expect(draft).toMatchObject({ kind: 'spark', poll: { question: 'How is delivery going for you lately?' } });
    const card = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => buttonsOf(p).includes(`approve:${draft!.id}`)), 15_000, 'the spark card');
    expect(card.text).toContain('How is delivery going for you lately?');
    expect(fake.callsOf('sendPoll')).toHaveLength(0);

    fake.push(buttonPress(MANAGER, card, `approve:${draft!.id}`));
    const poll = await waitFor(async () => fake.postsTo(SUPERGROUP.id).find((p) => p.poll), 15_000, 'the poll in the group');
    expect(poll.poll).toEqual({ question: 'How is delivery going for you lately?', options: ['Going well', 'Mixed', 'Not great', 'Not tried it yet'], description: '📊 Quick poll' });
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draft!.id)) === 'sent', 15_000, 'sent');
    const [outbox] = (await app.jamii.db.sql.executeSql(`select platform_message_id from outbox where draft_id = $1 and kind = 'post'`, [draft!.id])).rows as Array<{ platform_message_id: string }>;
    expect(outbox!.platform_message_id).toBe(String(poll.messageId));
    expect(fake.callsOf('sendPoll')).toHaveLength(1);

    // Reactions to the poll count in its engagement: members' lists replace their earlier ones,
    // anonymous totals come as counts, a bot's reaction is not counted, a redelivery changes nothing.
    const on = { chat: SUPERGROUP, message_id: poll.messageId, date: Math.floor(Date.now() / 1000), old_reaction: [] };
    const emoji = (e: string) => ({ type: 'emoji', emoji: e });
    fake.push({ message_reaction: { ...on, user: MEMBER, new_reaction: [emoji('👍')] } });
    fake.push({ message_reaction: { ...on, user: MEMBER, new_reaction: [emoji('👍'), emoji('🔥')] } });
    fake.push({ message_reaction: { ...on, user: { id: 3003, is_bot: false, first_name: 'Neema' }, new_reaction: [{ type: 'custom_emoji', custom_emoji_id: '5368324170671202286' }] } });
    fake.push({ message_reaction: { ...on, user: { id: 4004, is_bot: true, first_name: 'OtherBot' }, new_reaction: [emoji('🎉')] } });
    const last = fake.push({ message_reaction_count: { chat: SUPERGROUP, message_id: poll.messageId, date: on.date, reactions: [{ type: emoji('👍'), total_count: 2 }] } });
    await waitFor(async () => fake.confirmedOffset() > last, 15_000, 'reactions handled');
    const engagement = await createEngagementRepository(app.jamii.db).posts({ communityIds: ['default'] }, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000), label: 'now' }, 6, 4);
    expect(engagement.map((e) => ({ id: e.draftId, reactions: e.reactions }))).toEqual([{ id: draft!.id, reactions: 5 }]);
  });
});
