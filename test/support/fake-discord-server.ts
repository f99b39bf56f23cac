/**
 * A loopback fake of Discord for tests, spoken to by the real discord.js: REST under /v10 (the
 * routes Jamii calls: gateway/bot, users/@me, application commands, channel messages, interaction
 * callbacks and the interaction webhook) and a WebSocket gateway on the same port speaking the
 * real protocol (HELLO, IDENTIFY → READY + GUILD_CREATE, HEARTBEAT → ACK, dispatches with
 * sequence numbers, RESUME → replayed dispatches + RESUMED). Every REST call is recorded;
 * failures (429 with retry_after, 403 Missing Access, anything) can be injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseMultipart, type UploadedFile } from './multipart.js';

export { buttonPress, messageCreate, modalSubmit, slashCommand, threadCreate } from './fake-discord-payloads.js';

export const FAKE_DISCORD = {
  token: 'FAKE.discord-bot-token.for-tests-0123456789abcdef',
  applicationId: '700000000000000001',
  botUser: { id: '700000000000000001', username: 'jamii', global_name: 'Jamii', discriminator: '0', bot: true, avatar: null },
  guildId: '900000000000000001',
  channelId: '900000000000000010',
  threadId: '900000000000000020',
  deskChannelId: '900000000000000030',
  forumChannelId: '900000000000000040',
} as const;

export interface DiscordPerson {
  id: string;
  username: string;
  roles?: string[];
}
export const MANAGER: DiscordPerson = { id: '800000000000000001', username: 'amina' };
export const MEMBER: DiscordPerson = { id: '800000000000000002', username: 'baraka' };
export const STRANGER: DiscordPerson = { id: '800000000000000003', username: 'chege' };

export interface RestCall {
  method: string;
  /** Path after /v10, e.g. /channels/123/messages. */
  path: string;
  body: any;
  /** Files uploaded with a multipart request (the body is then its payload_json). */
  files: UploadedFile[];
  authorization: string | undefined;
  at: number;
}

export interface InjectedFailure {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Never answer (status and body unused): the request stays in flight until the client gives up. */
  stall?: boolean;
}

interface Rule {
  method: string;
  path: RegExp;
  times: number;
  failure: InjectedFailure;
}

