/**
 * Posting to Discord when Discord pushes back, the real discord.js REST client against the
 * loopback fake: a 429 is waited out and the reply posted once; a 403 (the bot lost access)
 * deactivates the channel and hands the draft back to the desk; the bot token never reaches a log.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { REST } from 'discord.js';
import { DISCORD_REQUEST_RETRIES } from '../../src/connectors/discord/discord-connector.js';
import { createDiscordSender } from '../../src/connectors/discord/discord-sender.js';
import { rejectLongPostWaits, trackingMakeRequest } from '../../src/connectors/discord/errors.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { OutboundPost } from '../../src/core/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { buttonPress, discordEnv, FAKE_DISCORD, MANAGER, MEMBER, messageCreate, startFakeDiscord, type FakeDiscord, type RestCall } from '../support/fake-discord-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

let fake: FakeDiscord;
let app: TestJamii;

afterEach(async () => {
  await app?.stop();
  await fake?.close();
});

async function start(env: Record<string, string> = {}, log?: ReturnType<typeof createLogger>) {
  fake = await startFakeDiscord();
  app = await startTestJamii({ env: discordEnv(fake, env), ...(log ? { start: { log } } : {}) });
  await app.jamii.discord!.ready();
}

/** A 429 as Discord gives it: `retryAfter` seconds in the body, the Retry-After header in whole seconds. */
const rateLimited = (retryAfter: number, header = Math.ceil(retryAfter)) => ({
  status: 429,
  body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
  headers: { 'retry-after': String(header), 'x-ratelimit-scope': 'user' },
});

const buttonsOf = (post: RestCall): string[] => (post.body?.components ?? []).flatMap((row: any) => row.components.map((b: any) => b.custom_id));
const sql = async (text: string, values: unknown[] = []) => (await app.jamii.db.sql.executeSql(text, values)).rows;

async function askAndApprove(text: string, channelId: string = FAKE_DISCORD.channelId) {
  fake.dispatch('MESSAGE_CREATE', messageCreate(MEMBER, text, { channelId }));
  const card = await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => JSON.stringify(p.body.embeds ?? []).includes(text)), 15_000, 'card');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  const row = await waitFor(async () => (await app.jamii.store.outbox.listCardsForDraft(draftId)).find((r) => r.platformMessageId), 5000, 'card row');
  fake.dispatch('INTERACTION_CREATE', buttonPress(MANAGER, row.platformMessageId!, `approve:${draftId}`));
  return draftId;
}

