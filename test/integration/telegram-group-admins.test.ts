/** JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: a group's administrators manage its community. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { FAKE_BOT, MANAGER, privateMessage, startFakeTelegram, STRANGER, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';

const GROUP_ADMIN = { id: 4004, first_name: 'Dan' };

let fake: FakeTelegram;
let app: TestJamii;

beforeEach(async () => {
  fake = await startFakeTelegram({ admins: [GROUP_ADMIN] });
  app = await startTestJamii({ env: telegramEnv(fake, { JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: 'on' }) });
});

afterEach(async () => {
  await app.stop();
  await fake.close();
});

describe('group administrators as managers', () => {
  it('lets an administrator of a community group run manager commands, and still refuses anyone else', async () => {
    fake.push({
      my_chat_member: { chat: SUPERGROUP, from: { ...MANAGER, is_bot: false }, date: Math.floor(Date.now() / 1000), old_chat_member: { user: FAKE_BOT, status: 'left' }, new_chat_member: { user: FAKE_BOT, status: 'administrator' } },
    });
    await waitFor(async () => fake.callsOf('getChatAdministrators').some((c) => c.payload.chat_id === SUPERGROUP.id), 15_000, 'administrators read');
    await waitFor(async () => (await app.jamii.db.sql.executeSql(`select 1 from roles where source = 'telegram-admins'`)).rows.length > 0, 10_000, 'grant stored');

    fake.push(privateMessage(GROUP_ADMIN, '/pending'));
    fake.push(privateMessage(STRANGER, '/pending'));
    const answer = await waitFor(async () => fake.postsTo(GROUP_ADMIN.id)[0], 15_000, 'answer to the administrator');
    expect(answer.text).toMatch(/No drafts are waiting/);
    const refusal = await waitFor(async () => fake.postsTo(STRANGER.id)[0], 15_000, 'refusal');
    expect(refusal.text).toBe('Only a manager of this community can do that.');
  });
});
