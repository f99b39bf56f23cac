/**
 * Builds the language provider the configuration asks for: the offline provider alone, or an
 * OpenAI-compatible model with the offline provider as its fallback.
 */
import type { LanguageModelConfig } from '../config.js';
import type { LanguageProvider, Logger } from '../core/ports.js';
import { createFallbackProvider, type LanguageModelMetrics } from './fallback-provider.js';
import { createOfflineProvider } from './offline/offline-provider.js';
import { createOpenAIProvider } from './openai/openai-provider.js';
import type { PromptSource } from './prompt-registry.js';

/** The base URL as it may be logged: any user:password in it removed. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[unparsable URL]';
  }
}

export function createLanguageProvider(
  config: { llm: LanguageModelConfig },
  deps: { prompts: PromptSource; log: Logger; metrics?: LanguageModelMetrics | undefined },
): LanguageProvider {
  const offline = createOfflineProvider({ prompts: deps.prompts });
  const { llm } = config;
  if (llm.provider === 'offline' || llm.openai === null) return offline;
  const primary = createOpenAIProvider({ options: llm.openai, prompts: deps.prompts, log: deps.log });
  deps.log.info(
    { provider: primary.name, baseURL: withoutCredentials(llm.openai.baseURL), model: llm.openai.model, embeddings: llm.openai.embeddingModel !== null },
    'llm.provider.ready',
  );
  return createFallbackProvider({
    primary,
    fallback: offline,
    limits: {
      concurrency: llm.concurrency,
      draftsPerChatPerHour: llm.draftsPerChatPerHour,
      draftsPerMemberPerHour: llm.draftsPerMemberPerHour,
    },
    log: deps.log,
    metrics: deps.metrics,
  });
}
