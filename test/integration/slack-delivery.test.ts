/**
 * The Slack sender with the real WebClient against the loopback fake Web API: where each kind of
 * post goes, what a reply can never do (ping a channel, unfurl), how polls and pictures are
 * rendered, and how Slack's refusals and 429s are handled.
 */
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChannelLimiter } from '../../src/connectors/slack/rate-limiter.js';
import { SLACK_SEND_MAX_WAIT_MS, createSlackSender } from '../../src/connectors/slack/slack-sender.js';
import { slackClientOptions } from '../../src/connectors/slack/web-client.js';
import { DeliveryError } from '../../src/core/errors.js';
import type { PlatformSender } from '../../src/core/ports.js';
import type { ChatRef, OutboundPost } from '../../src/core/types.js';
import { FAKE_SLACK, startFakeSlack, type FakeSlack } from '../support/fake-slack-server.js';
import { waitFor } from '../support/harness.js';

let fake: FakeSlack;
let client: webApi.WebClient;
let sender: PlatformSender;
let gone: Array<{ chat: ChatRef; reason: string }>;
const sleeps: number[] = [];

const general: ChatRef = { platform: 'slack', chatId: FAKE_SLACK.channelId };
let nextId = 1;
function outbound(overrides: Partial<OutboundPost>): OutboundPost {
  return {
    id: nextId++, kind: 'reply', target: general, replyToMessageId: '1790000000.000100', text: 'Hello', card: null, poll: null, image: null,
    draftId: 1, status: 'sending', attempts: 1, platformMessageId: null, claimedAt: new Date(), waitUntil: null, ...overrides,
  };
}

