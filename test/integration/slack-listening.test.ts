/**
 * What Jamii keeps from a Slack channel, through signed Events API requests to the real Bolt
 * App: thread replies grouped with their parent, edits, deletions, member joins for analytics,
 * the bot's own joins as listened channels, and nothing from the desk channel or the bot itself.
 */
import { describe, expect, it } from 'vitest';
import { eventCallback, FAKE_SLACK, MEMBER, messageEvent, nextTs, sendSigned, STRANGER, type FakeSlack } from '../support/fake-slack-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useSlackJamii } from '../support/platform-jamii.js';

let fake: FakeSlack;
let app: TestJamii;

useSlackJamii((f, a) => {
  fake = f;
  app = a;
});

const rows = async (sql: string) => (await app.jamii.db.sql.executeSql(sql, [])).rows as any[];

describe('listening in Slack channels', () => {
  it('stores a thread reply in its parent\'s thread, with the member\'s name and the channel\'s title', async () => {
    const parent = messageEvent(MEMBER, 'My order has not arrived.');
    await sendSigned(app.url, parent);
    const reply = messageEvent(MEMBER, 'It was due on Monday.', { threadTs: parent.event.ts as string });
    await sendSigned(app.url, reply);
    const stored = await waitFor(async () => {
      const r = await rows(`select m.platform_message_id, m.thread_id, m.reply_to_platform_message_id, c.title, mb.display_name from messages m join chats c on c.id = m.chat_id left join members mb on mb.id = m.author_id order by m.id`);
      return r.length === 2 ? r : null;
    }, 10_000, 'both messages stored');
    expect(stored[0]).toMatchObject({ platform_message_id: parent.event.ts, thread_id: null, title: 'general', display_name: MEMBER.name });
    expect(stored[1]).toMatchObject({ platform_message_id: reply.event.ts, thread_id: parent.event.ts, reply_to_platform_message_id: parent.event.ts });
  });

  it('applies a member\'s edit and deletion to the stored message', async () => {
    const original = messageEvent(MEMBER, 'Where do I pay the fee?');
    await sendSigned(app.url, original);
    await waitFor(async () => (await rows(`select id from messages`)).length === 1, 10_000, 'stored');
    const ts = original.event.ts as string;
    await sendSigned(app.url, eventCallback({
      type: 'message', subtype: 'message_changed', hidden: true, channel: FAKE_SLACK.channelId, channel_type: 'channel', ts: nextTs(),
      message: { type: 'message', user: MEMBER.id, text: 'Where do I pay the membership fee?', ts, edited: { user: MEMBER.id, ts: nextTs() } },
      previous_message: { type: 'message', user: MEMBER.id, text: 'Where do I pay the fee?', ts },
    }));
    await waitFor(async () => (await rows(`select text from messages`))[0]?.text === 'Where do I pay the membership fee?', 10_000, 'edit applied');
    await sendSigned(app.url, eventCallback({ type: 'message', subtype: 'message_deleted', hidden: true, channel: FAKE_SLACK.channelId, channel_type: 'channel', ts: nextTs(), deleted_ts: ts, previous_message: { type: 'message', user: MEMBER.id, ts } }));
    await waitFor(async () => (await rows(`select deleted_at from messages`))[0]?.deleted_at, 10_000, 'deletion applied');
  });

  it('records member joins for analytics, and the bot\'s own join as a listened channel', async () => {
    await sendSigned(app.url, eventCallback({ type: 'member_joined_channel', user: STRANGER.id, channel: FAKE_SLACK.channelId, channel_type: 'C', team: FAKE_SLACK.teamId }));
    const joined = await waitFor(async () => (await rows(`select platform_user_id, display_name, kind from member_events`))[0], 10_000, 'member event');
    expect(joined).toEqual({ platform_user_id: STRANGER.id, display_name: STRANGER.name, kind: 'joined' });

    await sendSigned(app.url, eventCallback({ type: 'member_joined_channel', user: FAKE_SLACK.botUserId, channel: 'C0NEWCHAN1', channel_type: 'C', team: FAKE_SLACK.teamId }));
    await waitFor(async () => (await rows(`select active from chats where platform_chat_id = 'C0NEWCHAN1'`))[0]?.active === true, 10_000, 'channel listened');
    expect(await rows(`select platform_user_id from member_events`)).toHaveLength(1);
  });

  it('keeps members\' reactions to a message (for measuring posts), not the bot\'s, and a redelivery changes nothing', async () => {
    const ts = '1790000500.000100';
    const reaction = (type: string, user: string, emoji: string) =>
      eventCallback({ type, user, reaction: emoji, item: { type: 'message', channel: FAKE_SLACK.channelId, ts }, item_user: FAKE_SLACK.botUserId, event_ts: nextTs() });
    await sendSigned(app.url, reaction('reaction_added', MEMBER.id, 'thumbsup'));
    const again = reaction('reaction_added', STRANGER.id, 'tada');
    await sendSigned(app.url, again);
    await sendSigned(app.url, { ...again, event_id: 'Ev0REDELIVER' });
    await sendSigned(app.url, reaction('reaction_added', FAKE_SLACK.botUserId, 'robot_face'));
    await sendSigned(app.url, reaction('reaction_added', MEMBER.id, 'fire'));
    await sendSigned(app.url, reaction('reaction_removed', MEMBER.id, 'fire'));
    await sendSigned(app.url, eventCallback({ type: 'reaction_added', user: MEMBER.id, reaction: 'eyes', item: { type: 'file', file: 'F0FILE' } }));
    await sendSigned(app.url, reaction('reaction_added', MEMBER.id, 'white_check_mark'));
    const stored = await waitFor(async () => {
      const r = await rows(`select reactor, emoji, count from message_reactions where platform_message_id = '${ts}' order by reactor, emoji`);
      return r.some((x) => x.emoji === 'white_check_mark') ? r : null;
    }, 10_000, 'reactions stored');
    expect(stored).toEqual([
      { reactor: MEMBER.id, emoji: 'thumbsup', count: 1 },
      { reactor: MEMBER.id, emoji: 'white_check_mark', count: 1 },
      { reactor: STRANGER.id, emoji: 'tada', count: 1 },
    ]);
  });

  it('never drafts from the desk channel or the bot\'s own messages', async () => {
    await sendSigned(app.url, messageEvent(MEMBER, 'How do we answer the fee question?', { channel: FAKE_SLACK.deskChannelId }));
    await sendSigned(app.url, eventCallback({ type: 'message', channel: FAKE_SLACK.channelId, channel_type: 'channel', user: FAKE_SLACK.botUserId, bot_id: FAKE_SLACK.botId, text: 'How can I help?', ts: nextTs() }));
    await sendSigned(app.url, messageEvent(MEMBER, 'Is there a meeting on Friday?'));
    await waitFor(async () => fake.posts(FAKE_SLACK.deskChannelId).find((p) => JSON.stringify(p.args.blocks ?? []).includes('meeting on Friday')), 15_000, 'card for the member');
    expect(await rows(`select text from messages order by id`)).toEqual([{ text: 'Is there a meeting on Friday?' }]);
  });
});
