/**
 * The durable long-poll loop, with real grammY against the fake Bot API: an update is confirmed
 * (the next getUpdates' offset) only after its batch was handled.
 */
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolling, type Polling } from '../../src/connectors/telegram/polling.js';
import { waitFor } from '../support/harness.js';
import { FAKE_BOT, groupMessage, MEMBER, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram-server.js';

let fake: FakeTelegram;
let polling: Polling | null = null;

beforeEach(async () => {
  fake = await startFakeTelegram();
});

afterEach(async () => {
  await polling?.stop();
  polling = null;
  await fake.close();
});

function botHandling(handler: (update: Update) => Promise<void>) {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  bot.use(async (ctx) => handler(ctx.update));
  return bot;
}

const noSleep = async () => undefined;

describe('Telegram long polling', () => {
  it('does not confirm a batch whose handling failed: the same updates come again', async () => {
    const seen: number[] = [];
    let failures = 1;
    const bot = botHandling(async (u) => {
      seen.push(u.update_id);
      if (u.update_id === second && failures-- > 0) throw new Error('database unavailable');
    });
    const first = fake.push(groupMessage(MEMBER, 'one'));
    const second = fake.push(groupMessage(MEMBER, 'two'));
    polling = createPolling({ bot, log: pino({ level: 'silent' }), timeoutSeconds: 1, sleep: noSleep });
    polling.start();
    await waitFor(async () => fake.confirmedOffset() > second, 10_000, 'both confirmed');
    expect(seen).toEqual([first, second, first, second]);
    const offsets = fake.callsOf('getUpdates').map((c) => c.payload.offset);
    expect(offsets.slice(0, 3)).toEqual([undefined, undefined, second + 1]);
    expect(bot.botInfo.username).toBe(FAKE_BOT.username);
    expect(fake.callsOf('deleteWebhook')[0]!.payload).toMatchObject({ drop_pending_updates: false });
  });

  it('on stop, waits for the batch in hand and confirms it, without confirming anything newer', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const bot = botHandling(async (u) => {
      await gate;
      handled.push(u.update_id);
    });
    const id = fake.push(groupMessage(MEMBER, 'slow'));
    polling = createPolling({ bot, log: pino({ level: 'silent' }), timeoutSeconds: 1, sleep: noSleep });
    polling.start();
    await waitFor(async () => fake.callsOf('getUpdates').length > 0, 10_000, 'first poll');
    const stopped = polling.stop();
    const later = fake.push(groupMessage(MEMBER, 'arrives during shutdown'));
    release();
    await stopped;
    polling = null;
    expect(handled).toEqual([id]);
    expect(fake.confirmedOffset()).toBe(id + 1);
    expect(fake.pending().map((u) => u.update_id)).toEqual([later]);
  });

  it('handles one chat\'s updates in order while other chats proceed', async () => {
    const order: string[] = [];
    const bot = botHandling(async (u) => {
      const text = u.message?.text ?? '';
      if (text === 'a1') await new Promise((r) => setTimeout(r, 200));
      order.push(text);
    });
    fake.push(groupMessage(MEMBER, 'a1', { chat: { id: -1, type: 'group', title: 'A' } }));
    fake.push(groupMessage(MEMBER, 'a2', { chat: { id: -1, type: 'group', title: 'A' } }));
    fake.push(groupMessage(MEMBER, 'b1', { chat: { id: -2, type: 'group', title: 'B' } }));
    polling = createPolling({ bot, log: pino({ level: 'silent' }), timeoutSeconds: 1, sleep: noSleep });
    polling.start();
    await waitFor(async () => order.length === 3, 10_000, 'all handled');
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });
});