describe('Discord delivery', () => {
  it('waits out a 429 and posts the reply once', async () => {
    await start();
    fake.failNext('POST', new RegExp(`^/channels/${FAKE_DISCORD.channelId}/messages$`), rateLimited(0.5, 1));
    await askAndApprove('How do I pay with mobile money?');
    await waitFor(async () => (await sql(`select 1 from outbox where kind = 'reply' and status = 'sent'`)).length > 0, 15_000, 'reply sent');
    const attempts = fake.posts(FAKE_DISCORD.channelId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it('hands a reply Discord holds off for longer than a send job waits back to the queue for that long', async () => {
    await start();
    fake.failNext('POST', new RegExp(`^/channels/${FAKE_DISCORD.channelId}/messages$`), rateLimited(45));
    const draftId = await askAndApprove('Can I change my delivery address after ordering?');
    const [reply] = await waitFor(async () => {
      const rows = (await sql(`select id::int as id, status, last_error as "lastError" from outbox where kind = 'reply' and draft_id = $1`, [draftId])) as Array<{ id: number; status: string; lastError: string | null }>;
      return rows[0]?.lastError?.includes('rate limited') ? rows : undefined;
    }, 15_000, 'the reply back in the queue');
    expect(reply!.status).toBe('pending');
    const jobs = (await sql(
      `select extract(epoch from start_after - now())::float8 as "startsIn", retry_count::int as "retryCount" from pgboss.job
        where name = 'send' and state = 'created' and data->'outboxIds' @> $1::jsonb`,
      [JSON.stringify([reply!.id])],
    )) as Array<{ startsIn: number; retryCount: number }>;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.startsIn).toBeGreaterThan(30);
    expect(jobs[0]!.retryCount).toBe(0);
    // One request reached Discord (the 429); nothing was retried in place or posted.
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
    expect(fake.posts(FAKE_DISCORD.deskChannelId).filter((p) => JSON.stringify(p.body).includes(`Draft #${draftId}:`))).toHaveLength(0);
  });

  it('deactivates the channel on 403 Missing Access and tells the desk', async () => {
    await start();
    fake.failNext('POST', new RegExp(`^/channels/${FAKE_DISCORD.channelId}/messages$`), { status: 403, body: { message: 'Missing Access', code: 50001 } });
    const draftId = await askAndApprove('How do I register for the training?');
    await waitFor(async () => (await sql(`select 1 from chats where platform_chat_id = $1 and not active`, [FAKE_DISCORD.channelId])).length > 0, 15_000, 'channel deactivated');
    await waitFor(async () => (await sql(`select 1 from outbox where kind = 'reply' and status = 'failed'`)).length > 0, 5000, 'reply failed');
    // The desk hears about it, and the card offers Retry.
    await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => String(p.body.content ?? '').includes(`#${draftId}`)), 10_000, 'desk notice');
    expect((await sql(`select action from audit_log where action = 'chat.deactivated' and subject = $1`, [`discord:${FAKE_DISCORD.channelId}`])).length).toBe(1);
  });

  it('never writes the bot token to a log at trace level, through a whole desk flow', async () => {
    const chunks: string[] = [];
    const fakeForSecrets = { apiRoot: 'http://127.0.0.1:9' } as FakeDiscord;
    const secrets = loadConfig({ ...discordEnv(fakeForSecrets), JAMII_DATA_DIR: '/nonexistent' }, '/nonexistent').secrets;
    expect(secrets).toContain(FAKE_DISCORD.token);
    const log = createLogger({ level: 'trace', secrets, destination: { write: (c: string) => void chunks.push(c) } });
    await start({}, log);
    fake.failNext('POST', new RegExp(`^/channels/${FAKE_DISCORD.channelId}/messages$`), { status: 403, body: { message: 'Missing Access', code: 50001 } });
    await askAndApprove('Where do I collect my seeds?');
    await waitFor(async () => (await sql(`select 1 from outbox where kind = 'reply' and status = 'failed'`)).length > 0, 15_000, 'reply failed');
    const out = chunks.join('');
    expect(out).toContain('discord.connected');
    expect(out).not.toContain(FAKE_DISCORD.token);
    expect(out).not.toMatch(/interaction-token-\d+/);
  });

  it('logs a refused login without the token, and keeps Jamii running', async () => {
    const wrong = 'WRONG.discord-bot-token.for-tests-9876543210';
    const chunks: string[] = [];
    const log = createLogger({ level: 'trace', secrets: [wrong], destination: { write: (c: string) => void chunks.push(c) } });
    fake = await startFakeDiscord();
    app = await startTestJamii({ env: discordEnv(fake, { DISCORD_TOKEN: wrong }), start: { log } });
    await waitFor(async () => chunks.join('').includes('discord.login_failed'), 5000, 'login failure logged');
    expect(chunks.join('')).not.toContain(wrong);
    expect((await fetch(`${app.url}/healthz`)).status).toBeLessThan(500);
  });
});

