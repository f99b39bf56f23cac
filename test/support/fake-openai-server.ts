/**
 * A loopback server speaking the OpenAI wire protocol, for driving the real openai SDK in tests.
 *
 * - POST /v1/chat/completions: answers with whatever the test's script returns for the request
 *   body. Like the real API it refuses (400) a json_object request whose messages never say
 *   "JSON", and a strict json_schema whose objects do not require every property and forbid
 *   extra ones.
 * - POST /v1/embeddings: deterministic vectors (a hashed bag of words), as floats or base64.
 * - Faults, per request or always: any status (429 with `retry-after`, 500, 401…) or a delay.
 * - Records every request (headers, including authorization, and parsed body) and counts the
 *   requests in flight.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeChatMessage {
  role: string;
  content: string;
}

export interface ChatRequestBody {
  model: string;
  messages: FakeChatMessage[];
  response_format?: { type: 'json_object' } | { type: 'json_schema'; json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface EmbeddingsRequestBody {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}

/** A scripted answer: the message content, or the content with a finish reason / refusal. */
export type ChatReply = string | { content: string | null; finishReason?: 'stop' | 'length'; refusal?: string };
export type ChatScript = (body: ChatRequestBody) => ChatReply | Promise<ChatReply>;

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'slow'; delayMs: number };

export interface FakeOpenAIServer {
  /** e.g. http://127.0.0.1:43123/v1 */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  onChat(script: ChatScript): void;
  /** The next `times` requests get `fault` instead of an answer. */
  failNext(fault: Fault, times?: number): void;
  /** Every request gets `fault` (null: none) once the one-off faults are used up. */
  failAlways(fault: Fault | null): void;
  /** Delay before every answer (scripted or fault), in ms. */
  setLatency(ms: number): void;
  chatBodies(): ChatRequestBody[];
  embeddingBodies(): EmbeddingsRequestBody[];
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_EMBEDDING_DIMENSIONS = 16;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The vector the fake returns for `text`: hashed bag of words, unit length (zeros for no words). */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = fnv1a(word);
    vector[h % dimensions] = (vector[h % dimensions] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

/** Why a strict json_schema would be refused by the real API, or null when it is acceptable. */
export function strictSchemaProblem(schema: unknown, where = 'schema'): string | null {
  if (schema === null || typeof schema !== 'object') return null;
  const node = schema as Record<string, unknown>;
  const type = node.type;
  const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
  if (isObject) {
    if (node.additionalProperties !== false) return `${where}: additionalProperties must be false`;
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(node.required) ? node.required : [];
    for (const key of Object.keys(properties)) {
      if (!required.includes(key)) return `${where}: property "${key}" must be required`;
      const problem = strictSchemaProblem(properties[key], `${where}.${key}`);
      if (problem) return problem;
    }
  }
  if (node.items) return strictSchemaProblem(node.items, `${where}[]`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) {
      for (const [i, sub] of list.entries()) {
        const problem = strictSchemaProblem(sub, `${where}.${key}[${i}]`);
        if (problem) return problem;
      }
    }
  }
  return null;
}

function chatRequestProblem(body: ChatRequestBody): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model is required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages must be a non-empty array';
  const format = body.response_format;
  if (format?.type === 'json_object' && !body.messages.some((m) => /json/i.test(String(m.content)))) {
    return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
  }
  if (format?.type === 'json_schema') {
    const { name, strict, schema } = format.json_schema ?? {};
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) return 'json_schema.name is invalid';
    if (!schema || typeof schema !== 'object') return 'json_schema.schema is required';
    if (strict) return strictSchemaProblem(schema);
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(status: number, message: string): unknown {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: type } };
}

export async function startFakeOpenAIServer(): Promise<FakeOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const oneOff: Fault[] = [];
  let always: Fault | null = null;
  let latencyMs = 0;
  let script: ChatScript = () => '{}';
  let inFlight = 0;
  let maxInFlight = 0;
  let completionCounter = 0;

  const wait = (ms: number, res: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      if (ms <= 0) return resolve(true);
      const timer = setTimeout(() => resolve(true), ms);
      res.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });

  async function answerChat(body: ChatRequestBody, res: ServerResponse): Promise<void> {
    const problem = chatRequestProblem(body);
    if (problem) return sendJson(res, 400, errorBody(400, problem));
    const reply = await script(body);
    const { content, finishReason, refusal } = typeof reply === 'string' ? { content: reply, finishReason: 'stop' as const, refusal: undefined } : reply;
    completionCounter += 1;
    sendJson(res, 200, {
      id: `chatcmpl-fake-${completionCounter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: refusal ?? null },
          finish_reason: finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  }

  function answerEmbeddings(body: EmbeddingsRequestBody, res: ServerResponse): void {
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) return sendJson(res, 400, errorBody(400, 'input must be text'));
    const dimensions = body.dimensions ?? FAKE_EMBEDDING_DIMENSIONS;
    const data = inputs.map((text, index) => {
      const vector = fakeEmbedding(text, dimensions);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });
    if (!(await wait(latencyMs, res))) return;
    const fault = oneOff.shift() ?? always;
    if (fault?.kind === 'slow') {
      if (!(await wait(fault.delayMs, res))) return;
    } else if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      return sendJson(res, fault.status, errorBody(fault.status, fault.message ?? `fake failure ${fault.status}`), headers);
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return answerChat(body as ChatRequestBody, res);
    if (req.method === 'POST' && path === '/v1/embeddings') return answerEmbeddings(body as EmbeddingsRequestBody, res);
    sendJson(res, 404, errorBody(404, `no route ${req.method} ${path}`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, errorBody(500, `fake server error: ${String(error)}`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const bodiesAt = <T>(path: string) => requests.filter((r) => r.path === path).map((r) => r.body as T);

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    onChat(next) {
      script = next;
    },
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) oneOff.push(fault);
    },
    failAlways(fault) {
      always = fault;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    chatBodies: () => bodiesAt<ChatRequestBody>('/v1/chat/completions'),
    embeddingBodies: () => bodiesAt<EmbeddingsRequestBody>('/v1/embeddings'),
    reset() {
      requests.length = 0;
      oneOff.length = 0;
      always = null;
      latencyMs = 0;
      script = () => '{}';
      maxInFlight = inFlight;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