export interface FakeDiscord {
  /** The API root to give discord.js (DISCORD_API_ROOT). */
  apiRoot: string;
  calls: RestCall[];
  callsTo(method: string, path: RegExp): RestCall[];
  /** Messages the bot posted (POST channel messages), in order. */
  posts(channelId?: string): RestCall[];
  /** Sends a dispatch to the connected session (and logs it for resumes); returns its sequence number. */
  dispatch(t: string, d: Record<string, unknown>): number;
  /** Resolves once a session has identified (READY sent). */
  identified(): Promise<void>;
  /** How many IDENTIFY, RESUME and HEARTBEAT the gateway received, and how many dispatches it replayed on resumes. */
  counts(): { identify: number; resume: number; heartbeat: number; replayed: number };
  /** Closes the socket with a resumable code; discord.js reconnects and RESUMEs. On RESUME the fake replays every dispatch since `replayFrom`. */
  dropConnection(replayFrom?: number): void;
  /** Resolves once the gateway has answered a RESUME. */
  resumed(): Promise<void>;
  /** The next `times` calls matching fail with `failure`. */
  failNext(method: string, path: RegExp, failure: InjectedFailure, times?: number): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

let snowflakeCounter = 0n;
/** A fresh snowflake (ordered, unique within the test process). */
export function nextSnowflake(): string {
  snowflakeCounter += 1n;
  return String(1_300_000_000_000_000_000n + snowflakeCounter);
}

function guildPayload() {
  const { guildId, channelId, threadId, deskChannelId, forumChannelId } = FAKE_DISCORD;
  const channel = (id: string, name: string, type = 0) => ({ id, type, name, guild_id: guildId, position: 0, permission_overwrites: [], parent_id: null, nsfw: false });
  return {
    id: guildId,
    name: 'Kilimo Community',
    icon: null,
    owner_id: MANAGER.id,
    unavailable: false,
    large: false,
    member_count: 3,
    features: [],
    roles: [{ id: guildId, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    members: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    channels: [channel(channelId, 'general'), channel(deskChannelId, 'jamii-desk'), { ...channel(forumChannelId, 'help-forum', 15), available_tags: [], default_reaction_emoji: null, default_sort_order: null, default_forum_layout: 0 }],
    threads: [
      {
        id: threadId,
        type: 11,
        name: 'password help',
        guild_id: guildId,
        parent_id: channelId,
        owner_id: MEMBER.id,
        message_count: 1,
        member_count: 1,
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      },
    ],
    joined_at: new Date().toISOString(),
    preferred_locale: 'en-US',
    system_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    premium_tier: 0,
    nsfw_level: 0,
  };
}

/** What Discord refuses in a message body with polls or attachments (null when it is fine). */
function invalidMessage(body: any, files: UploadedFile[]): Record<string, unknown> | null {
  const poll = body?.poll;
  if (poll) {
    const question = String(poll.question?.text ?? '');
    const answers: Array<{ poll_media?: { text?: string } }> = Array.isArray(poll.answers) ? poll.answers : [];
    if (question.length < 1 || question.length > 300) return { poll: { question: 'must be 1-300 characters' } };
    if (answers.length < 1 || answers.length > 10 || answers.some((a) => !a.poll_media?.text || a.poll_media.text.length > 55)) return { poll: { answers: 'must be 1-10 answers of 1-55 characters' } };
    if (poll.duration !== undefined && (poll.duration < 1 || poll.duration > 768)) return { poll: { duration: 'must be 1-768 hours' } };
  }
  for (const a of (body?.attachments ?? []) as Array<{ id: number }>) {
    if (!files.some((f) => f.field === `files[${a.id}]`)) return { attachments: { [a.id]: 'no file uploaded for this attachment' } };
  }
  if (!body?.content && !body?.embeds?.length && !body?.poll && files.length === 0 && !body?.components?.length) return { content: 'cannot send an empty message' };
  return null;
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const calls: RestCall[] = [];
  const rules: Rule[] = [];
  /** Requests held unanswered (a stall), ended when the fake closes. */
  const stalled: ServerResponse[] = [];
  const log: Array<{ s: number; t: string; d: unknown }> = [];
  let seq = 0;
  let socket: WebSocket | null = null;
  let replayFrom: number | null = null;
  const counts = { identify: 0, resume: 0, heartbeat: 0, replayed: 0 };
  let onIdentified: Array<() => void> = [];
  let onResumed: Array<() => void> = [];
  let identifiedOnce = false;
  let resumedOnce = false;
  const sessionId = 'fake-session-1';

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error), code: 0 }));
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}`;

  const messageOf = (channelId: string, body: any, id = nextSnowflake(), files: UploadedFile[] = []) => ({
    id,
    channel_id: channelId,
    type: body?.message_reference ? 19 : 0,
    content: body?.content ?? '',
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    author: FAKE_DISCORD.botUser,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: (body?.attachments ?? []).map((a: { id: number; filename: string; description?: string }) => ({
      id: nextSnowflake(),
      filename: a.filename,
      ...(a.description ? { description: a.description } : {}),
      size: files.find((f) => f.field === `files[${a.id}]`)?.data.length ?? 0,
      url: `${base}/attachments/${a.filename}`,
      proxy_url: `${base}/attachments/${a.filename}`,
    })),
    ...(body?.poll
      ? {
          poll: {
            question: body.poll.question,
            answers: body.poll.answers.map((a: { poll_media: unknown }, i: number) => ({ answer_id: i + 1, poll_media: a.poll_media })),
            expiry: new Date(Date.now() + Number(body.poll.duration ?? 24) * 3_600_000).toISOString(),
            allow_multiselect: Boolean(body.poll.allow_multiselect),
            layout_type: 1,
            results: { is_finalized: false, answer_counts: [] },
          },
        }
      : {}),
    pinned: false,
    flags: body?.flags ?? 0,
    ...(body?.message_reference ? { message_reference: body.message_reference } : {}),
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = url.pathname.replace(/^\/v10/, '');
    const method = req.method ?? 'GET';
    const type = req.headers['content-type'] ?? '';
    let body: any = undefined;
    let files: UploadedFile[] = [];
    if (type.includes('multipart/form-data')) {
      // discord.js sends uploads as multipart: the JSON body as payload_json, each file as files[n].
      const form = parseMultipart(raw, type);
      files = form.files;
      body = form.fields.payload_json === undefined ? form.fields : JSON.parse(form.fields.payload_json);
    } else {
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = raw.toString('utf8');
      }
    }
    calls.push({ method, path, body, files, authorization: req.headers.authorization, at: Date.now() });
    const rule = rules.find((r) => r.method === method && r.path.test(path) && r.times > 0);
    if (rule) {
      rule.times -= 1;
      if (rule.failure.stall) {
        stalled.push(res);
        return;
      }
      return json(res, rule.failure.status, rule.failure.body, rule.failure.headers);
    }
    const bot = req.headers.authorization === `Bot ${FAKE_DISCORD.token}`;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      if (!bot) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return json(res, bot ? 200 : 401, bot ? FAKE_DISCORD.botUser : { message: '401: Unauthorized', code: 0 });
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      if (!bot) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, (body as any[]).map((c) => ({ ...c, id: nextSnowflake(), application_id: FAKE_DISCORD.applicationId, version: nextSnowflake() })));
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      if (!bot) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      const invalid = invalidMessage(body, files);
      if (invalid) return json(res, 400, { message: 'Invalid Form Body', code: 50035, errors: invalid });
      return json(res, 200, messageOf(m[1]!, body, undefined, files));
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      if (!bot) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, messageOf(m[1]!, body, m[2]!));
    }
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path) && method === 'POST') {
      res.writeHead(204);
      return res.end();
    }
    if (/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path) && method === 'DELETE') {
      res.writeHead(204);
      return res.end();
    }
    if (/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path) && method === 'PATCH') return json(res, 200, messageOf(FAKE_DISCORD.deskChannelId, body));
    if (/^\/webhooks\/\d+\/[^/]+$/.test(path) && method === 'POST') return json(res, 200, messageOf(FAKE_DISCORD.deskChannelId, body));
    return json(res, 404, { message: `fake discord: no route ${method} ${path}`, code: 0 });
  }

  const send = (payload: unknown) => socket?.send(JSON.stringify(payload));
  const sendDispatch = (entry: { s: number; t: string; d: unknown }) => send({ op: 0, s: entry.s, t: entry.t, d: entry.d });

  wss.on('connection', (ws) => {
    socket?.terminate();
    socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    ws.on('message', (data) => {
      const packet = JSON.parse(String(data)) as { op: number; d: any };
      switch (packet.op) {
        case 1:
          counts.heartbeat += 1;
          ws.send(JSON.stringify({ op: 11 }));
          return;
        case 2: {
          counts.identify += 1;
          if (packet.d?.token !== FAKE_DISCORD.token) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          const ready = { s: ++seq, t: 'READY', d: { v: 10, user: FAKE_DISCORD.botUser, guilds: [{ id: FAKE_DISCORD.guildId, unavailable: true }], session_id: sessionId, resume_gateway_url: gatewayUrl, shard: [0, 1], application: { id: FAKE_DISCORD.applicationId, flags: 0 } } };
          log.push(ready);
          sendDispatch(ready);
          const guild = { s: ++seq, t: 'GUILD_CREATE', d: guildPayload() };
          log.push(guild);
          sendDispatch(guild);
          identifiedOnce = true;
          for (const f of onIdentified) f();
          onIdentified = [];
          return;
        }
        case 6: {
          counts.resume += 1;
          const from = replayFrom ?? Number(packet.d?.seq ?? 0);
          for (const entry of log.filter((e) => e.s > from && e.t !== 'READY' && e.t !== 'GUILD_CREATE')) {
            counts.replayed += 1;
            sendDispatch(entry);
          }
          replayFrom = null;
          const resumed = { s: seq, t: 'RESUMED', d: {} };
          send({ op: 0, s: resumed.s, t: resumed.t, d: resumed.d });
          resumedOnce = true;
          for (const f of onResumed) f();
          onResumed = [];
          return;
        }
        default:
          return;
      }
    });
  });

  return {
    apiRoot: base,
    calls,
    callsTo: (method, path) => calls.filter((c) => c.method === method && path.test(c.path)),
    posts: (channelId) => calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && (!channelId || c.path === `/channels/${channelId}/messages`)),
    dispatch(t, d) {
      const entry = { s: ++seq, t, d };
      log.push(entry);
      sendDispatch(entry);
      return entry.s;
    },
    identified: () => (identifiedOnce ? Promise.resolve() : new Promise((resolve) => onIdentified.push(resolve))),
    resumed: () => (resumedOnce ? Promise.resolve() : new Promise((resolve) => onResumed.push(resolve))),
    counts: () => ({ ...counts }),
    dropConnection(from) {
      replayFrom = from ?? null;
      resumedOnce = false;
      socket?.close(4000, 'Unknown error');
    },
    failNext(method, path, failure, times = 1) {
      rules.push({ method, path, times, failure });
    },
    async close() {
      for (const res of stalled) res.destroy();
      socket?.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** The environment that connects Jamii to the fake. */
export function discordEnv(fake: FakeDiscord, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: FAKE_DISCORD.token,
    DISCORD_APPLICATION_ID: FAKE_DISCORD.applicationId,
    DISCORD_API_ROOT: fake.apiRoot,
    JAMII_DISCORD_DESK_CHANNEL: FAKE_DISCORD.deskChannelId,
    JAMII_DISCORD_GUILD_ID: FAKE_DISCORD.guildId,
    JAMII_MANAGERS: `discord:${MANAGER.id}`,
    ...extra,
  };
}