describe('Discord sends at their deadline', () => {
  const messagesPath = new RegExp(`^/channels/${FAKE_DISCORD.channelId}/messages$`);
  let nextId = 900_000;
  /** A reply in the member channel, as the delivery hands it to the sender (sent directly here). */
  const reply = (text: string): OutboundPost => ({
    id: nextId++, kind: 'reply', target: { platform: 'discord', chatId: FAKE_DISCORD.channelId }, replyToMessageId: null, text, card: null, poll: null, image: null,
    draftId: null, status: 'sending', attempts: 1, platformMessageId: null, claimedAt: new Date(), waitUntil: null,
  });

  it('aborts a post stalled in flight at the deadline, as an outcome a human checks, and makes no second request', async () => {
    await start();
    fake.failNext('POST', messagesPath, { status: 0, body: {}, stall: true });
    const controller = new AbortController();
    const sending = app.jamii.discord!.sender.send(reply('Is the Mombasa shop open on Sunday?'), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.posts(FAKE_DISCORD.channelId).length === 1 || undefined, 5000, 'the request');
    controller.abort();
    // Settles now, not after discord.js' 15 s timeout and its retries (this test's limit is 10 s).
    const error = await sending;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
  }, 10_000);

  it('refuses a rate-limit wait that would run past the deadline before sitting it out: not sent, back to the queue', async () => {
    await start();
    fake.failNext('POST', messagesPath, rateLimited(3));
    // 3 s fits a send job's wait (10 s) but not the 1 s left of this send's deadline.
    const deadlineAt = Date.now() + 1000;
    const error = await app.jamii.discord!.sender.send(reply('Where do I collect my parcel?'), { signal: AbortSignal.timeout(1000), deadlineAt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect((error as DeliveryError).retryAfterMs).toBeGreaterThanOrEqual(2500);
    await new Promise((r) => setTimeout(r, 3500));
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
  });

  /** A post whose request Discord holds unanswered: resolves once it is in flight; `abort` ends it. */
  const stalledPost = async (text: string) => {
    fake.failNext('POST', messagesPath, { status: 0, body: {}, stall: true });
    const controller = new AbortController();
    const outcome = app.jamii.discord!.sender.send(reply(text), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.posts(FAKE_DISCORD.channelId).length === 1 || undefined, 5000, 'the stalled request');
    return { abort: () => controller.abort(), outcome };
  };

  it('posts to a channel one post at a time: one waiting its turn behind a stalled post ends at its deadline, never reaching Discord', async () => {
    await start();
    const first = await stalledPost('First question, stalled in flight');
    const second = new AbortController();
    const waiting = app.jamii.discord!.sender.send(reply('Second question, waiting its turn'), { signal: second.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
    second.abort();
    expect(await waiting).toMatchObject({ outcome: 'not_sent', retryable: true });
    first.abort();
    expect(await first.outcome).toMatchObject({ outcome: 'unknown' });
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
    // The channel's turn is free again.
    await app.jamii.discord!.sender.send(reply('Third question'), { signal: AbortSignal.timeout(5000) });
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(2);
  }, 15_000);

  it('keeps the turn of a post still in flight when one waiting behind it gives up: the next waits too', async () => {
    await start();
    const a = await stalledPost('A, stalled in flight');
    const b = new AbortController();
    const gaveUp = app.jamii.discord!.sender.send(reply('B, gives up waiting'), { signal: b.signal }).catch((e: unknown) => e);
    b.abort();
    expect(await gaveUp).toMatchObject({ outcome: 'not_sent' });
    // C comes after B gave up, while A still holds the channel: it waits too, and its deadline ends the wait.
    const c = await app.jamii.discord!.sender.send(reply('C, after B'), { signal: AbortSignal.timeout(500), deadlineAt: Date.now() + 500 }).catch((e: unknown) => e);
    expect(c).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
    a.abort();
    expect(await a.outcome).toMatchObject({ outcome: 'unknown' });
  }, 15_000);

  it('hands a post whose channel stays busy with an earlier post of ours back to the queue, with a wait: not a failure', async () => {
    fake = await startFakeDiscord();
    const rest = new REST({ api: fake.apiRoot, retries: 0 }).setToken(FAKE_DISCORD.token);
    const sender = createDiscordSender({ rest, log: createLogger({ level: 'silent', secrets: [] }), onChannelGone: async () => undefined, turnMaxWaitMs: 300 });
    fake.failNext('POST', messagesPath, { status: 0, body: {}, stall: true });
    const first = new AbortController();
    const stalled = sender.send(reply('First, stalled'), { signal: first.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.posts(FAKE_DISCORD.channelId).length === 1 || undefined, 5000, 'the first request');
    const error = await sender.send(reply('Second, the channel busy'), { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 300 });
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
    first.abort();
    await stalled;
  });

  it('calls a post unknown when a try of it got a 5xx, however it ends: the try may have posted it', async () => {
    await start();
    fake.failNext('POST', messagesPath, { status: 502, body: { message: 'Bad Gateway', code: 0 } });
    fake.failNext('POST', messagesPath, rateLimited(5));
    // discord.js retries the 502 itself; the 429 after it asks for more than this send has left.
    const error = await app.jamii.discord!.sender.send(reply('Is the Nakuru branch open?'), { signal: AbortSignal.timeout(2000), deadlineAt: Date.now() + 2000 }).catch((e: unknown) => e);
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(2);
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
  });

  it('calls a post stopped by its deadline between tries (after a 429) not sent: no try of it went out unanswered', async () => {
    await start();
    fake.failNext('POST', messagesPath, rateLimited(1));
    const controller = new AbortController();
    // No deadlineAt: discord.js sits the 1 s out, and its next try finds the signal aborted.
    const sending = app.jamii.discord!.sender.send(reply('Where do I collect my parcel?'), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.posts(FAKE_DISCORD.channelId).length === 1 || undefined, 5000, 'the first try');
    // The fake records the request before discord.js has read its 429: abort once it sits out the wait.
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    expect(await sending).toMatchObject({ outcome: 'not_sent', retryable: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(1);
  });

  it('starts nothing once the deadline has passed', async () => {
    await start();
    const error = await app.jamii.discord!.sender.send(reply('Do you sell solar lamps?'), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.posts(FAKE_DISCORD.channelId)).toHaveLength(0);
  });
});

describe('Discord sends over a broken network', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  /** A sender whose REST client is set up as the connector's, pointed at `api`. */
  const senderAt = (api: string) => {
    const rest = new REST({ api, retries: DISCORD_REQUEST_RETRIES, timeout: 5_000, rejectOnRateLimit: rejectLongPostWaits, makeRequest: trackingMakeRequest }).setToken(FAKE_DISCORD.token);
    return createDiscordSender({ rest, log: createLogger({ level: 'silent', secrets: [] }), onChannelGone: async () => undefined });
  };
  const post: OutboundPost = {
    id: 950_001, kind: 'reply', target: { platform: 'discord', chatId: FAKE_DISCORD.channelId }, replyToMessageId: null, text: 'Is the Eldoret shop open?', card: null, poll: null, image: null,
    draftId: null, status: 'sending', attempts: 1, platformMessageId: null, claimedAt: new Date(), waitUntil: null,
  };
  /** A loopback TCP server doing `onRequest` with each connection once a whole request (headers and body) has arrived. */
  const listen = async (onRequest: (socket: Socket) => void) => {
    const requests: string[] = [];
    server = createServer((socket) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        const headersEnd = received.indexOf('\r\n\r\n');
        const length = Number(/content-length: *(\d+)/i.exec(received)?.[1] ?? 0);
        if (headersEnd < 0 || received.length < headersEnd + 4 + length) return;
        requests.push(received);
        onRequest(socket);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { api: `http://127.0.0.1:${(server.address() as { port: number }).port}/api`, requests };
  };

  it('calls a post whose connection was refused not sent, to be sent again: it never left', async () => {
    const { api } = await listen(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await senderAt(api).send(post, { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect((error as DeliveryError).message).toContain('ECONNREFUSED');
  });

  it('calls a post whose connection reset after the request arrived an unknown outcome for a human, not a retry', async () => {
    const { api, requests } = await listen((socket) => socket.resetAndDestroy());
    const error = await senderAt(api).send(post, { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
    expect((error as DeliveryError).message).toContain('ECONNRESET');
    // discord.js tries a reset again itself; every try carried the post's nonce, which Discord dedupes.
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) expect(request).toContain('jamii-950001-0');
  });
});
