/**
 * Sparks end to end in the sandbox, on a fake clock and a generated history: eight weeks of a
 * chat busy on weekdays 09:00-18:00 Nairobi time, then a quiet afternoon. The lull check drafts
 * one grounded starter for the desk; approved, it is posted once; /spark asks for one now.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/ports.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

// Wednesday 2026-11-25, 14:30 in Nairobi (UTC+3).
const WEDNESDAY_AFTERNOON = new Date('2026-11-25T11:30:00Z');
const MANAGER = { platform: 'sandbox' as const, userId: 'manager', displayName: 'Manager' };
const DESK = { platform: 'sandbox' as const, chatId: 'desk', direct: false };

function communityFile(dir: string, sparks: string): string {
  const file = path.join(dir, 'communities.yaml');
  writeFileSync(
    file,
    ['communities:', '  - id: default', '    name: Kilimo Hub', '    default: true', '    reports:', '      timezone: Africa/Nairobi', '    sparks:', ...sparks.split('\n').map((l) => `      ${l}`)].join('\n'),
  );
  return file;
}

/** Eight weeks of weekday chatter (12 messages an hour, 09:00-18:00 local) up to three hours before `now`. */
async function seedHistory(t: TestJamii, now: Date, recent: number): Promise<{ chatId: number }> {
  await t.post('general', 'alice', 'first!');
  await t.post('general', 'bob', 'hello');
  const sql = t.jamii.db.sql;
  const ids = await sql.executeSql(`select c.id as chat, a.id as alice, b.id as bob from chats c, members a, members b where c.platform_chat_id = 'general' and a.platform_user_id = 'alice' and b.platform_user_id = 'bob'`);
  const { chat, alice, bob } = ids.rows[0] as { chat: number; alice: number; bob: number };
  // Messages stored by the posts above carry the real time; the history lives on the fake clock's timeline.
  await sql.executeSql(`delete from messages where chat_id = $1`, [chat]);
  await sql.executeSql(
    `insert into messages (chat_id, platform_message_id, author_id, text, created_at)
     select $1, 'h-' || extract(epoch from h)::bigint || '-' || k, case when k % 2 = 0 then $2::int8 else $3::int8 end, 'chatter', h + make_interval(mins => k * 5)
     from generate_series($4::timestamptz, $5::timestamptz, interval '1 hour') h
     cross join generate_series(0, 11) k
     where extract(isodow from h at time zone 'Africa/Nairobi') between 1 and 5
       and extract(hour from h at time zone 'Africa/Nairobi') between 9 and 17`,
    [chat, alice, bob, new Date(now.getTime() - 56 * 86_400_000 - 1_800_000).toISOString(), new Date(now.getTime() - 4 * 3_600_000).toISOString()],
  );
  // An unanswered question from yesterday, and `recent` messages in the last three hours.
  await sql.executeSql(
    `insert into messages (chat_id, platform_message_id, author_id, text, is_question, created_at) values ($1, 'q-1', $2, 'Does anyone know when the maize seed arrives?', true, $3)`,
    [chat, bob, new Date(now.getTime() - 86_400_000).toISOString()],
  );
  for (let i = 0; i < recent; i++) {
    await sql.executeSql(`insert into messages (chat_id, platform_message_id, author_id, text, created_at) values ($1, $2, $3, 'still here', $4)`, [chat, `r-${i}`, alice, new Date(now.getTime() - (i + 1) * 600_000).toISOString()]);
  }
  return { chatId: Number(chat) };
}

/** Jamii's posts in the general chat; undefined (keep waiting) while there are none. */
const botPosts = async (t: TestJamii) => {
  const posts = (await t.messages('general')).filter((m) => m.fromBot);
  return posts.length > 0 ? posts : undefined;
};

