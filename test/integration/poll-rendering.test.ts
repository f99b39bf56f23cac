/**
 * Polls and images rendered on the platform fakes by the real SDKs: Telegram sendPoll and
 * sendPhoto (a multipart upload of the PNG), Discord message polls and a file attachment
 * (multipart with payload_json).
 */
import { REST } from 'discord.js';
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundPost } from '../../src/core/types.js';
import { createDiscordSender } from '../../src/connectors/discord/discord-sender.js';
import { createTelegramSender } from '../../src/connectors/telegram/telegram-sender.js';
import { createOutboundLimiter } from '../../src/connectors/telegram/rate-limiter.js';
import { FAKE_DISCORD, startFakeDiscord, type FakeDiscord } from '../support/fake-discord-server.js';
import { MANAGER, startFakeTelegram, SUPERGROUP, type FakeTelegram } from '../support/fake-telegram-server.js';
import { createRecordingLogger } from '../support/fakes.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useDiscordJamii, useTelegramJamii } from '../support/platform-jamii.js';
import { sendJobs } from '../../src/core/job-batches.js';

/** A 1×1 transparent PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG = Buffer.from(PNG_BASE64, 'base64');

const POLL = { question: 'How is delivery going for you lately?', options: ['Going well', 'Mixed', 'Not great', 'Not tried it yet'] };
const IMAGE = { filename: 'weekly-report.png', contentType: 'image/png' as const, dataBase64: PNG_BASE64, alt: 'Messages per day, last week' };

function post(target: OutboundPost['target'], extra: Record<string, unknown>): OutboundPost {
  return {
    id: 41,
    kind: 'post',
    target,
    replyToMessageId: null,
    text: '',
    card: null,
    poll: null,
    image: null,
    draftId: null,
    status: 'sending',
    attempts: 1,
    platformMessageId: null,
    waitUntil: null,
    claimedAt: null,
    ...extra,
  };
}

describe('Telegram renders polls and photos', () => {
  let fake: FakeTelegram;
  const sender = () =>
    createTelegramSender({ api: new Api(fake.token, { apiRoot: fake.apiRoot }), limiter: createOutboundLimiter(), log: createRecordingLogger(), onChatGone: async () => undefined, onChatMigrated: async () => undefined });
  const group = { platform: 'telegram' as const, chatId: String(SUPERGROUP.id) };

  beforeEach(async () => {
    fake = await startFakeTelegram();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('Polls rendered on the platform fake: sendPoll with the question, the options and the post text as description', async () => {
    const { messageId } = await sender().send(post(group, { text: '📊 Quick poll', poll: POLL }));
    const [sent] = fake.postsTo(SUPERGROUP.id);
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
    expect(sent!.poll).toEqual({ question: POLL.question, options: POLL.options, description: '📊 Quick poll' });
    expect(messageId).toBe(String(sent!.messageId));
  });

  it('puts a long intro before the poll, and clips over-long options to 100 characters', async () => {
    const long = 'x'.repeat(1500);
    await sender().send(post(group, { text: long, poll: { question: 'Which?', options: ['a'.repeat(150), 'b'] } }));
    const [intro, poll] = fake.postsTo(SUPERGROUP.id);
    expect(intro!.text).toBe(long);
    expect(poll!.poll!.options[0]).toHaveLength(100);
    expect(poll!.poll!.description).toBeUndefined();
  });

  it('posts a poll whose options collapse to fewer than two as numbered text', async () => {
    await sender().send(post(group, { text: 'Intro', poll: { question: 'Pick one', options: ['Same', 'Same'] } }));
    expect(fake.callsOf('sendPoll')).toHaveLength(0);
    expect(fake.postsTo(SUPERGROUP.id)[0]!.text).toContain('Pick one\n1. Same\n2. Same');
  });

  it('uploads an image with sendPhoto as multipart/form-data, the text as its caption', async () => {
    await sender().send(post(group, { text: 'Weekly report', image: IMAGE }));
    const call = fake.callsOf('sendPhoto')[0]!;
    const [sent] = fake.postsTo(SUPERGROUP.id);
    expect(sent!.photo!.data.equals(PNG)).toBe(true);
    expect(sent!.photo!.filename).toBe('weekly-report.png');
    expect(call.payload.caption).toBe('Weekly report');
  });
});

describe('Discord renders polls and attachments', () => {
  let fake: FakeDiscord;
  const sender = () => createDiscordSender({ rest: new REST({ api: fake.apiRoot }).setToken(FAKE_DISCORD.token), log: createRecordingLogger(), onChannelGone: async () => undefined });
  const channel = { platform: 'discord' as const, chatId: FAKE_DISCORD.channelId };

  beforeEach(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('Polls rendered on the platform fake: a message poll under the post text, open 24 hours', async () => {
    await sender().send(post(channel, { text: '📊 Quick poll', poll: POLL }));
    const [call] = fake.posts(FAKE_DISCORD.channelId);
    expect(call!.body.content).toBe('📊 Quick poll');
    expect(call!.body.poll).toEqual({
      question: { text: POLL.question },
      answers: POLL.options.map((text) => ({ poll_media: { text } })),
      duration: 24,
      allow_multiselect: false,
    });
  });

  it('clips answers to 55 characters and keeps at most ten', async () => {
    const options = Array.from({ length: 12 }, (_, i) => `${i} ${'long answer '.repeat(8)}`);
    await sender().send(post(channel, { text: '', poll: { question: 'Which one?', options } }));
    const body = fake.posts(FAKE_DISCORD.channelId)[0]!.body;
    expect(body.poll.answers).toHaveLength(10);
    expect(body.poll.answers.every((a: { poll_media: { text: string } }) => a.poll_media.text.length <= 55)).toBe(true);
  });

  it('attaches an image as a multipart upload with payload_json', async () => {
    await sender().send(post(channel, { text: 'Weekly report', image: IMAGE }));
    const [call] = fake.posts(FAKE_DISCORD.channelId);
    expect(call!.body.content).toBe('Weekly report');
    expect(call!.body.attachments).toEqual([{ id: 0, filename: 'weekly-report.png', description: 'Messages per day, last week' }]);
    expect(call!.files).toHaveLength(1);
    expect(call!.files[0]!.field).toBe('files[0]');
    expect(call!.files[0]!.contentType).toBe('image/png');
    expect(call!.files[0]!.data.equals(PNG)).toBe(true);
  });
});

/** A notice with a picture (the weekly report's chart) through the outbox and the send job. */
async function queueImageNotice(app: TestJamii, target: OutboundPost['target']): Promise<number> {
  return app.jamii.store.transaction(async (tx) => {
    const row = await tx.outbox.insert({ kind: 'notice', target, replyToMessageId: null, text: '🗓 Weekly report — Community', card: null, image: IMAGE, draftId: null, dedupeKey: `test:image:${target.platform}` });
    await tx.jobs.enqueue('send', sendJobs([row!.id]));
    return row!.id;
  });
}

