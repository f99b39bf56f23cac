/**
 * A loopback fake of Slack for tests, spoken to by the real Bolt App and WebClient: the Web API
 * under /api/<method> (auth.test, chat.postMessage, chat.update, chat.postEphemeral, views.open,
 * conversations.info, conversations.history and .replies (the bot's posts, with metadata), users.info, usergroups.users.list, files.getUploadURLExternal and
 * files.completeUploadExternal, apps.connections.open), the file upload URL it hands out, a
 * response_url endpoint, and a Socket Mode WebSocket (hello, events_api envelopes, acks).
 * Every call is recorded; failures (429 with Retry-After, `ok: false` errors) can be injected.
 * `sendSigned` posts a request to Jamii's /slack/events signed like Slack signs it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { slackSignature } from '../../src/connectors/slack/signature.js';

export const FAKE_SLACK = {
  botToken: 'xoxb-1111-2222-fakebottokenfortests',
  appToken: 'xapp-1-A0FAKE-3333-fakeapptokenfortests',
  signingSecret: 'f00dfacecafe0123456789abcdef0123',
  botUserId: 'U0JAMIIBOT',
  botId: 'B0JAMIIBOT',
  teamId: 'T0KILIMO01',
  channelId: 'C0GENERAL1',
  deskChannelId: 'C0JAMIIDSK',
  managerGroupId: 'S0MANAGERS',
} as const;

export interface SlackPerson {
  id: string;
  name: string;
}
export const MANAGER: SlackPerson = { id: 'U0AMINA001', name: 'amina' };
export const MEMBER: SlackPerson = { id: 'U0BARAKA01', name: 'baraka' };
export const STRANGER: SlackPerson = { id: 'U0CHEGE001', name: 'chege' };
const PEOPLE = [MANAGER, MEMBER, STRANGER];

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  authorization: string | undefined;
  /** The `ts` the fake answered with (posts). */
  ts?: string;
}

export interface SlackFailure {
  /** An HTTP 429 with this Retry-After (seconds). */
  retryAfter?: number;
  /** An HTTP error status (a 5xx: the call may have been carried out). */
  status?: number;
  /** The call was carried out (the post is in the channel) before the error answer (`status`, or an `error` such as internal_error). */
  landed?: boolean;
  /** `ok: false` with this error code. */
  error?: string;
}

export interface FakeSlack {
  /** SLACK_API_URL for Jamii. */
  apiUrl: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Successful chat.postMessage calls, optionally to one channel. */
  posts(channel?: string): SlackCall[];
  /** Answers given through response_urls. */
  responses: Array<{ id: string; body: any }>;
  /** Files received on upload URLs, by file id. */
  uploads: Map<string, Buffer>;
  /** The Authorization header each upload came with, by file id. */
  uploadAuthorization: Map<string, string | undefined>;
  /** The next `times` uploads are received but never answered (the request stays in flight). */
  stallNextUpload(times?: number): void;
  responseUrl(id: string): string;
  /** The next `times` calls of `method` fail. */
  failNext(method: string, failure: SlackFailure, times?: number): void;
  /** Members of a user group (usergroups.users.list). */
  setGroupMembers(groupId: string, userIds: string[]): void;
  /** Socket Mode: resolves once a client connected and got `hello`. */
  socketConnected(): Promise<void>;
  /** Socket Mode: sends an events_api envelope; resolves with the client's ack. */
  sendSocketEvent(payload: Record<string, unknown>, options?: { retryAttempt?: number }): Promise<any>;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient posts form fields; objects (blocks, view) arrive as JSON strings. */
function argsOf(raw: Buffer, contentType: string | undefined): Record<string, any> {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) return text ? (JSON.parse(text) as Record<string, any>) : {};
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = /^[[{]/.test(v) ? (JSON.parse(v) as unknown) : v;
  }
  return out;
}

/** The bytes of an upload: the multipart part WebClient sends, or the raw body. */
function fileOf(raw: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return raw;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(marker);
  const headersEnd = raw.indexOf('\r\n\r\n', start);
  const end = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), marker]), headersEnd);
  return raw.subarray(headersEnd + 4, end);
}

