/**
 * The Telegram desk end to end, real grammY against the loopback fake Bot API: a question in a
 * forum topic becomes a card in the manager's private chat, and the buttons and commands there
 * decide it.
 */
import { describe, expect, it } from 'vitest';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useTelegramJamii } from '../support/platform-jamii.js';
import {
  asRepliedTo,
  buttonPress,
  buttonsOf,
  cardFor,
  groupMessage,
  MANAGER,
  MEMBER,
  privateMessage,  STRANGER,
  SUPERGROUP,  type BotPost,
  type FakeTelegram,
} from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let app: TestJamii;

useTelegramJamii((f, a) => {
  fake = f;
  app = a;
});

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

/** A member asks in topic 42; resolves with the member's message and the card the manager got. */
async function askInTopic(text: string) {
  const update = groupMessage(MEMBER, text, { threadId: 42 });
  fake.push(update);
  const card = await waitFor(async () => cardFor(fake, MANAGER.id, text), 15_000, 'card in the manager chat');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  return { messageId: update.message.message_id, card, draftId };
}

const repliesInGroup = () => fake.postsTo(SUPERGROUP.id);

describe('Telegram manager desk', () => {
  it('posts the approved reply once, in the member\'s topic, as a reply to the member\'s message', async () => {
    const { messageId, card, draftId } = await askInTopic('How do I reset my password on the app?');
    expect(buttonsOf(card)).toEqual([`approve:${draftId}`, `edit:${draftId}`, `reject:${draftId}`]);
    expect(card.payload.link_preview_options).toEqual({ is_disabled: true });

    const press = buttonPress(MANAGER, card, `approve:${draftId}`);
    fake.push(press);
    fake.push(buttonPress(MANAGER, card, `approve:${draftId}`)); // a double click
    const reply = await waitFor(async () => repliesInGroup()[0], 15_000, 'reply in the group');
    expect(reply.payload.message_thread_id).toBe(42);
    expect(reply.payload.reply_parameters).toEqual({ message_id: messageId, allow_sending_without_reply: true });
    expect(reply.payload.link_preview_options).toEqual({ is_disabled: true });

    await waitFor(async () => card.edits.some((e) => /Approved by Amina Manager/.test(e.text) && / · posted/.test(e.text)), 15_000, 'card edited to posted');
    expect(buttonsOf(card)).toEqual([]);
    const answers = fake.callsOf('answerCallbackQuery').filter((c) => c.payload.callback_query_id === press.callback_query.id);
    expect(answers[0]?.payload.text).toMatch(/approved by Amina Manager/);
    await settle();
    expect(repliesInGroup()).toHaveLength(1);
  });

  it('edits through the force-reply prompt and posts the new text', async () => {
    const { draftId, card } = await askInTopic('Where can I find the invoice for my order?');
    fake.push(buttonPress(MANAGER, card, `edit:${draftId}`));
    const prompt = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => p.text.startsWith(`✏️ Edit draft #${draftId}`)), 15_000, 'edit prompt');
    expect(prompt.payload.reply_markup).toMatchObject({ force_reply: true });

    fake.push(privateMessage(MANAGER, 'Invoices are under Orders › Download <PDF> & more.', { replyTo: asRepliedTo(prompt) }));
    const reply = await waitFor(async () => repliesInGroup()[0], 15_000, 'edited reply in the group');
    expect(reply.text).toBe('Invoices are under Orders › Download <PDF> & more.');
    expect(reply.payload.parse_mode).toBeUndefined();
    await waitFor(async () => card.edits.some((e) => /Edited and approved by Amina Manager/.test(e.text)), 15_000, 'card edited');
    // The HTML card escapes what the manager typed.
    expect(card.edits.at(-1)!.text).toContain('Download &lt;PDF&gt; &amp; more.');
  });

  it('edits with /edit ID text typed in the private chat', async () => {
    const { draftId } = await askInTopic('When does the next training session start?');
    fake.push(privateMessage(MANAGER, `/edit ${draftId} The next session starts on Monday at 9:00.`));
    const reply = await waitFor(async () => repliesInGroup()[0], 15_000, 'edited reply');
    expect(reply.text).toBe('The next session starts on Monday at 9:00.');
    const ack = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => p.text.includes(`Draft #${draftId} edited and approved`)), 15_000, 'ack');
    expect(ack.payload.reply_parameters?.message_id).toBeDefined();
  });

  it('rejects with the button and posts nothing', async () => {
    const { draftId, card } = await askInTopic('Why is the delivery so slow this week?');
    fake.push(buttonPress(MANAGER, card, `reject:${draftId}`));
    await waitFor(async () => card.edits.some((e) => /Rejected by Amina Manager/.test(e.text)), 15_000, 'card shows rejection');
    expect(buttonsOf(card)).toEqual([]);
    await settle();
    expect(repliesInGroup()).toHaveLength(0);
  });

  it('refuses Approve from a non-manager privately, audits it, and posts nothing', async () => {
    const { draftId, card } = await askInTopic('Can I change the delivery address after ordering?');
    const press = buttonPress(STRANGER, card, `approve:${draftId}`);
    fake.push(press);
    const answer = await waitFor(
      async () => fake.callsOf('answerCallbackQuery').find((c) => c.payload.callback_query_id === press.callback_query.id),
      15_000,
      'refusal',
    );
    expect(answer.payload).toMatchObject({ show_alert: true, text: 'Only a manager of this community can do that.' });
    const audit = await app.jamii.db.sql.executeSql(`select actor, subject from audit_log where action = 'access.refused'`);
    expect(audit.rows).toContainEqual({ actor: `telegram:${STRANGER.id}`, subject: 'command:approve' });
    await settle();
    expect(repliesInGroup()).toHaveLength(0);
    expect(buttonsOf(card)).toContain(`approve:${draftId}`);
  });

  it('answers a manager command typed in a group privately, and a stranger\'s with a private refusal', async () => {
    const cmd = (from: typeof MANAGER, text: string) => {
      const u = groupMessage(from, text);
      return { message: { ...u.message, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } };
    };
    fake.push(cmd(STRANGER, '/pending@jamii_test_bot'));
    fake.push(cmd(MANAGER, '/pending'));
    const refusal = await waitFor(async () => fake.postsTo(STRANGER.id)[0], 15_000, 'private refusal');
    expect(refusal.text).toBe('Only a manager of this community can do that.');
    await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => /No drafts are waiting/.test(p.text)), 15_000, 'private answer');
    expect(repliesInGroup()).toHaveLength(0);
    const stored = await app.jamii.db.sql.executeSql(`select count(*)::int as n from messages where text like '/pending%'`);
    expect(stored.rows[0].n).toBe(0);
  });

  it('publishes the manager commands only in the managers\' chats', async () => {
    await waitFor(async () => fake.callsOf('setMyCommands').length > 0 && fake.callsOf('getUpdates').length > 0, 10_000, 'setMyCommands and polling');
    const scopes = fake.callsOf('setMyCommands').map((c) => c.payload.scope);
    expect(scopes).toEqual([{ type: 'chat', chat_id: MANAGER.id }]);
    expect(fake.callsOf('setMyCommands')[0]!.payload.commands.map((c: { command: string }) => c.command)).toContain('approve');
    expect(fake.callsOf('getUpdates')[0]!.payload.allowed_updates).toEqual(['message', 'edited_message', 'callback_query', 'my_chat_member', 'chat_member', 'message_reaction', 'message_reaction_count']);
  });
});

export type { BotPost };
