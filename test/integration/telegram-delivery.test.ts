/** Posting to Telegram when it pushes back: 429 is waited out, 403 retires the chat. */
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.js';
import type { OutboundPost } from '../../src/core/types.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useTelegramJamii } from '../support/platform-jamii.js';
import { buttonPress, buttonsOf, cardFor, groupMessage, MANAGER, MEMBER, SUPERGROUP, type FakeTelegram } from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let app: TestJamii;

useTelegramJamii((f, a) => {
  fake = f;
  app = a;
});

const toGroup = (p: Record<string, any>) => Number(p.chat_id) === SUPERGROUP.id;

async function approveQuestion(text: string) {
  fake.push(groupMessage(MEMBER, text));
  const card = await waitFor(async () => cardFor(fake, MANAGER.id, text), 15_000, 'card');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  fake.push(buttonPress(MANAGER, card, `approve:${draftId}`));
  return { card, draftId };
}

describe('Telegram delivery under pressure', () => {
  it('waits out a 429 retry_after and then posts the reply once', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { when: toGroup });
    await approveQuestion('How long does delivery to Nakuru take?');
    await waitFor(async () => fake.postsTo(SUPERGROUP.id)[0], 15_000, 'reply after the 429');
    const attempts = fake.callsOf('sendMessage').filter((c) => toGroup(c.payload));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.postsTo(SUPERGROUP.id)).toHaveLength(1);
  });

  it('hands a reply Telegram asks to hold off for longer than it waits in place back to the queue for that long', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 45', parameters: { retry_after: 45 } }, { when: toGroup });
    const { card, draftId } = await approveQuestion('Is the Eldoret depot open on Sunday?');
    const reply = await waitFor(async () => {
      const { rows } = await app.jamii.db.sql.executeSql(`select id::int as id, status, last_error as "lastError" from outbox where kind = 'reply' and draft_id = ${draftId}`);
      const row = rows[0] as { id: number; status: string; lastError: string | null } | undefined;
      return row?.lastError?.includes('429') ? row : undefined;
    }, 15_000, 'the reply back in the queue');
    expect(reply.status).toBe('pending');
    const { rows: jobs } = await app.jamii.db.sql.executeSql(
      `select extract(epoch from start_after - now())::float8 as "startsIn", retry_count::int as "retryCount" from pgboss.job
        where name = 'send' and state = 'created' and data->'outboxIds' @> '[${reply.id}]'::jsonb`,
    );
    expect(jobs).toHaveLength(1);
    expect((jobs[0] as { startsIn: number }).startsIn).toBeGreaterThan(35);
    expect((jobs[0] as { retryCount: number }).retryCount).toBe(0);
    // Not a failure: the desk is not told, and the group got nothing yet.
    expect(fake.postsTo(MANAGER.id).filter((p) => p.text.includes(`Draft #${draftId}:`))).toHaveLength(0);
    expect(fake.postsTo(SUPERGROUP.id)).toHaveLength(0);
    // The manager's card says the reply waits for the chat, and until when (not just "posting…").
    const edit = await waitFor(async () => card.edits.find((e) => e.text.includes('waiting: telegram takes no more posts in this chat for now')), 15_000, 'the card saying the reply waits');
    expect(edit.text).toMatch(/posting at about \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  it('gives a reply whose request stalls to a human as unconfirmed within the send timeout, not the long poll\'s', async () => {
    fake.stallNext('sendMessage', { when: toGroup });
    const { draftId } = await approveQuestion('Do you sell drip irrigation kits?');
    // The send Api gives up after TELEGRAM_SEND_TIMEOUT_SECONDS (15 s); the Bot's own 45 s would miss this wait.
    const notice = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => p.text.includes(`Draft #${draftId}:`) && /did not confirm/.test(p.text)), 35_000, 'the unconfirmed notice');
    expect(notice.text).toContain(`/retry ${draftId}`);
    const { rows } = await app.jamii.db.sql.executeSql(`select status from outbox where kind = 'reply' and draft_id = ${draftId}`);
    expect(rows).toEqual([{ status: 'unconfirmed' }]);
  }, 60_000);

  it('marks the chat inactive on 403 and hands the draft back to the desk instead of retrying', async () => {
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { when: toGroup, times: 10 });
    const { card, draftId } = await approveQuestion('Why was my order cancelled?');
    const notice = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => p.text.includes(`Draft #${draftId}`) && /refused the reply/.test(p.text)), 15_000, 'desk notice');
    expect(notice.text).toContain(`/retry ${draftId}`);
    await waitFor(async () => card.edits.some((e) => /FAILED to post/.test(e.text)), 15_000, 'card shows the failure');
    expect(buttonsOf(card)).toEqual([`retry:${draftId}`]);
    const chat = await app.jamii.db.sql.executeSql(`select active from chats where platform = 'telegram' and platform_chat_id = '${SUPERGROUP.id}'`);
    expect(chat.rows[0]).toEqual({ active: false });
    await new Promise((r) => setTimeout(r, 2500));
    expect(fake.callsOf('sendMessage').filter((c) => toGroup(c.payload))).toHaveLength(1);
  });
});

describe('Telegram sends at their deadline', () => {
  let nextId = 900_000;
  /** A reply to the group, as the delivery hands it to the sender (sent directly here). */
  const reply = (text: string): OutboundPost => ({
    id: nextId++, kind: 'reply', target: { platform: 'telegram', chatId: String(SUPERGROUP.id) }, replyToMessageId: null, text, card: null, poll: null, image: null,
    draftId: null, status: 'sending', attempts: 1, platformMessageId: null, claimedAt: new Date(), waitUntil: null,
  });
  const groupCalls = () => fake.callsOf('sendMessage').filter((c) => toGroup(c.payload));

  it('stops waiting out a 429 when the deadline passes: nothing posted, and no try after it', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } }, { when: toGroup });
    const controller = new AbortController();
    const sending = app.jamii.telegram!.sender.send(reply('Is the Kisumu shop open late?'), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => groupCalls()[0]?.answeredAt, 5000, 'the first try answered with its 429');
    const firstTryAt = groupCalls()[0]!.at;
    // The 429 has left the fake; give the client a moment to read it and start waiting it out,
    // so the abort meets the wait and not the request (an abort in flight is an unknown outcome).
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    // The wait itself ends on the abort: the send settles long before auto-retry's 5 s are up.
    const settled = await Promise.race([sending, new Promise((r) => setTimeout(() => r('still waiting out the 429'), 2500))]);
    expect(settled).toBeInstanceOf(DeliveryError);
    expect(settled).toMatchObject({ outcome: 'not_sent', retryable: true });
    // And once the 5 s are over, no try follows.
    await new Promise((r) => setTimeout(r, Math.max(0, firstTryAt + 5_500 - Date.now())));
    expect(groupCalls()).toHaveLength(1);
    expect(fake.postsTo(SUPERGROUP.id)).toHaveLength(0);
  });

  it('aborts a request in flight at the deadline, as an outcome a human checks', async () => {
    fake.stallNext('sendMessage', { when: toGroup });
    const controller = new AbortController();
    const sending = app.jamii.telegram!.sender.send(reply('Do you deliver to Kitale?'), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => groupCalls().length === 1 || undefined, 5000, 'the request');
    controller.abort();
    // Settles now, not at the send Api's own 15 s timeout (this test's limit is 10 s).
    const error = await sending;
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
  }, 10_000);

  it('starts nothing once the deadline has passed', async () => {
    const error = await app.jamii.telegram!.sender.send(reply('Any news on the Thika branch?'), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(groupCalls()).toHaveLength(0);
  });
});