let tsCounter = 0;
/** A fresh message ts (ordered, unique within the test process). */
export function nextTs(): string {
  tsCounter += 1;
  return `${1_790_000_000 + tsCounter}.${String(tsCounter % 1_000_000).padStart(6, '0')}`;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const responses: Array<{ id: string; body: any }> = [];
  const uploads = new Map<string, Buffer>();
  const uploadAuthorization = new Map<string, string | undefined>();
  let uploadStalls = 0;
  const rules: Array<{ method: string; times: number; failure: SlackFailure }> = [];
  /** Messages the bot posted, oldest first (conversations.history and .replies read them). */
  // The fake's ts count up from a fixed point, so `oldest` is compared with when each was posted.
  const history: Array<{ channel: string; ts: string; thread_ts?: string; text: string; metadata?: unknown; at: number }> = [];
  const groups = new Map<string, string[]>();
  let socket: WebSocket | null = null;
  let connected: Array<() => void> = [];
  const pendingAcks = new Map<string, (body: unknown) => void>();
  let envelopes = 0;
  let files = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => json(res, 500, { ok: false, error: String(error) }));
  });
  const wss = new WebSocketServer({ server, path: '/socket' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (message.envelope_id) pendingAcks.get(message.envelope_id)?.(message.payload ?? {});
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0FAKE' } }));
    for (const f of connected) f();
    connected = [];
  });

  function answer(method: string, args: Record<string, any>): { body: Record<string, unknown>; ts?: string } {
    switch (method) {
      case 'auth.test':
        return { body: { ok: true, url: 'https://kilimo.slack.com/', team: 'Kilimo', user: 'jamii', team_id: FAKE_SLACK.teamId, user_id: FAKE_SLACK.botUserId, bot_id: FAKE_SLACK.botId } };
      case 'chat.postMessage': {
        const ts = nextTs();
        history.push({ channel: args.channel, ts, thread_ts: args.thread_ts, text: args.text, metadata: args.metadata, at: Date.now() });
        return { ts, body: { ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, user: FAKE_SLACK.botUserId, bot_id: FAKE_SLACK.botId, ts, ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}) } } };
      }
      case 'chat.update':
        return { body: { ok: true, channel: args.channel, ts: args.ts, text: args.text } };
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: nextTs() } };
      case 'views.open':
        return { body: { ok: true, view: { id: 'V0FAKE0001', ...args.view } } };
      case 'conversations.history':
      case 'conversations.replies': {
        const oldest = Number(args.oldest ?? 0);
        const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
        const messages = history
          .filter((m) => m.channel === args.channel && m.at / 1000 >= oldest)
          .filter((m) => (method === 'conversations.history' ? !m.thread_ts : m.thread_ts === args.ts || m.ts === args.ts))
          .reverse()
          .map((m) => ({ type: 'message', user: FAKE_SLACK.botUserId, bot_id: FAKE_SLACK.botId, text: m.text, ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) }));
        return { body: { ok: true, messages, has_more: false } };
      }
      case 'conversations.info':
        return { body: { ok: true, channel: { id: args.channel, name: args.channel === FAKE_SLACK.deskChannelId ? 'jamii-desk' : 'general', is_channel: true } } };
      case 'users.info': {
        const person = PEOPLE.find((p) => p.id === args.user);
        if (!person) return { body: { ok: false, error: 'user_not_found' } };
        return { body: { ok: true, user: { id: person.id, name: person.name, real_name: person.name[0]!.toUpperCase() + person.name.slice(1), profile: { display_name: person.name } } } };
      }
      case 'usergroups.users.list':
        return { body: { ok: true, users: groups.get(args.usergroup) ?? [] } };
      case 'apps.connections.open':
        return { body: { ok: true, url: `${base.replace('http', 'ws')}/socket` } };
      case 'files.getUploadURLExternal': {
        const fileId = `F0FAKE${String(++files).padStart(4, '0')}`;
        return { body: { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId } };
      }
      case 'files.completeUploadExternal':
        return { body: { ok: true, files: (args.files ?? []).map((f: { id: string; title?: string }) => ({ id: f.id, title: f.title ?? '', shares: { public: { [args.channel_id]: [{ ts: nextTs() }] } } })) } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const raw = await readRaw(req);
    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      uploads.set(fileId, fileOf(raw, req.headers['content-type']));
      uploadAuthorization.set(fileId, req.headers.authorization);
      if (uploadStalls > 0) {
        uploadStalls -= 1;
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      responses.push({ id: url.pathname.slice('/response/'.length), body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(200).end('ok');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = argsOf(raw, req.headers['content-type']);
    const call: SlackCall = { method, args, authorization: req.headers.authorization };
    calls.push(call);
    const rule = rules.find((r) => r.method === method && r.times > 0);
    if (rule) {
      rule.times -= 1;
      if (rule.failure.retryAfter !== undefined) {
        json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(rule.failure.retryAfter) });
        return;
      }
      if (rule.failure.status !== undefined) {
        if (rule.failure.landed) call.ts = answer(method, args).ts;
        json(res, rule.failure.status, { ok: false, error: 'service_unavailable' });
        return;
      }
      if (rule.failure.landed) call.ts = answer(method, args).ts;
      json(res, 200, { ok: false, error: rule.failure.error ?? 'fatal_error' });
      return;
    }
    const { body, ts } = answer(method, args);
    if (ts) call.ts = ts;
    json(res, 200, body);
  }

  return {
    apiUrl: `${base}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    posts: (channel) => calls.filter((c) => c.method === 'chat.postMessage' && c.ts && (!channel || c.args.channel === channel)),
    responses,
    uploads,
    uploadAuthorization,
    stallNextUpload(times = 1) {
      uploadStalls += times;
    },
    responseUrl: (id) => `${base}/response/${id}`,
    failNext(method, failure, times = 1) {
      rules.push({ method, times, failure });
    },
    setGroupMembers(groupId, userIds) {
      groups.set(groupId, userIds);
    },
    socketConnected() {
      if (socket) return Promise.resolve();
      return new Promise((resolve) => connected.push(resolve));
    },
    sendSocketEvent(payload, options = {}) {
      if (!socket) throw new Error('no Socket Mode client is connected');
      const envelopeId = `env-${++envelopes}`;
      const acked = new Promise<any>((resolve) => pendingAcks.set(envelopeId, resolve));
      socket.send(JSON.stringify({ envelope_id: envelopeId, type: 'events_api', payload, accepts_response_payload: false, retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryAttempt ? 'timeout' : '' }));
      return acked;
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function slackEnv(fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
    SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
    SLACK_API_URL: fake.apiUrl,
    JAMII_SLACK_DESK_CHANNEL: FAKE_SLACK.deskChannelId,
    JAMII_MANAGERS: `slack:${MANAGER.id}`,
    JAMII_SANDBOX: 'off',
    ...extra,
  };
}

// ---------------------------------------------------------------- requests Slack sends to Jamii

let eventCounter = 0;

/** An Events API callback around `event`. */
export function eventCallback(event: Record<string, unknown>, eventId = `Ev0FAKE${String(++eventCounter).padStart(6, '0')}`) {
  return { token: 'legacy-verification-token', team_id: FAKE_SLACK.teamId, api_app_id: 'A0FAKE', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), authorizations: [{ team_id: FAKE_SLACK.teamId, user_id: FAKE_SLACK.botUserId, is_bot: true }], event };
}

/** A member's message in a channel (a thread reply when `threadTs` is given). */
export function messageEvent(from: SlackPerson, text: string, options: { channel?: string; ts?: string; threadTs?: string } = {}) {
  const ts = options.ts ?? nextTs();
  return eventCallback({ type: 'message', channel: options.channel ?? FAKE_SLACK.channelId, channel_type: 'channel', user: from.id, text, ts, event_ts: ts, team: FAKE_SLACK.teamId, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) });
}

export function blockAction(from: SlackPerson, actionId: string, options: { channel?: string; messageTs?: string; triggerId?: string } = {}) {
  const channel = options.channel ?? FAKE_SLACK.deskChannelId;
  return {
    type: 'block_actions',
    user: { id: from.id, username: from.name, name: from.name, team_id: FAKE_SLACK.teamId },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: options.messageTs ?? '1790000000.000001', channel_id: channel, is_ephemeral: false },
    trigger_id: options.triggerId ?? `trigger-${++eventCounter}`,
    team: { id: FAKE_SLACK.teamId, domain: 'kilimo' },
    channel: { id: channel, name: 'jamii-desk' },
    message: { type: 'message', ts: options.messageTs ?? '1790000000.000001', user: FAKE_SLACK.botUserId, text: 'card' },
    response_url: 'https://hooks.slack.invalid/actions/T/1/x',
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: actionId, action_ts: String(Date.now() / 1000) }],
  };
}

export function viewSubmission(from: SlackPerson, callbackId: string, text: string, metadata = JSON.stringify({ channel: FAKE_SLACK.deskChannelId })) {
  return {
    type: 'view_submission',
    team: { id: FAKE_SLACK.teamId, domain: 'kilimo' },
    user: { id: from.id, username: from.name, name: from.name, team_id: FAKE_SLACK.teamId },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${++eventCounter}`,
    view: { id: 'V0FAKE0001', team_id: FAKE_SLACK.teamId, type: 'modal', callback_id: callbackId, private_metadata: metadata, state: { values: { text: { text: { type: 'plain_text_input', value: text } } } }, hash: 'h', title: { type: 'plain_text', text: 'Edit' } },
  };
}

