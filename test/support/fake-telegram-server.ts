/**
 * A loopback fake of the Telegram Bot API for tests: POST /bot<token>/<method> with JSON or
 * form bodies, as grammY sends them. Updates queued with `push` are served by getUpdates
 * (offset confirms, limit caps, timeout long-polls until an update arrives); the bot's posts are
 * kept per chat; every call is recorded; failures (429 with retry_after, 403, anything) and
 * stalls (a call recorded but never answered) can be injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { FAKE_BOT } from './fake-telegram-updates.js';
import { parseMultipart, type UploadedFile } from './multipart.js';

export * from './fake-telegram-updates.js';

export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
  at: number;
  /** When the fake's answer was handed to the connection (unset while stalled or unanswered). */
  answeredAt?: number;
}

export interface BotPost {
  chatId: number;
  messageId: number;
  /** The message text; a photo's caption; a poll's description. */
  text: string;
  /** A native poll (sendPoll). */
  poll?: { question: string; options: string[]; description: string | undefined } | undefined;
  /** An uploaded photo (sendPhoto with a file). */
  photo?: UploadedFile | undefined;
  payload: Record<string, any>;
  edits: Array<Record<string, any>>;
}

export interface InjectedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

interface Rule {
  method: string;
  when: (payload: Record<string, any>) => boolean;
  times: number;
  respond: 'error' | 'stall' | 'destroy';
  error?: InjectedError;
}

export interface FakeTelegram {
  /** The API root to give grammY (TELEGRAM_API_ROOT). */
  apiRoot: string;
  token: string;
  calls: RecordedCall[];
  /** Messages the bot posted, in order. */
  posts: BotPost[];
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null;
  /** Updates not yet confirmed by a getUpdates offset. */
  pending(): Update[];
  /** The highest offset a getUpdates call has confirmed. */
  confirmedOffset(): number;
  /** Queues an update; returns its update_id. */
  push(update: Record<string, unknown>): number;
  callsOf(method: string): RecordedCall[];
  postsTo(chatId: number): BotPost[];
  /** The next `times` calls of `method` matching `when` fail with `error`. */
  failNext(method: string, error: InjectedError, options?: { times?: number; when?: (payload: Record<string, any>) => boolean }): void;
  /** The next matching call is recorded (and counted as posted) but never answered. */
  stallNext(method: string, options?: { times?: number; when?: (payload: Record<string, any>) => boolean }): void;
  /** The next matching call's connection is destroyed before it is handled (a network failure). */
  destroyNext(method: string, options?: { times?: number; when?: (payload: Record<string, any>) => boolean }): void;
  /** A file members can send as a document: getFile answers for `fileId`, and its content is served under /file/bot<token>/. */
  addFile(fileId: string, content: string): void;
  close(): Promise<void>;
}

function parseForm(text: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const text = raw.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  const query = parseForm(new URL(req.url ?? '/', 'http://x').search.slice(1));
  if (!text) return query;
  if (type.includes('application/json')) return { ...query, ...(JSON.parse(text) as Record<string, any>) };
  if (type.includes('application/x-www-form-urlencoded')) return { ...query, ...parseForm(text) };
  if (type.includes('multipart/form-data')) {
    const { fields, files } = parseMultipart(raw, type);
    const out: Record<string, any> = { ...query };
    for (const [name, value] of Object.entries(fields)) {
      try {
        out[name] = JSON.parse(value);
      } catch {
        out[name] = value;
      }
    }
    // A file field reads "attach://<id>"; the file itself is the part named <id>, as the Bot API resolves it.
    for (const [name, value] of Object.entries(out)) {
      const id = typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : null;
      const file = id ? files.find((f) => f.field === id) : undefined;
      if (file) out[name] = file;
    }
    return out;
  }
  return query;
}

type FakeAdmin = { id: number; first_name: string };

