/**
 * The OpenAI-compatible provider as the app builds it (createLanguageProvider), pointed at a
 * loopback fake server, and the draft requests and model answers its tests use.
 */
import pino from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { LanguageModelConfig, OpenAIEndpointConfig } from '../../src/config.js';
import type { DraftRequest } from '../../src/core/ports.js';
import type { KnowledgePassage, ReplyDraftKind } from '../../src/core/types.js';
import type { FallbackLimits } from '../../src/llm/fallback-provider.js';
import { createOfflineProvider } from '../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../src/llm/prompt-registry.js';
import { createLanguageProvider } from '../../src/llm/provider-factory.js';
import { startFakeOpenAIServer, type ChatRequestBody, type FakeOpenAIServer } from './fake-openai-server.js';

export const API_KEY = 'sk-test-Jamii-DoNotLog-7f3a9c21e4b8';
export const MODEL = 'fake-model-1';
export const prompts = loadPromptRegistry();
export const offline = createOfflineProvider({ prompts });

/** One fake OpenAI server for the file, emptied before each test; `onReady` is handed it. */
export function useFakeOpenAI(onReady: (fake: FakeOpenAIServer) => void): void {
  let fake: FakeOpenAIServer;
  beforeAll(async () => {
    fake = await startFakeOpenAIServer();
    onReady(fake);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
}

/** A pino logger writing to memory, with no scrubber: whatever our code logs is what we read. */
function bufferLogger() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}

/** The provider as the app builds it (createLanguageProvider), pointed at `fake`. */
export function setupProvider(fake: FakeOpenAIServer, options: Partial<OpenAIEndpointConfig> = {}, limits: Partial<FallbackLimits> = {}) {
  const logs = bufferLogger();
  const llm: LanguageModelConfig = {
    provider: 'openai',
    openai: {
      baseURL: fake.baseURL,
      apiKey: API_KEY,
      model: MODEL,
      embeddingModel: 'fake-embed',
      timeoutMs: 2_000,
      maxRetries: 0,
      maxTokens: 600,
      structuredOutput: 'json_schema',
      ...options,
    },
    concurrency: 4,
    draftsPerChatPerHour: 30,
    draftsPerMemberPerHour: 6,
    ...limits,
  };
  return { provider: createLanguageProvider({ llm }, { prompts, log: logs.log }), logs };
}

export const PASSAGES: KnowledgePassage[] = [
  { chunkId: 1, source: 'faq.md', heading: 'Opening hours', kind: 'faq', question: 'When are you open?', text: 'We are open 9:00–17:00, Monday to Friday.', language: 'en', score: 0.4 },
  {
    chunkId: 2,
    source: 'delivery.md',
    heading: 'Delivery times',
    kind: 'document',
    question: null,
    text: 'Orders to Nairobi arrive in 2–3 working days. Track them at https://shop.example.com/track.',
    language: 'en',
    score: 0.9,
  },
];

let nextId = 1;
export function draftRequest(
  overrides: { kind?: ReplyDraftKind; text?: string; language?: string; deskLanguage?: string; member?: string; chat?: string; passages?: KnowledgePassage[] } = {},
): DraftRequest {
  const kind = overrides.kind ?? 'question';
  const language = overrides.language ?? 'en';
  const member = overrides.member ?? 'amina';
  const id = nextId++;
  return {
    kind,
    message: {
      id,
      communityId: 'alpha',
      chat: { platform: 'sandbox', chatId: overrides.chat ?? 'general' },
      chatTitle: 'General',
      platformMessageId: `m-${id}`,
      author: { id: member, displayName: member.charAt(0).toUpperCase() + member.slice(1), isBot: false },
      text: overrides.text ?? 'How long does delivery to Nairobi take?',
      replyToMessageId: null,
      labels: null,
      sentAt: new Date('2025-03-01T09:30:00Z'),
    },
    labels: { language, isQuestion: kind === 'question', isNegative: kind === 'negative', severity: kind === 'negative' ? 2 : 0, reasons: ['asks'] },
    community: { id: 'alpha', name: 'Alpha Club', language: 'en' },
    recent: [{ author: 'Baraka', text: 'Morning all!', isBot: false, sentAt: new Date('2025-03-01T09:29:00Z') }],
    passages: overrides.passages ?? PASSAGES,
    member: { isNew: true, complaintsThisMonth: 0, language },
    maxLength: 1900,
    deskLanguage: overrides.deskLanguage ?? 'en',
  };
}

export const draftJson = (fields: Partial<{ reply: string; language: string; sources: number[]; translation: string | null; reason: string }> = {}) =>
  JSON.stringify({ reply: 'Hi Amina, orders to Nairobi arrive in 2–3 working days.', language: 'en', sources: [2], translation: null, reason: 'Answered from the delivery page.', ...fields });

export const userContent = (body: ChatRequestBody) => body.messages.find((m) => m.role === 'user')?.content ?? '';
export const systemContent = (body: ChatRequestBody) => body.messages.find((m) => m.role === 'system')?.content ?? '';