export function slashCommand(fake: FakeSlack, from: SlackPerson, text: string, channel: string = FAKE_SLACK.deskChannelId) {
  const id = `cmd-${++eventCounter}`;
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_SLACK.teamId,
    team_domain: 'kilimo',
    channel_id: channel,
    channel_name: 'jamii-desk',
    user_id: from.id,
    user_name: from.name,
    command: '/jamii',
    text,
    api_app_id: 'A0FAKE',
    response_url: fake.responseUrl(id),
    trigger_id: `trigger-${id}`,
  };
}

/** Posts to Jamii's /slack/events as Slack does: JSON events, form-encoded interactions and commands, signed. */
export async function sendSigned(
  jamiiUrl: string,
  body: Record<string, unknown>,
  options: { as?: 'event' | 'interaction' | 'command'; timestamp?: number; secret?: string; retryNum?: number; signature?: string } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const as = options.as ?? (body.type === 'event_callback' || body.type === 'url_verification' ? 'event' : 'command' in body ? 'command' : 'interaction');
  const raw =
    as === 'event'
      ? JSON.stringify(body)
      : as === 'interaction'
        ? new URLSearchParams({ payload: JSON.stringify(body) }).toString()
        : new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const res = await fetch(`${jamiiUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': as === 'event' ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': options.signature ?? slackSignature(options.secret ?? FAKE_SLACK.signingSecret, timestamp, raw),
      ...(options.retryNum !== undefined ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body: raw,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The card the bot posted in `channel` (the desk by default) whose blocks contain `quote`. */
export function cardFor(fake: FakeSlack, quote: string, channel: string = FAKE_SLACK.deskChannelId): SlackCall | undefined {
  return fake.posts(channel).find((p) => JSON.stringify(p.args.blocks ?? []).includes(quote));
}

/** The draft a card is for (its header reads `#12 …`). */
export function draftIdOf(card: SlackCall): number {
  return Number(/#(\d+)/.exec(card.args.blocks[0].text.text)![1]);
}
