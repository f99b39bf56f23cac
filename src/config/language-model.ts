/** The language model: offline, or any OpenAI-compatible server. Parsed from the environment record `src/config.ts` reads; never from `process.env` itself. */
import { z } from 'zod';
import { decimal, urlSetting } from './env-values.js';
import type { OpenAIProviderOptions } from '../llm/openai/openai-provider.js';

export const LLM_PROVIDERS = ['offline', 'openai'] as const;
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** An OpenAI-compatible endpoint: OpenAI itself, Ollama, vLLM, llama.cpp and the like. */
export type OpenAIEndpointConfig = OpenAIProviderOptions;

export interface LanguageModelConfig {
  provider: (typeof LLM_PROVIDERS)[number];
  /** Set when `provider` is openai. */
  openai: OpenAIEndpointConfig | null;
  /** Model calls in flight at once; the rest wait. */
  concurrency: number;
  /** Model drafts per chat and per member over a sliding hour; past them, drafts are offline. */
  draftsPerChatPerHour: number;
  draftsPerMemberPerHour: number;
}

export const languageModelEnv = {
  JAMII_LLM: z.enum(LLM_PROVIDERS).default('offline'),
  OPENAI_BASE_URL: urlSetting()
    .transform((v) => v.replace(/\/+$/, ''))
    .default(OPENAI_DEFAULT_BASE_URL),
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  JAMII_LLM_MODEL: z.string().trim().min(1).optional(),
  JAMII_LLM_EMBEDDING_MODEL: z.string().trim().min(1).optional(),
  JAMII_LLM_TIMEOUT_MS: decimal(z.number().int().min(500).max(600_000)).default(20_000),
  JAMII_LLM_MAX_RETRIES: decimal(z.number().int().min(0).max(10)).default(2),
  JAMII_LLM_MAX_TOKENS: decimal(z.number().int().min(16).max(32_000)).default(600),
  JAMII_LLM_CONCURRENCY: decimal(z.number().int().min(1).max(64)).default(4),
  JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR: decimal(z.number().int().min(1).max(100_000)).default(30),
  JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR: decimal(z.number().int().min(1).max(100_000)).default(6),
  JAMII_LLM_STRUCTURED: z.enum(['json_schema', 'json_object']).default('json_schema'),
};

export const LANGUAGE_MODEL_FIXES: Record<string, string> = {
  JAMII_LLM: 'offline (no model) or openai (any OpenAI-compatible server)',
  OPENAI_BASE_URL: 'an http(s) URL ending in /v1, e.g. http://localhost:11434/v1 for Ollama',
  JAMII_LLM_STRUCTURED: 'json_schema, or json_object for servers without structured outputs',
};

export function isOpenAIHosted(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/** Problems that span several variables; read from the raw values so they join every other problem. */
export function languageModelProblems(raw: Record<string, string | undefined>): string[] {
  if (raw.JAMII_LLM !== 'openai') return [];
  const problems: string[] = [];
  if (raw.JAMII_LLM_MODEL === undefined) {
    problems.push('JAMII_LLM_MODEL: required when JAMII_LLM=openai (the model name, e.g. gpt-4o-mini, or llama3.1:8b on Ollama)');
  }
  if (raw.OPENAI_API_KEY === undefined && isOpenAIHosted(raw.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL)) {
    problems.push('OPENAI_API_KEY: required for api.openai.com (or point OPENAI_BASE_URL at a local server, which needs no key)');
  }
  return problems;
}

export function languageModelConfig(e: z.output<z.ZodObject<typeof languageModelEnv>>): LanguageModelConfig {
  return {
    provider: e.JAMII_LLM,
    openai:
      e.JAMII_LLM === 'openai'
        ? {
            baseURL: e.OPENAI_BASE_URL,
            apiKey: e.OPENAI_API_KEY ?? null,
            // Never empty here: languageModelProblems refuses openai without a model.
            model: e.JAMII_LLM_MODEL ?? '',
            embeddingModel: e.JAMII_LLM_EMBEDDING_MODEL ?? null,
            timeoutMs: e.JAMII_LLM_TIMEOUT_MS,
            maxRetries: e.JAMII_LLM_MAX_RETRIES,
            maxTokens: e.JAMII_LLM_MAX_TOKENS,
            structuredOutput: e.JAMII_LLM_STRUCTURED,
          }
        : null,
    concurrency: e.JAMII_LLM_CONCURRENCY,
    draftsPerChatPerHour: e.JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR,
    draftsPerMemberPerHour: e.JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR,
  };
}
