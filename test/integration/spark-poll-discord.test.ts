/**
 * A spark poll end to end on Discord: a manager asks for one with /jamii spark, the card lands in
 * the desk channel, the Approve button posts it to the community channel as a message poll on the
 * loopback fake Discord, once.
 */
import { describe, expect, it } from 'vitest';
import { buttonPress, FAKE_DISCORD, MANAGER, MEMBER, messageCreate, slashCommand, type FakeDiscord, type RestCall } from '../support/fake-discord-server.js';
import { createEngagementRepository } from '../../src/db/repositories/engagement-repository.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useDiscordJamii } from '../support/platform-jamii.js';

let fake: FakeDiscord;
let app: TestJamii;

useDiscordJamii((f, a) => {
  fake = f;
  app = a;
});

const buttonsOf = (post: RestCall): string[] => (post.body?.components ?? []).flatMap((row: any) => row.components.map((b: any) => b.custom_id));

describe('a spark poll on Discord', () => {
  it('Polls rendered on the platform fake: /jamii spark, then Approve posts a message poll once', async () => {
    fake.dispatch('MESSAGE_CREATE', messageCreate(MEMBER, 'Morning all'));
    const chat = await waitFor(async () => (await app.jamii.sparks.chats(['default'])).find((c) => c.ref.platform === 'discord' && c.ref.chatId === FAKE_DISCORD.channelId), 15_000, 'the channel');
    // The member's message is stored (the channel itself is known from the guild already).
    await waitFor(async () => (await app.jamii.db.sql.executeSql(`select 1 from messages where chat_id = $1`, [chat.id])).rows.length > 0, 15_000, 'the stored message');
    await app.jamii.db.sql.executeSql(
      `insert into messages (chat_id, platform_message_id, author_id, text, labels, created_at)
       select $1, 'topic-' || g, m.author_id, 'billing chatter', '{"topic": "billing"}', now() - make_interval(hours => g)
       from generate_series(1, 3) g, (select author_id from messages where chat_id = $1 limit 1) m`,
      [chat.id],
    );

    fake.dispatch('INTERACTION_CREATE', slashCommand(MANAGER, 'spark', `discord:${FAKE_DISCORD.channelId}`));
    const card = await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => JSON.stringify(p.body?.embeds ?? []).includes('How is billing going for you lately?')), 15_000, 'the spark card');
    const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
    const cardRow = await waitFor(async () => (await app.jamii.store.outbox.listCardsForDraft(draftId)).find((r) => r.platformMessageId), 5000, 'card row');

    fake.dispatch('INTERACTION_CREATE', buttonPress(MANAGER, cardRow.platformMessageId!, `approve:${draftId}`));
    const post = await waitFor(async () => fake.posts(FAKE_DISCORD.channelId).find((p) => p.body?.poll), 15_000, 'the poll in the channel');
    expect(post.body.content).toBe('📊 Quick poll');
    expect(post.body.poll).toEqual({
      question: { text: 'How is billing going for you lately?' },
      answers: ['Going well', 'Mixed', 'Not great', 'Not tried it yet'].map((text) => ({ poll_media: { text } })),
      duration: 24,
      allow_multiselect: false,
    });
    expect(post.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draftId)) === 'sent', 15_000, 'sent');
    expect(fake.posts(FAKE_DISCORD.channelId).filter((p) => p.body?.poll)).toHaveLength(1);

    // Reactions to the poll (GuildMessageReactions) count in its engagement.
    const [row] = (await app.jamii.db.sql.executeSql(`select platform_message_id from outbox where draft_id = $1 and kind = 'post'`, [draftId])).rows as Array<{ platform_message_id: string }>;
    const on = { channel_id: FAKE_DISCORD.channelId, message_id: row!.platform_message_id, guild_id: FAKE_DISCORD.guildId };
    const member = (id: string, bot = false) => ({ user: { id, username: `u${id}`, bot } });
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, user_id: MEMBER.id, member: member(MEMBER.id), emoji: { id: null, name: '👍' } });
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, user_id: MEMBER.id, member: member(MEMBER.id), emoji: { id: null, name: '👍' } });
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, user_id: '555000000000000001', member: member('555000000000000001'), emoji: { id: '41771983429993937', name: 'kilimo' } });
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, user_id: '555000000000000002', member: member('555000000000000002'), emoji: { id: null, name: '🔥' } });
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, user_id: '555000000000000003', member: member('555000000000000003', true), emoji: { id: null, name: '🤖' } });
    fake.dispatch('MESSAGE_REACTION_REMOVE', { ...on, user_id: '555000000000000002', emoji: { id: null, name: '🔥' } });
    // Gateway events are handled in order: once a later reaction elsewhere is stored, these are too.
    fake.dispatch('MESSAGE_REACTION_ADD', { ...on, message_id: '555000000000000099', user_id: MEMBER.id, member: member(MEMBER.id), emoji: { id: null, name: '✅' } });
    await waitFor(async () => (await app.jamii.db.sql.executeSql(`select 1 from message_reactions where platform_message_id = '555000000000000099'`, [])).rows.length > 0, 15_000, 'reactions handled');
    const engagement = createEngagementRepository(app.jamii.db);
    const period = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000), label: 'now' };
    const [counted] = await engagement.posts({ communityIds: ['default'] }, period, 6, 4);
    expect(counted!.reactions).toBe(2);
    fake.dispatch('MESSAGE_REACTION_REMOVE_ALL', on);
    await waitFor(async () => (await engagement.posts({ communityIds: ['default'] }, period, 6, 4))[0]?.reactions === 0, 15_000, 'reactions cleared');
  });
});
