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

describe('a desk group at Telegram’s 20 messages a minute', () => {
  it('sends 20 cards and queues the rest for when the group frees up, not in a send job that would expire', async () => {
    const members = Array.from({ length: 23 }, (_, i) => ({ id: 5000 + i, first_name: `Mkulima${i}` }));
    for (const [i, m] of members.entries()) fake.push(groupMessage(m, `Where can I buy maize seed for plot ${i + 1}?`));
    // The private desk has no per-minute limit: every card reaches it.
    await waitFor(async () => (fake.postsTo(MANAGER.id).length >= members.length ? true : undefined), 30_000, 'every card in the private desk');
    const handedOn = await waitFor(async () => {
      const { rows } = await app.jamii.db.sql.executeSql(
        `select o.id::int as id from outbox o
          where o.kind = 'card' and o.platform_chat_id = '${DESK.id}' and o.status = 'pending' and o.last_error like '%posting limit%'`,
      );
      return rows.length === members.length - 20 ? (rows as Array<{ id: number }>).map((r) => r.id) : undefined;
    }, 15_000, 'the cards past the limit back in the queue');

    expect(fake.postsTo(DESK.id)).toHaveLength(20);
    const { rows: jobs } = await app.jamii.db.sql.executeSql(
      `select data, state, retry_count::int as "retryCount", extract(epoch from start_after - now())::float8 as "startsIn" from pgboss.job where name = 'send'`,
    );
    const byNumber = (a: number, b: number) => a - b;
    const waiting = (jobs as Array<{ data: { outboxIds?: number[] }; state: string; retryCount: number; startsIn: number }>).filter((j) => j.state === 'created');
    expect(waiting.flatMap((j) => j.data.outboxIds ?? []).sort(byNumber)).toEqual([...handedOn].sort(byNumber));
    for (const job of waiting) expect(job.startsIn).toBeGreaterThan(30);
    // Waiting is not failing: no send job used up a retry on it.
    expect((jobs as Array<{ retryCount: number }>).every((j) => j.retryCount === 0)).toBe(true);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain(`jamii_posts_deferred_total{platform="telegram",reason="busy"} ${members.length - 20}`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.postsTo(DESK.id)).toHaveLength(20);
  }, 60_000);
});
