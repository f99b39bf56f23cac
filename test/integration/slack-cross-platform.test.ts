/**
 * One desk for every platform: a question in a (fake) Telegram group gets a Block Kit card in the
 * Slack desk channel, is approved there and posted in Telegram once; pressing Approve on the
 * same draft's Telegram card afterwards is refused as already decided.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockAction, cardFor as slackCardFor, draftIdOf, FAKE_SLACK, MANAGER as SLACK_MANAGER, sendSigned, slackEnv, startFakeSlack, type FakeSlack } from '../support/fake-slack-server.js';
import { buttonPress, buttonsOf, cardFor, groupMessage, MANAGER as TELEGRAM_MANAGER, MEMBER, startFakeTelegram, SUPERGROUP, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

let slack: FakeSlack;
let telegram: FakeTelegram;
let app: TestJamii;

beforeEach(async () => {
  slack = await startFakeSlack();
  telegram = await startFakeTelegram();
  app = await startTestJamii({ env: { ...telegramEnv(telegram), ...slackEnv(slack), JAMII_MANAGERS: `telegram:${TELEGRAM_MANAGER.id},slack:${SLACK_MANAGER.id}` } });
});
afterEach(async () => {
  await app.stop();
  await Promise.all([slack.close(), telegram.close()]);
});

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('cross-platform desk', () => {
  it('approves a Telegram question from the Slack desk: posted in Telegram once, then refused from Telegram as already decided', async () => {
    const question = 'When is the next seed delivery to Nakuru?';
    const update = groupMessage(MEMBER, question, { threadId: 42 });
    telegram.push(update);

    const slackCard = await waitFor(async () => slackCardFor(slack, question), 15_000, 'card in the Slack desk');
    // The card says where the question was asked.
    expect(slackCard.args.blocks[0].text.text).toContain(`telegram · ${SUPERGROUP.title}`);
    const draftId = draftIdOf(slackCard);
    const telegramCard = await waitFor(async () => cardFor(telegram, TELEGRAM_MANAGER.id, question), 15_000, 'card in the Telegram desk');

    await sendSigned(app.url, blockAction(SLACK_MANAGER, `approve:${draftId}`, { messageTs: slackCard.ts! }));
    const reply = await waitFor(async () => telegram.postsTo(SUPERGROUP.id)[0], 15_000, 'reply in the Telegram group');
    expect(reply.payload.reply_parameters.message_id).toBe(update.message.message_id);
    expect(reply.payload.message_thread_id).toBe(42);

    const press = buttonPress(TELEGRAM_MANAGER, telegramCard, `approve:${draftId}`);
    telegram.push(press);
    const answer = await waitFor(async () => telegram.callsOf('answerCallbackQuery').find((c) => c.payload.callback_query_id === press.callback_query.id), 10_000, 'Telegram answer');
    expect(answer.payload.text).toMatch(new RegExp(`Draft #${draftId} was already`));
    await settle();
    expect(telegram.postsTo(SUPERGROUP.id)).toHaveLength(1);
    expect(slack.posts(FAKE_SLACK.channelId)).toHaveLength(0);

    // Both desks' cards now show the outcome and who decided; the buttons are gone.
    await waitFor(async () => slack.callsTo('chat.update').some((c) => c.args.ts === slackCard.ts && JSON.stringify(c.args.blocks).includes('posted') && JSON.stringify(c.args.blocks).includes(SLACK_MANAGER.name)), 10_000, 'Slack card updated');
    await waitFor(async () => buttonsOf(telegramCard).length === 0, 10_000, 'Telegram card updated');
  });
});