beforeEach(async () => {
  fake = await startFakeSlack();
  gone = [];
  sleeps.length = 0;
  // The options the connector gives its own client and Bolt's.
  client = new webApi.WebClient(FAKE_SLACK.botToken, slackClientOptions({ apiUrl: fake.apiUrl }));
  sender = createSlackSender({
    client,
    // Recorded, not waited: the tests check what was asked for, not how long it took.
    limiter: createChannelLimiter({ sleep: async () => undefined }),
    log: pino({ level: 'silent' }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    async onChannelGone(chat, reason) {
      gone.push({ chat, reason });
    },
  });
});
afterEach(async () => {
  await fake.close();
});

describe('Slack sender', () => {
  it('replies in the member message\'s thread with escaped mrkdwn, so no channel, here, everyone or group ping can form', async () => {
    const text = 'Hi <!channel> <!here> <!everyone> <!subteam^S0123|@team> <@U0BARAKA01> & welcome';
    const { messageId } = await sender.send(outbound({ text }));
    const [post] = fake.posts(FAKE_SLACK.channelId);
    expect(messageId).toBe(post!.ts);
    expect(post!.args.thread_ts).toBe('1790000000.000100');
    expect(post!.args.text).not.toMatch(/<!|<@/);
    expect(post!.args.text).toBe('Hi &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S0123|@team&gt; &lt;@U0BARAKA01&gt; &amp; welcome');
    expect(post!.args).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false', link_names: 'false' });
  });

  it('keeps a reply in the thread it was asked in', async () => {
    await sender.send(outbound({ target: { ...general, threadId: '1790000000.000050' }, replyToMessageId: '1790000000.000100' }));
    expect(fake.posts()[0]!.args.thread_ts).toBe('1790000000.000050');
  });

  it('posts a proactive post at the top level, a poll as its question and numbered options', async () => {
    await sender.send(outbound({ kind: 'post', replyToMessageId: null, text: 'Quick question for the week:', poll: { question: 'Which market day suits you?', options: ['Tuesday', 'Saturday'] } }));
    const [post] = fake.posts();
    expect(post!.args.thread_ts).toBeUndefined();
    expect(post!.args.text).toBe('Quick question for the week:\n\nWhich market day suits you?\n1. Tuesday\n2. Saturday');
  });

  it('uploads a picture through the external upload flow and shares it into the channel with the text', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const { messageId } = await sender.send(
      outbound({ kind: 'post', replyToMessageId: null, text: 'This week in <Kilimo>', image: { filename: 'week.png', contentType: 'image/png', dataBase64: png.toString('base64'), alt: 'Messages per day' } }),
    );
    const [urlCall] = fake.callsTo('files.getUploadURLExternal');
    expect(urlCall!.args).toMatchObject({ filename: 'week.png', length: String(png.length), alt_text: 'Messages per day' });
    expect(fake.uploads.get('F0FAKE0001')).toEqual(png);
    // As the SDK did: the bytes go up with the bot's token.
    expect(fake.uploadAuthorization.get('F0FAKE0001')).toBe(`Bearer ${FAKE_SLACK.botToken}`);
    const [complete] = fake.callsTo('files.completeUploadExternal');
    expect(complete!.args.channel_id).toBe(FAKE_SLACK.channelId);
    expect(complete!.args.initial_comment).toBe('This week in &lt;Kilimo&gt;');
    expect(complete!.args.thread_ts).toBeUndefined();
    expect(messageId).toMatch(/^\d+\.\d{6}$/);
    expect(fake.posts()).toHaveLength(0);
  });

  it('waits out a 429\'s Retry-After and posts once', async () => {
    fake.failNext('chat.postMessage', { retryAfter: 2 });
    await sender.send(outbound({}));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(fake.posts()).toHaveLength(1);
    expect(sleeps).toContain(2000);
  });

  it('hands a long Retry-After back to the queue as a retryable refusal (nothing posted)', async () => {
    fake.failNext('chat.postMessage', { retryAfter: 600 });
    const error = await sender.send(outbound({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 600_000 });
    expect(fake.posts()).toHaveLength(0);
  });

  it('hands every post of a 429 storm back to the queue at once: one call each, nothing held or paused in the client', async () => {
    const posts = 40;
    fake.failNext('chat.postMessage', { retryAfter: 600 }, posts);
    const queue = (client as unknown as { requestQueue: { size: number; pending: number; isPaused: boolean } }).requestQueue;
    // A channel each, so the channel limiter lets every post go at once.
    const sends = Array.from({ length: posts }, (_, i) => sender.send(outbound({ target: { platform: 'slack', chatId: `C0STORM${String(i).padStart(3, '0')}` } })).catch((e: unknown) => e));
    const errors = await Promise.all(sends);
    for (const error of errors) expect(error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 600_000 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(queue).toMatchObject({ size: 0, pending: 0, isPaused: false });
    expect(fake.posts()).toHaveLength(0);
  });

  it('refuses a post its channel cannot take within the wait a send job allows, without calling Slack', async () => {
    // The limiter's clock is real and its sleeps are skipped: eleven posts book the next eleven seconds.
    for (let i = 0; i < 11; i++) await sender.send(outbound({ text: `card ${i}` }));
    const error = await sender.send(outbound({ text: 'one too many' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect((error as DeliveryError).retryAfterMs).toBeGreaterThan(SLACK_SEND_MAX_WAIT_MS);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(11);
    // Another channel is not held up by it.
    await sender.send(outbound({ target: { platform: 'slack', chatId: 'C0OTHER001' }, text: 'elsewhere' }));
    expect(fake.callsTo('chat.postMessage')).toHaveLength(12);
  });

  it('reports a channel that is gone or closed to the bot, so the chat is marked inactive', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = await sender.send(outbound({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: false });
    expect(gone).toEqual([{ chat: general, reason: 'forbidden' }]);
  });

  it('marks every part it posts with its outbox row, and finds a post whose answer was lost (5xx after it landed)', async () => {
    const reply = outbound({ claimedAt: new Date() });
    fake.failNext('chat.postMessage', { status: 503, landed: true });
    const error = await sender.send(reply).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
    const [landed] = fake.posts(FAKE_SLACK.channelId);
    expect(landed!.args.metadata).toEqual({ event_type: 'jamii_post', event_payload: { outbox_id: reply.id, part: 0, parts: 1 } });
    // The reply is in the member's thread: the lookup reads the thread, with metadata.
    expect(await sender.findPosted!(reply)).toEqual({ messageId: landed!.ts });
    expect(fake.callsTo('conversations.replies')[0]!.args).toMatchObject({ channel: FAKE_SLACK.channelId, ts: '1790000000.000100', include_all_metadata: 'true' });
    expect(fake.posts(FAKE_SLACK.channelId)).toHaveLength(1);
  });

  it('finds a top-level post in the channel history, and nothing for a post that never landed or landed only in part', async () => {
    const news = outbound({ kind: 'post', replyToMessageId: null, text: 'Maize prices fall', claimedAt: new Date() });
    await sender.send(news);
    expect(await sender.findPosted!(news)).toEqual({ messageId: fake.posts()[0]!.ts });
    expect(fake.callsTo('conversations.history')).toHaveLength(1);

    const lost = outbound({ claimedAt: new Date() });
    fake.failNext('chat.postMessage', { status: 503 });
    await sender.send(lost).catch(() => undefined);
    expect(await sender.findPosted!(lost)).toBeNull();

    const long = outbound({ text: Array.from({ length: 900 }, (_, i) => `word${i}`).join(' '), claimedAt: new Date() });
    const before = fake.posts().length;
    fake.failNext('chat.postMessage', { status: 503, landed: true });
    await sender.send(long).catch(() => undefined);
    expect(fake.posts().length).toBe(before + 1);
    // Only the first part is in the thread: the post is not all there, so a human checks.
    expect(await sender.findPosted!(long)).toBeNull();
  });

  it('never retries blindly after an answer that may have posted (5xx)', async () => {
    fake.failNext('chat.postMessage', { status: 503 });
    const error = await sender.send(outbound({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it.each(['internal_error', 'fatal_error'])('calls %s an unknown outcome (Slack may have posted), found by the lookup when it landed', async (code) => {
    const landed = outbound({ claimedAt: new Date() });
    fake.failNext('chat.postMessage', { error: code, landed: true });
    expect(await sender.send(landed).catch((e: unknown) => e)).toMatchObject({ outcome: 'unknown', retryable: false });
    expect(await sender.findPosted!(landed)).toEqual({ messageId: fake.posts()[0]!.ts });

    const lost = outbound({ claimedAt: new Date() });
    fake.failNext('chat.postMessage', { error: code });
    expect(await sender.send(lost).catch((e: unknown) => e)).toMatchObject({ outcome: 'unknown', retryable: false });
    expect(await sender.findPosted!(lost)).toBeNull();
    expect(gone).toEqual([]);
  });

  it.each(['service_unavailable', 'request_timeout'])('hands a post Slack answered %s back to the queue as a retryable refusal (nothing posted)', async (code) => {
    fake.failNext('chat.postMessage', { error: code });
    const error = await sender.send(outbound({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: null });
    expect(fake.posts()).toHaveLength(0);
  });

  it('keeps any other refusal final: not sent, not retried', async () => {
    fake.failNext('chat.postMessage', { error: 'msg_too_long' });
    expect(await sender.send(outbound({})).catch((e: unknown) => e)).toMatchObject({ outcome: 'not_sent', retryable: false });
  });

  it('splits a long reply into messages in the same thread, nothing lost', async () => {
    const text = Array.from({ length: 900 }, (_, i) => `word${i} &`).join(' ');
    await sender.send(outbound({ text }));
    const posts = fake.posts();
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) expect(p.args.thread_ts).toBe('1790000000.000100');
    expect(posts.map((p) => p.args.text.replace(/&amp;/g, '&')).join(' ')).toBe(text);
  });
});

describe('Slack sender at its deadline', () => {
  const never = () => new Promise<void>(() => undefined);
  /** A sender whose waits (a 429's Retry-After, and with `slotsHang` a channel slot) never end by themselves. */
  const withHangingWaits = (slotsHang = false) =>
    createSlackSender({
      client,
      limiter: createChannelLimiter({ sleep: slotsHang ? never : async () => undefined }),
      log: pino({ level: 'silent' }),
      sleep: never,
      async onChannelGone() {},
    });

  it('stops waiting out a 429 when the deadline passes: nothing posted, the post goes back to the queue', async () => {
    fake.failNext('chat.postMessage', { retryAfter: 5 });
    const controller = new AbortController();
    const sending = withHangingWaits().send(outbound({}), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.callsTo('chat.postMessage').length === 1 || undefined, 5000, 'the first try');
    controller.abort();
    const error = await sending;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: null });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.posts()).toHaveLength(0);
  });

  it('starts nothing once the deadline has passed', async () => {
    const error = await withHangingWaits().send(outbound({}), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.calls).toHaveLength(0);
  });

  it('starts no further part of a split reply after the deadline, and calls what is out an unknown outcome', async () => {
    const controller = new AbortController();
    const long = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const sending = withHangingWaits(true).send(outbound({ text: long }), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.posts().length === 1 || undefined, 5000, 'the first part');
    controller.abort();
    const error = await sending;
    expect(error).toMatchObject({ outcome: 'unknown', retryable: false });
    expect((error as Error).message).toContain('only part of a split reply was posted');
    expect(fake.posts()).toHaveLength(1);
  });

  it('never shares a picture once the deadline has passed during the upload flow: nothing in the channel, back to the queue', async () => {
    fake.failNext('files.getUploadURLExternal', { retryAfter: 5 });
    const controller = new AbortController();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const post = outbound({ kind: 'post', replyToMessageId: null, text: 'Chart', image: { filename: 'week.png', contentType: 'image/png', dataBase64: png.toString('base64'), alt: 'chart' } });
    const sending = withHangingWaits().send(post, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.callsTo('files.getUploadURLExternal').length === 1 || undefined, 5000, 'the upload URL request');
    controller.abort();
    expect(await sending).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });

  it('aborts a picture\'s upload stalled in flight at the deadline, and never shares it', async () => {
    fake.stallNextUpload();
    const controller = new AbortController();
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const post = outbound({ kind: 'post', replyToMessageId: null, text: 'Chart', image: { filename: 'c.png', contentType: 'image/png', dataBase64: png.toString('base64'), alt: 'chart' } });
    const sending = withHangingWaits().send(post, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.uploads.size === 1 || undefined, 5000, 'the upload in flight');
    controller.abort();
    // Settles now, not at the upload's own 15 s timeout (this test's limit is 10 s).
    expect(await sending).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
  }, 10_000);

  it('calls a picture whose upload URL never came (5xx) not sent: nothing was shared', async () => {
    fake.failNext('files.getUploadURLExternal', { status: 500 });
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const post = outbound({ kind: 'post', replyToMessageId: null, text: 'Chart', image: { filename: 'c.png', contentType: 'image/png', dataBase64: png.toString('base64'), alt: 'chart' } });
    const error = await sender.send(post).catch((e: unknown) => e);
    expect(error).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });

  it('calls a picture whose upload URL Slack answered internal_error for not sent: nothing was shared', async () => {
    fake.failNext('files.getUploadURLExternal', { error: 'internal_error' });
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const post = outbound({ kind: 'post', replyToMessageId: null, text: 'Chart', image: { filename: 'c.png', contentType: 'image/png', dataBase64: png.toString('base64'), alt: 'chart' } });
    expect(await sender.send(post).catch((e: unknown) => e)).toMatchObject({ outcome: 'not_sent', retryable: true });
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });

  it('gives up a lookup whose 429 outlasts its deadline instead of waiting it out', async () => {
    fake.failNext('conversations.history', { retryAfter: 5 });
    const controller = new AbortController();
    const looking = withHangingWaits().findPosted!(outbound({ kind: 'post', replyToMessageId: null }), { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(async () => fake.callsTo('conversations.history').length === 1 || undefined, 5000, 'the lookup');
    controller.abort();
    expect(await looking).toMatchObject({ outcome: 'not_sent' });
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
  });
});
