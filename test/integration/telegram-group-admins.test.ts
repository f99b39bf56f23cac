/**
 * JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: the administrators of a group a community lists
 * manage that community. A group no community lists grants nothing: it falls to the default
 * community, and anyone can add the bot to a group of their own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { FAKE_BOT, MANAGER, privateMessage, startFakeTelegram, STRANGER, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';

const GROUP_ADMIN = { id: 4004, first_name: 'Dan' };
/** Owns a group of their own, which no community lists, and adds the bot to it. */
const INTRUDER = { id: 5005, first_name: 'Eve' };
const OWN_GROUP = { id: -1009999999999, type: 'supergroup', title: 'Eve’s group' } as const;

let fake: FakeTelegram;
let app: TestJamii;
let dir: string;

afterEach(async () => {
  await app.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One community listing SUPERGROUP; OWN_GROUP is listed by none (and so falls to it as default). */
async function start() {
  dir = mkdtempSync(path.join(tmpdir(), 'jamii-group-admins-'));
  const file = path.join(dir, 'communities.yaml');
  writeFileSync(file, ['communities:', '  - id: kilimo', '    name: Kilimo', `    chats: { telegram: ["${SUPERGROUP.id}"] }`].join('\n'));
  fake = await startFakeTelegram({ admins: (chatId) => (chatId === SUPERGROUP.id ? [GROUP_ADMIN] : chatId === OWN_GROUP.id ? [INTRUDER] : []) });
  app = await startTestJamii({ env: telegramEnv(fake, { JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: 'on', JAMII_CONFIG: file }) });
}

const botAdded = (chat: typeof SUPERGROUP | typeof OWN_GROUP) => ({
  my_chat_member: { chat, from: { ...MANAGER, is_bot: false }, date: Math.floor(Date.now() / 1000), old_chat_member: { user: FAKE_BOT, status: 'left' }, new_chat_member: { user: FAKE_BOT, status: 'administrator' } },
});

describe('group administrators as managers', () => {
  it('lets an administrator of a listed group run manager commands, and refuses the owner of a group no community lists', async () => {
    await start();
    fake.push(botAdded(OWN_GROUP));
    fake.push(botAdded(SUPERGROUP));
    await waitFor(async () => fake.callsOf('getChatAdministrators').some((c) => c.payload.chat_id === SUPERGROUP.id), 15_000, 'administrators read');
    await waitFor(async () => (await app.jamii.db.sql.executeSql(`select 1 from roles where source = 'telegram-admins'`)).rows.length > 0, 10_000, 'grant stored');
    // Both groups are stored, in the same community; only the listed one's administrators were asked for.
    const chats = (await app.jamii.db.sql.executeSql(`select platform_chat_id, community_id from chats where platform = 'telegram' order by platform_chat_id`)).rows;
    expect(chats).toEqual([
      { platform_chat_id: String(SUPERGROUP.id), community_id: 'kilimo' },
      { platform_chat_id: String(OWN_GROUP.id), community_id: 'kilimo' },
    ]);
    expect(fake.callsOf('getChatAdministrators').filter((c) => c.payload.chat_id === OWN_GROUP.id)).toEqual([]);
    const grants = (await app.jamii.db.sql.executeSql(`select platform_user_id, community_id, role from roles where source = 'telegram-admins'`)).rows;
    expect(grants).toEqual([{ platform_user_id: String(GROUP_ADMIN.id), community_id: 'kilimo', role: 'manager' }]);

    fake.push(privateMessage(GROUP_ADMIN, '/pending'));
    fake.push(privateMessage(INTRUDER, '/pending'));
    fake.push(privateMessage(STRANGER, '/pending'));
    const answer = await waitFor(async () => fake.postsTo(GROUP_ADMIN.id)[0], 15_000, 'answer to the administrator');
    expect(answer.text).toMatch(/No drafts are waiting/);
    for (const refused of [INTRUDER, STRANGER]) {
      const refusal = await waitFor(async () => fake.postsTo(refused.id)[0], 15_000, 'refusal');
      expect(refusal.text).toBe('Only a manager of this community can do that.');
    }
  });
});