describe('sparks in a quiet chat (sandbox, fake clock)', () => {
  let app: TestJamii | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (sparks: string, now: { value: Date }) => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-sparks-'));
    const clock: Clock = { now: () => now.value };
    app = await startTestJamii({ env: { JAMII_CONFIG: communityFile(dir, sparks), JAMII_JOBS: 'draft,send,desk' }, start: { clock } });
    return app;
  };

  it('drafts one grounded starter for the desk in a lull, and posts it once when approved', async () => {
    const now = { value: WEDNESDAY_AFTERNOON };
    const t = await start('enabled: true\nmode: approve\nhours: 8-20', now);
    const { chatId } = await seedHistory(t, now.value, 2);

    const outcomes = await t.jamii.sparks.checkLulls();
    const general = outcomes.find((o) => o.chat.id === chatId)!;
    expect(general.verdict).toMatchObject({ quiet: true, actual: 2 });
    expect(general.verdict!.expected).toBeGreaterThan(25);
    const draft = general.draft!;
    expect(draft).toMatchObject({ kind: 'spark', status: 'pending', targetChatId: chatId, poll: null });
    expect(draft.text).toBe('🙋 bob asked earlier: “Does anyone know when the maize seed arrives?” — who can help with this, or has a tip?');
    expect(draft.details).toMatchObject({ trigger: 'lull', sparkKind: 'question', basis: { kind: 'open_question' }, actual: 2 });
    expect(draft.reason).toMatch(/^The chat is quiet: 2 messages in the last 3 hours, usually about \d+\./);

    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card?.draftId === draft.id)?.card, 15_000, 'the spark card');
    expect(card.title).toContain('Discussion starter');

    // The next check (another worker, or 15 minutes later) proposes nothing more.
    now.value = new Date(now.value.getTime() + 15 * 60_000);
    expect((await t.jamii.sparks.checkLulls()).find((o) => o.chat.id === chatId)).toMatchObject({ draft: null, skipped: 'cooldown' });

    await t.action('manager', `approve:${draft.id}`);
    const posted = await waitFor(async () => botPosts(t), 15_000, 'the spark in the chat');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe(draft.text);
    await waitFor(async () => (await t.jamii.store.drafts.statusOf(draft.id)) === 'sent', 15_000, 'sent');
  });

  it('leaves a chat alone when it is as busy as usual, outside its usual hours, or past the daily cap', async () => {
    const now = { value: WEDNESDAY_AFTERNOON };
    const t = await start('enabled: true\nmax_per_day: 1', now);
    const { chatId } = await seedHistory(t, now.value, 30);
    const check = async () => (await t.jamii.sparks.checkLulls()).find((o) => o.chat.id === chatId)!;
    expect(await check()).toMatchObject({ draft: null, skipped: 'not_quiet' });

    // Saturday afternoon: this chat is always silent then.
    now.value = new Date('2026-11-28T11:30:00Z');
    expect(await check()).toMatchObject({ draft: null, skipped: 'not_usual_hours' });

    // A manager's /spark earlier today counts against the daily cap once its cooldown is over.
    now.value = new Date('2026-11-25T06:30:00Z');
    const reply = await t.jamii.commands.dispatchText(MANAGER, '/spark general', DESK);
    expect(reply!.text).toMatch(/^✨ Spark #\d+ for sandbox:general \(general\) is on the desk/);
    // Drafts are stamped by the database clock; put this one at the fake clock's morning.
    await t.jamii.db.sql.executeSql(`update drafts set created_at = $1 where kind = 'spark'`, [now.value.toISOString()]);
    now.value = new Date('2026-11-25T13:30:00Z');
    await t.jamii.db.sql.executeSql(`delete from messages where platform_message_id like 'r-%'`);
    expect(await check()).toMatchObject({ draft: null, skipped: 'daily_cap' });
  });

  it('posts at once in auto mode', async () => {
    const now = { value: WEDNESDAY_AFTERNOON };
    const t = await start('enabled: true\nmode: auto', now);
    const { chatId } = await seedHistory(t, now.value, 0);
    const draft = (await t.jamii.sparks.checkLulls()).find((o) => o.chat.id === chatId)!.draft!;
    expect(draft).toMatchObject({ status: 'approved', decidedBy: 'jamii:auto' });
    const posted = await waitFor(async () => botPosts(t), 15_000, 'the auto spark');
    expect(posted.map((m) => m.text)).toEqual([draft.text]);
  });

  it('does nothing for a community that has not turned sparks on, but a manager may still ask with /spark', async () => {
    const now = { value: WEDNESDAY_AFTERNOON };
    const t = await start('enabled: false', now);
    await seedHistory(t, now.value, 0);
    expect(await t.jamii.sparks.checkLulls()).toEqual([]);

    const refused = await t.jamii.commands.dispatchText({ platform: 'sandbox', userId: 'alice', displayName: 'alice' }, '/spark general');
    expect(refused).toMatchObject({ ephemeral: true });
    expect(refused!.text).toMatch(/manager/i);
    const unknown = await t.jamii.commands.dispatchText(MANAGER, '/spark nowhere', DESK);
    expect(unknown!.text).toMatch(/No chat you manage matches "nowhere"\. Chats: sandbox:general/);
    const asked = await t.jamii.commands.dispatchText(MANAGER, '/spark', DESK);
    expect(asked!.text).toMatch(/Spark #\d+ for sandbox:general/);
  });
});
