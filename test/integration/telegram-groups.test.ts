/** What Jamii keeps from group life: edits, membership, migrations, bots and service messages. */
import { describe, expect, it } from 'vitest';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useTelegramJamii } from '../support/platform-jamii.js';
import { cardFor, FAKE_BOT, groupMessage, MANAGER, MEMBER, SUPERGROUP, type FakeTelegram } from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let app: TestJamii;

useTelegramJamii((f, a) => {
  fake = f;
  app = a;
});

const query = async (sql: string) => (await app.jamii.db.sql.executeSql(sql)).rows as Array<Record<string, any>>;
const handled = (updateId: number) => waitFor(async () => fake.confirmedOffset() > updateId, 15_000, `update ${updateId} confirmed`);
const now = () => Math.floor(Date.now() / 1000);
const OLD_GROUP = { id: -555111222, type: 'group', title: 'Kilimo (old)' };

describe('Telegram groups', () => {
  it('replaces the stored text and labels when a member edits, and drafts once the edit asks a question', async () => {
    const original = groupMessage(MEMBER, 'hello everyone');
    await handled(fake.push(original));
    const edited = { ...original.message, text: 'hello everyone, how do I join the co-op?', edit_date: now() };
    await handled(fake.push({ edited_message: edited }));
    const rows = await query(`select text, is_question, edited_at is not null as edited from messages`);
    expect(rows).toEqual([{ text: 'hello everyone, how do I join the co-op?', is_question: true, edited: true }]);
    await waitFor(async () => cardFor(fake, MANAGER.id, 'how do I join the co-op?'), 15_000, 'card for the edited question');
  });

  it('does not confirm an update it could not store, and stores it once when it comes again', async () => {
    const ingest = app.jamii.ingest;
    const real = ingest.ingest.bind(ingest);
    let failures = 2;
    ingest.ingest = async (m) => {
      if (failures-- > 0) throw new Error('database unavailable');
      return real(m);
    };
    const id = fake.push(groupMessage(MEMBER, 'Can I pay the fee in two parts?'));
    await handled(id);
    // Two failed attempts, each followed by a fetch of the same, unconfirmed update.
    expect(failures).toBe(-1);
    expect(await query(`select text from messages`)).toEqual([{ text: 'Can I pay the fee in two parts?' }]);
  });

  it('stores messages of other bots and service messages without drafting them', async () => {
    const fromBot = groupMessage({ id: 5005, first_name: 'WeatherBot' }, 'Will it rain tomorrow?');
    (fromBot.message.from as { is_bot: boolean }).is_bot = true;
    await handled(fake.push(fromBot));
    await handled(fake.push({ message: { message_id: 9, date: now(), chat: SUPERGROUP, from: MEMBER, new_chat_members: [{ ...MEMBER, is_bot: false }] } }));
    await new Promise((r) => setTimeout(r, 800));
    expect(await query(`select from_bot, is_service, needs_draft from messages order by id`)).toEqual([
      { from_bot: true, is_service: false, needs_draft: false },
      { from_bot: false, is_service: true, needs_draft: false },
    ]);
    expect(await query(`select count(*)::int as n from drafts`)).toEqual([{ n: 0 }]);
    expect(await query(`select platform_user_id, kind from member_events`)).toEqual([{ platform_user_id: String(MEMBER.id), kind: 'joined' }]);
  });

  it('registers the chat when the bot is added and deactivates it when the bot is removed', async () => {
    const membership = (status: string) => ({
      my_chat_member: { chat: SUPERGROUP, from: { ...MANAGER, is_bot: false }, date: now(), old_chat_member: { user: FAKE_BOT, status: 'left' }, new_chat_member: { user: FAKE_BOT, status } },
    });
    await handled(fake.push(membership('administrator')));
    expect(await query(`select title, active from chats where platform_chat_id = '${SUPERGROUP.id}'`)).toEqual([{ title: 'Kilimo Hub', active: true }]);
    await handled(fake.push(membership('kicked')));
    expect(await query(`select active from chats where platform_chat_id = '${SUPERGROUP.id}'`)).toEqual([{ active: false }]);
    expect((await query(`select action from audit_log where subject = 'telegram:${SUPERGROUP.id}' order by id`)).map((r) => r.action)).toEqual(['chat.activated', 'chat.deactivated']);
  });

  it('stores joins and leaves from chat_member updates once, even when redelivered', async () => {
    const change = (from: string, to: string, date: number) => ({
      chat_member: { chat: SUPERGROUP, from: { ...MEMBER, is_bot: false }, date, old_chat_member: { user: { ...MEMBER, is_bot: false }, status: from }, new_chat_member: { user: { ...MEMBER, is_bot: false }, status: to } },
    });
    const t = now();
    fake.push(change('left', 'member', t));
    fake.push(change('left', 'member', t));
    await handled(fake.push(change('member', 'left', t + 60)));
    expect(await query(`select kind from member_events order by occurred_at`)).toEqual([{ kind: 'joined' }, { kind: 'left' }]);
  });

  it('moves a group\'s history to its supergroup id when Telegram migrates it', async () => {
    await handled(fake.push(groupMessage(MEMBER, 'first words in the old group', { chat: OLD_GROUP })));
    await handled(fake.push({ message: { message_id: 3, date: now(), chat: OLD_GROUP, from: { ...MANAGER, is_bot: false }, migrate_to_chat_id: SUPERGROUP.id } }));
    const rows = await query(`select c.platform_chat_id, m.text from messages m join chats c on c.id = m.chat_id order by m.id`);
    expect(rows.map((r) => r.platform_chat_id)).toEqual([String(SUPERGROUP.id), String(SUPERGROUP.id)]);
    expect(rows[0]!.text).toBe('first words in the old group');
  });
});
