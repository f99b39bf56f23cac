/**
 * The OpenAI-compatible language provider: OpenAI, or any server speaking its wire protocol
 * (Ollama, vLLM, llama.cpp). Every client option is explicit — the SDK reads nothing from the
 * environment that matters — and every failure surfaces as a JamiiError for the fallback.
 */
import OpenAI from 'openai';
import type { ClassifyHint, DraftRequest, DraftResult, Logger } from '../../core/ports.js';
import { JamiiError } from '../../core/errors.js';
import { stripInvisible } from '../../core/safety/invisible.js';
import type { Labels } from '../../core/types.js';
import type { ModelDraft, ModelLanguageProvider } from '../fallback-provider.js';
import type { PromptSource } from '../prompt-registry.js';
import { completeJson, callBudgetMs, withDeadline, type ChatCallOptions } from './chat.js';
import { buildClassifyMessages, CLASSIFICATION_FORMAT_NAME, toLabels } from './classify.js';
import { buildDraftMessages, DRAFT_FORMAT_NAME, renderDraftSystemPrompt, toDraftResult } from './draft.js';
import { classificationSchema, draftOutputSchema, type StructuredOutputMode } from './schemas.js';

export const OPENAI_PROVIDER_NAME = 'openai';
/** Texts per embeddings request. */
export const EMBEDDING_BATCH_SIZE = 64;
/** Sent as the key to local servers that take none (the SDK refuses to start without one). */
export const NO_KEY_PLACEHOLDER = 'no-key';

/** An OpenAI-compatible endpoint, every option explicit (the SDK never reads the environment for them). */
export interface OpenAIProviderOptions {
  baseURL: string;
  /** Null for a local server that takes no key (a placeholder is sent). */
  apiKey: string | null;
  model: string;
  /** Enables embeddings for retrieval when set. */
  embeddingModel: string | null;
  timeoutMs: number;
  maxRetries: number;
  maxTokens: number;
  /** json_schema (strict structured outputs) or json_object (for servers without json_schema). */
  structuredOutput: StructuredOutputMode;
}

/** Messages the SDK logs itself (retries, bad options) go to our logger; it redacts auth headers. */
function sdkLogger(log: Logger): NonNullable<ConstructorParameters<typeof OpenAI>[0]>['logger'] {
  const emit = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string) => log[level]({ sdk: 'openai' }, message);
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** The per-call options every JSON completion of this endpoint uses. */
export function chatCallOptions(options: OpenAIProviderOptions): ChatCallOptions {
  return {
    model: options.model,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    maxTokens: options.maxTokens,
    structuredOutput: options.structuredOutput,
    tokenLimitParam: isOpenAIHosted(options.baseURL) ? 'max_completion_tokens' : 'max_tokens',
  };
}

export function createOpenAIClient(options: OpenAIProviderOptions, log: Logger): OpenAI {
  return new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? NO_KEY_PLACEHOLDER,
    // Explicit nulls: left undefined, the SDK would read OPENAI_ORG_ID and friends from the environment.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    logLevel: 'warn',
    logger: sdkLogger(log),
  });
}

function isOpenAIHosted(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

export function createOpenAIProvider(deps: {
  options: OpenAIProviderOptions;
  prompts: PromptSource;
  log: Logger;
  /** A ready client (tests); built from `options` otherwise. */
  client?: OpenAI | undefined;
}): ModelLanguageProvider {
  const { options, prompts } = deps;
  const log = deps.log.child({ provider: OPENAI_PROVIDER_NAME, model: options.model });
  const client = deps.client ?? createOpenAIClient(options, log);
  const call = chatCallOptions(options);

  async function draftWithPrompt(request: DraftRequest): Promise<ModelDraft> {
    const prompt = renderDraftSystemPrompt(prompts, request);
    const output = await completeJson(client, call, {
      operation: 'draft',
      formatName: DRAFT_FORMAT_NAME,
      schema: draftOutputSchema,
      messages: buildDraftMessages(prompt.text, request),
      temperature: 0.3,
    });
    const result = toDraftResult(output, request, { prompt, provider: OPENAI_PROVIDER_NAME, model: options.model });
    return { result, systemPrompt: prompt.text };
  }

  const embeddingModel = options.embeddingModel;
  async function embed(texts: string[]): Promise<number[][]> {
    if (embeddingModel === null) throw new JamiiError('llm_unavailable', 'No embedding model is configured.');
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += EMBEDDING_BATCH_SIZE) {
      const batch = texts.slice(start, start + EMBEDDING_BATCH_SIZE).map((t) => stripInvisible(t));
      const response = await withDeadline(callBudgetMs(options), 'embeddings', (signal) =>
        client.embeddings.create({ model: embeddingModel, input: batch, encoding_format: 'float' }, { signal }),
      );
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== batch.length || ordered.some((d) => !Array.isArray(d.embedding))) {
        throw new JamiiError('llm_invalid_output', 'The embeddings answer does not match the request.', {
          details: { expected: batch.length, received: ordered.length },
        });
      }
      for (const d of ordered) vectors.push(d.embedding);
    }
    return vectors;
  }

  return {
    name: OPENAI_PROVIDER_NAME,

    async classify(text: string, hint: ClassifyHint): Promise<Labels> {
      const output = await completeJson(client, call, {
        operation: 'classify',
        formatName: CLASSIFICATION_FORMAT_NAME,
        schema: classificationSchema,
        messages: buildClassifyMessages(prompts, text, hint),
        temperature: 0,
      });
      return toLabels(output, OPENAI_PROVIDER_NAME);
    },

    async draft(request: DraftRequest): Promise<DraftResult> {
      return (await draftWithPrompt(request)).result;
    },

    draftWithPrompt,
    embed: embeddingModel === null ? undefined : embed,
  };
}
