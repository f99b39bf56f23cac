/** Webhook mode: Telegram's secret token is checked before anything is processed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { cardFor, groupMessage, MANAGER, MEMBER, startFakeTelegram, telegramEnv, type FakeTelegram } from '../support/fake-telegram-server.js';

const SECRET = 'webhook-secret-0123456789abcdef';
const PUBLIC_URL = 'https://bot.example.org/hooks/telegram';

let fake: FakeTelegram;
let app: TestJamii;

/** Jamii in webhook mode, with JAMII_TELEGRAM_WEBHOOK_SECRET written as `secret`. */
const startWithSecret = async (secret: string) => {
  fake = await startFakeTelegram();
  app = await startTestJamii({ env: telegramEnv(fake, { JAMII_TELEGRAM_WEBHOOK_URL: PUBLIC_URL, JAMII_TELEGRAM_WEBHOOK_SECRET: secret }) });
};

afterEach(async () => {
  await app.stop();
  await fake.close();
});

const deliver = (update: unknown, secret: string | null) =>
  fetch(`${app.url}/hooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: JSON.stringify(update),
  });

const storedTexts = async () => (await app.jamii.db.sql.executeSql('select text from messages order by id')).rows.map((r: { text: string }) => r.text);

describe('Telegram webhook mode', () => {
  beforeEach(() => startWithSecret(SECRET));

  it('registers the webhook with its secret and the update kinds Jamii needs, and never polls', async () => {
    await waitFor(async () => fake.webhook, 10_000, 'setWebhook');
    expect(fake.webhook).toEqual({ url: PUBLIC_URL, secret_token: SECRET, allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member', 'chat_member', 'message_reaction', 'message_reaction_count'] });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
  });

  it('stores an update that carries the right secret before answering, and drafts from it once', async () => {
    const update = { update_id: 1, ...groupMessage(MEMBER, 'How can I pay with M-Pesa?') };
    const res = await deliver(update, SECRET);
    expect(res.status).toBe(200);
    expect(await storedTexts()).toEqual(['How can I pay with M-Pesa?']);
    await waitFor(async () => cardFor(fake, MANAGER.id, 'How can I pay with M-Pesa?'), 15_000, 'card');
    // Telegram redelivers (it did not see our answer): stored once, one card.
    expect((await deliver(update, SECRET)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await storedTexts()).toEqual(['How can I pay with M-Pesa?']);
    expect(fake.postsTo(MANAGER.id).filter((p) => p.text.includes('M-Pesa'))).toHaveLength(1);
  });

  it('answers 500 when the update cannot be stored, so Telegram delivers it again', async () => {
    const ingest = app.jamii.ingest;
    const real = ingest.ingest.bind(ingest);
    ingest.ingest = async () => {
      throw new Error('database unavailable');
    };
    const update = { update_id: 3, ...groupMessage(MEMBER, 'Is the market open on Sunday?') };
    expect((await deliver(update, SECRET)).status).toBe(500);
    expect(await storedTexts()).toEqual([]);
    ingest.ingest = real;
    expect((await deliver(update, SECRET)).status).toBe(200);
    expect(await storedTexts()).toEqual(['Is the market open on Sunday?']);
  });

  it('answers 401 to a wrong or missing secret and processes nothing', async () => {
    for (const secret of ['wrong-secret-0123456789abcdef', null]) {
      const res = await deliver({ update_id: 2, ...groupMessage(MEMBER, 'Is this stored?') }, secret);
      expect(res.status).toBe(401);
    }
    expect(await storedTexts()).toEqual([]);
  });
});

describe('Telegram webhook secret written with a CRLF or space-padded line', () => {
  it.each([`${SECRET}\r`, ` ${SECRET} `])('registers the trimmed secret and accepts the updates Telegram sends with it (%j)', async (written) => {
    await startWithSecret(written);
    // Telegram sends back exactly what setWebhook registered.
    await waitFor(async () => fake.webhook, 10_000, 'setWebhook');
    expect(fake.webhook?.secret_token).toBe(SECRET);
    const res = await deliver({ update_id: 4, ...groupMessage(MEMBER, 'Do you deliver on Sunday?') }, fake.webhook!.secret_token!);
    expect(res.status).toBe(200);
    expect(await storedTexts()).toEqual(['Do you deliver on Sunday?']);
    expect((await deliver({ update_id: 5, ...groupMessage(MEMBER, 'Is this stored?') }, 'wrong-secret-0123456789abcdef')).status).toBe(401);
  });
});