describe('an image attached through the outbox on Telegram', () => {
  let fake: FakeTelegram;
  let app: TestJamii;
  useTelegramJamii((f, a) => {
    fake = f;
    app = a;
  });

  it('sends the chart to the desk with sendPhoto, the report as its caption, once', async () => {
    const outboxId = await queueImageNotice(app, { platform: 'telegram', chatId: String(MANAGER.id) });
    const sent = await waitFor(async () => fake.postsTo(MANAGER.id).find((p) => p.photo), 15_000, 'the photo');
    expect(sent.photo!.data.equals(PNG)).toBe(true);
    expect(sent.text).toBe('🗓 Weekly report — Community');
    await waitFor(async () => (await app.jamii.store.outbox.get(outboxId))?.status === 'sent', 15_000, 'sent');
    expect(fake.callsOf('sendPhoto')).toHaveLength(1);
  });
});

describe('an image attached through the outbox on Discord', () => {
  let fake: FakeDiscord;
  let app: TestJamii;
  useDiscordJamii((f, a) => {
    fake = f;
    app = a;
  });

  it('posts the chart to the desk channel as an attachment, once', async () => {
    const outboxId = await queueImageNotice(app, { platform: 'discord', chatId: FAKE_DISCORD.deskChannelId });
    const call = await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => p.files.length > 0), 15_000, 'the attachment');
    expect(call.body.content).toBe('🗓 Weekly report — Community');
    expect(call.files[0]!.data.equals(PNG)).toBe(true);
    await waitFor(async () => (await app.jamii.store.outbox.get(outboxId))?.status === 'sent', 15_000, 'sent');
    expect(fake.posts(FAKE_DISCORD.deskChannelId).filter((p) => p.files.length > 0)).toHaveLength(1);
  });
});
