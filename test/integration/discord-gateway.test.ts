/**
 * What the Discord gateway feeds Jamii, the real discord.js Client against the loopback fake:
 * messages, edits, deletions, member joins and leaves, the bot joining and leaving a server, and
 * a resumed session replaying events, which stores nothing twice.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_DISCORD, MEMBER, messageCreate, nextSnowflake, threadCreate, type FakeDiscord } from '../support/fake-discord-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useDiscordJamii } from '../support/platform-jamii.js';

let fake: FakeDiscord;
let app: TestJamii;

useDiscordJamii((f, a) => {
  fake = f;
  app = a;
});

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const sql = async (text: string, values: unknown[] = []) => (await app.jamii.db.sql.executeSql(text, values)).rows;
const storedMessages = (platformMessageId: string) => sql(`select text, thread_id from messages where platform_message_id = $1`, [platformMessageId]);

describe('Discord gateway', () => {
  it('registers the server\'s text channels when the bot is in it, and deactivates them when it leaves', async () => {
    await waitFor(async () => (await sql(`select 1 from chats where platform = 'discord' and platform_chat_id = $1 and active`, [FAKE_DISCORD.channelId])).length > 0, 5000, 'channel registered');
    fake.dispatch('GUILD_DELETE', { id: FAKE_DISCORD.guildId });
    await waitFor(async () => (await sql(`select 1 from chats where platform = 'discord' and platform_chat_id = $1 and not active`, [FAKE_DISCORD.channelId])).length > 0, 5000, 'channel deactivated');
  });

  it('stores a member\'s message in a thread under its parent channel, and their edit', async () => {
    const message = messageCreate(MEMBER, 'Is the market open on Sunday?', { channelId: FAKE_DISCORD.threadId });
    fake.dispatch('MESSAGE_CREATE', message);
    await waitFor(async () => (await storedMessages(message.id)).length > 0, 5000, 'message stored');
    expect((await storedMessages(message.id))[0]).toMatchObject({ thread_id: FAKE_DISCORD.threadId });
    fake.dispatch('MESSAGE_UPDATE', { ...message, content: 'Is the market open on Sunday morning?', edited_timestamp: new Date().toISOString() });
    await waitFor(async () => (await storedMessages(message.id))[0]?.text === 'Is the market open on Sunday morning?', 5000, 'edit stored');
  });

  it('stores a forum post under the forum channel, its thread as the threadId', async () => {
    const thread = threadCreate(FAKE_DISCORD.forumChannelId, 'Seeds not germinating');
    fake.dispatch('THREAD_CREATE', thread);
    // A forum post's first message has the thread's own id.
    const message = messageCreate(MEMBER, 'My maize seeds are not germinating, what should I do?', { channelId: thread.id, id: thread.id });
    fake.dispatch('MESSAGE_CREATE', message);
    await waitFor(async () => (await storedMessages(message.id)).length > 0, 5000, 'forum post stored');
    const [row] = await sql(
      `select c.platform_chat_id, m.thread_id from messages m join chats c on c.id = m.chat_id where m.platform_message_id = $1`,
      [message.id],
    );
    expect(row).toEqual({ platform_chat_id: FAKE_DISCORD.forumChannelId, thread_id: thread.id });
  });

  it('stores member joins and leaves', async () => {
    const user = { id: '800000000000000077', username: 'neema', global_name: null, discriminator: '0', avatar: null };
    fake.dispatch('GUILD_MEMBER_ADD', { guild_id: FAKE_DISCORD.guildId, user, nick: null, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 });
    fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: FAKE_DISCORD.guildId, user });
    await waitFor(async () => (await sql(`select kind from member_events where platform_user_id = $1`, [user.id])).length === 2, 5000, 'member events');
  });

  it('keeps a deleted message, marked deleted, and audits the deletion', async () => {
    const message = messageCreate(MEMBER, 'oops wrong channel');
    fake.dispatch('MESSAGE_CREATE', message);
    await waitFor(async () => (await storedMessages(message.id)).length > 0, 5000, 'message stored');
    fake.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: FAKE_DISCORD.channelId, guild_id: FAKE_DISCORD.guildId });
    await waitFor(async () => (await sql(`select 1 from messages where platform_message_id = $1 and deleted_at is not null`, [message.id])).length === 1, 5000, 'message marked deleted');
    expect(await sql(`select subject from audit_log where action = 'message.deleted'`)).toEqual([{ subject: `discord:${FAKE_DISCORD.channelId}` }]);
  });

  it('never drafts a reply to another bot', async () => {
    const message = messageCreate({ id: '800000000000000099', username: 'digest' }, 'How do I subscribe to the digest?', { bot: true });
    fake.dispatch('MESSAGE_CREATE', message);
    await waitFor(async () => (await storedMessages(message.id)).length > 0, 5000, 'bot message stored');
    await settle(1000);
    expect(await sql(`select 1 from drafts`)).toHaveLength(0);
    expect(fake.posts(FAKE_DISCORD.deskChannelId)).toHaveLength(0);
  });

  it('stores a message once when a resumed session replays it', async () => {
    const message = messageCreate(MEMBER, 'How do I reset my password?', { id: nextSnowflake() });
    const seq = fake.dispatch('MESSAGE_CREATE', message);
    await waitFor(async () => (await storedMessages(message.id)).length > 0, 5000, 'message stored');
    await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId)[0], 15_000, 'card');

    // The connection drops; discord.js resumes, and the gateway replays from before the message.
    fake.dropConnection(seq - 1);
    await fake.resumed();
    await settle(1500);
    expect(fake.counts()).toMatchObject({ resume: 1, identify: 1 });
    expect(fake.counts().replayed).toBeGreaterThanOrEqual(1);
    expect(await storedMessages(message.id)).toHaveLength(1);
    expect(await sql(`select 1 from drafts`)).toHaveLength(1);
    expect(fake.posts(FAKE_DISCORD.deskChannelId)).toHaveLength(1);
  });
});
