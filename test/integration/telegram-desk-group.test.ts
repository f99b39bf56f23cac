/** A desk group (JAMII_TELEGRAM_DESK_CHAT) next to the managers' private chats. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { buttonPress, buttonsOf, cardFor, groupMessage, MANAGER, MEMBER, startFakeTelegram, STRANGER, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';

const DESK = { id: -100777, type: 'supergroup', title: 'Jamii desk' };

let fake: FakeTelegram;
let app: TestJamii;

beforeEach(async () => {
  fake = await startFakeTelegram();
  app = await startTestJamii({ env: telegramEnv(fake, { JAMII_TELEGRAM_DESK_CHAT: String(DESK.id) }) });
});

afterEach(async () => {
  await app.stop();
  await fake.close();
});

const command = (from: typeof MANAGER, text: string) => {
  const u = groupMessage(from, text, { chat: DESK });
  return { message: { ...u.message, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } };
};

describe('Telegram desk group', () => {
  it('gets every card too, updates both copies on a decision, and answers a stranger privately', async () => {
    fake.push(groupMessage(MEMBER, 'Who do I call about a broken irrigation pump?'));
    const inDesk = await waitFor(async () => cardFor(fake, DESK.id, 'broken irrigation pump'), 15_000, 'card in the desk group');
    const inPrivate = await waitFor(async () => cardFor(fake, MANAGER.id, 'broken irrigation pump'), 15_000, 'card in the private chat');
    const draftId = Number(/approve:(\d+)/.exec(buttonsOf(inDesk).join(' '))?.[1]);

    fake.push(command(STRANGER, `/approve ${draftId}`));
    const refusal = await waitFor(async () => fake.postsTo(STRANGER.id)[0], 15_000, 'private refusal');
    expect(refusal.text).toBe('Only a manager of this community can do that.');

    fake.push(buttonPress(MANAGER, inDesk, `approve:${draftId}`));
    await waitFor(async () => fake.postsTo(SUPERGROUP.id)[0], 15_000, 'reply');
    for (const card of [inDesk, inPrivate]) await waitFor(async () => card.edits.some((e) => /Approved by Amina Manager/.test(e.text)), 15_000, 'card updated');
    expect(fake.postsTo(DESK.id).filter((p) => /Only a manager/.test(p.text))).toHaveLength(0);
    expect(fake.callsOf('setMyCommands').map((c) => c.payload.scope.chat_id).sort()).toEqual([DESK.id, MANAGER.id].sort());
  });
});