/** `admins`: the administrators of every group, or per group (by chat id). */
export async function startFakeTelegram(options: { token?: string; admins?: FakeAdmin[] | ((chatId: number) => FakeAdmin[]) } = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456789:AAH-fake-token-for-tests_0123456789';
  const calls: RecordedCall[] = [];
  const posts: BotPost[] = [];
  let updates: Update[] = [];
  let nextUpdateId = 500_000;
  let confirmed = 0;
  const nextMessageId = new Map<number, number>();
  const rules: Rule[] = [];
  const waiters = new Set<() => void>();
  const stalled = new Set<ServerResponse>();
  const state: { webhook: FakeTelegram['webhook'] } = { webhook: null };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const ok = (res: ServerResponse, result: unknown) => reply(res, 200, { ok: true, result });

  const post = (payload: Record<string, any>, extra: Partial<BotPost> = {}): BotPost => {
    const chatId = Number(payload.chat_id);
    const messageId = (nextMessageId.get(chatId) ?? 9000) + 1;
    nextMessageId.set(chatId, messageId);
    const p: BotPost = { chatId, messageId, text: String(payload.text ?? payload.caption ?? payload.description ?? ''), payload, edits: [], ...extra };
    posts.push(p);
    return p;
  };

  const asMessage = (p: BotPost) => ({
    message_id: p.messageId,
    date: Math.floor(Date.now() / 1000),
    chat: p.chatId < 0 ? { id: p.chatId, type: 'supergroup', title: 'Group' } : { id: p.chatId, type: 'private', first_name: 'Manager' },
    from: FAKE_BOT,
    ...(p.poll
      ? { poll: { id: `poll-${p.messageId}`, question: p.poll.question, options: p.poll.options.map((text) => ({ text, voter_count: 0 })), total_voter_count: 0, is_closed: false, is_anonymous: p.payload.is_anonymous !== false, type: 'regular', allows_multiple_answers: false } }
      : p.photo
        ? { photo: [{ file_id: `photo-${p.messageId}`, file_unique_id: `uphoto-${p.messageId}`, width: 800, height: 400, file_size: p.photo.data.length }], ...(p.text ? { caption: p.text } : {}) }
        : { text: p.text }),
    ...(p.payload.message_thread_id ? { message_thread_id: p.payload.message_thread_id, is_topic_message: true } : {}),
    ...(p.payload.reply_markup ? { reply_markup: p.payload.reply_markup } : {}),
  });

  const getUpdates = async (req: IncomingMessage, res: ServerResponse, payload: Record<string, any>) => {
    const offset = Number(payload.offset ?? 0);
    if (offset > 0) {
      confirmed = Math.max(confirmed, offset);
      updates = updates.filter((u) => u.update_id >= offset);
    }
    const limit = Math.min(Math.max(Number(payload.limit ?? 100), 1), 100);
    const timeoutMs = Math.min(Number(payload.timeout ?? 0), 50) * 1000;
    const take = () => updates.slice(0, limit);
    if (take().length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
        req.socket.once('close', done);
      });
    }
    ok(res, take());
  };

  const files = new Map<string, string>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const download = /^\/file\/bot([^/]+)\/documents\/([^/]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (download) {
      const content = download[1] === token ? files.get(decodeURIComponent(download[2]!)) : undefined;
      res.writeHead(content === undefined ? 404 : 200, { 'content-type': 'application/octet-stream' });
      return res.end(content ?? 'Not Found');
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const payload = await readBody(req);
    const call: RecordedCall = { method, payload, at: Date.now() };
    calls.push(call);
    res.on('finish', () => (call.answeredAt = Date.now()));
    const rule = rules.find((r) => r.method === method && r.when(payload));
    if (rule) {
      rule.times -= 1;
      if (rule.times <= 0) rules.splice(rules.indexOf(rule), 1);
      if (rule.respond === 'destroy') return req.socket.destroy();
      if (rule.respond === 'stall') {
        if (method === 'sendMessage') post(payload);
        stalled.add(res);
        return;
      }
      return reply(res, rule.error!.error_code, { ok: false, ...rule.error });
    }
    switch (method) {
      case 'getMe':
        return ok(res, FAKE_BOT);
      case 'getUpdates':
        return getUpdates(req, res, payload);
      case 'sendMessage':
        return ok(res, asMessage(post(payload)));
      case 'sendPoll': {
        const options = Array.isArray(payload.options) ? payload.options.map((o: unknown) => (typeof o === 'string' ? o : String((o as { text?: unknown }).text ?? ''))) : [];
        const question = String(payload.question ?? '');
        if (question.length < 1 || question.length > 300) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: poll question length must be 1-300' });
        if (options.length < 2 || options.length > 12 || options.some((o: string) => o.length < 1 || o.length > 100)) {
          return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: poll options must be 2-12 texts of 1-100 characters' });
        }
        return ok(res, asMessage(post(payload, { poll: { question, options, description: payload.description === undefined ? undefined : String(payload.description) } })));
      }
      case 'sendPhoto': {
        const photo = payload.photo as UploadedFile | string | undefined;
        if (!photo || typeof photo === 'string') return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: there is no photo in the request' });
        if (payload.caption !== undefined && String(payload.caption).length > 1024) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message caption is too long' });
        return ok(res, asMessage(post(payload, { photo })));
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const target = posts.find((p) => p.chatId === Number(payload.chat_id) && p.messageId === Number(payload.message_id));
        if (!target) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
        target.edits.push(payload);
        if (method === 'editMessageText') target.text = String(payload.text);
        return ok(res, asMessage(target));
      }
      case 'getChatAdministrators':
        return ok(
          res,
          (typeof options.admins === 'function' ? options.admins(Number(payload.chat_id)) : (options.admins ?? [])).map((u) => ({
            status: 'administrator',
            user: { ...u, is_bot: false },
            can_be_edited: false,
            is_anonymous: false,
          })),
        );
      case 'setWebhook':
        // As the Bot API: 1-256 of A-Z, a-z, 0-9, _ and - (a value padded with \r or spaces is refused).
        if (payload.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(payload.secret_token))) {
          return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: secret token contains unallowed characters' });
        }
        state.webhook = { url: String(payload.url), secret_token: payload.secret_token, allowed_updates: payload.allowed_updates };
        return ok(res, true);
      case 'deleteWebhook':
        state.webhook = null;
        return ok(res, true);
      case 'getFile': {
        const content = files.get(String(payload.file_id));
        if (content === undefined) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
        return ok(res, { file_id: payload.file_id, file_unique_id: `u-${String(payload.file_id)}`, file_size: Buffer.byteLength(content), file_path: `documents/${encodeURIComponent(String(payload.file_id))}` });
      }
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteMyCommands':
        return ok(res, true);
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { ok: false, error_code: 500, description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const addRule = (respond: Rule['respond'], method: string, opts: { times?: number; when?: (p: Record<string, any>) => boolean } = {}, error?: InjectedError) =>
    rules.push({ method, respond, error, times: opts.times ?? 1, when: opts.when ?? (() => true) });

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    posts,
    get webhook() {
      return state.webhook;
    },
    pending: () => [...updates],
    confirmedOffset: () => confirmed,
    push(update) {
      const update_id = ++nextUpdateId;
      updates.push({ update_id, ...update } as unknown as Update);
      for (const w of [...waiters]) w();
      return update_id;
    },
    callsOf: (method) => calls.filter((c) => c.method === method),
    postsTo: (chatId) => posts.filter((p) => p.chatId === chatId),
    failNext: (method, error, opts) => addRule('error', method, opts, error),
    stallNext: (method, opts) => addRule('stall', method, opts),
    destroyNext: (method, opts) => addRule('destroy', method, opts),
    addFile: (fileId, content) => void files.set(fileId, content),
    async close() {
      for (const w of [...waiters]) w();
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
