/** The news writer the configuration asks for: offline alone, or a model with the offline writer behind it. */
import type { LanguageModelConfig } from '../config.js';
import type { NewsWriter } from '../core/news/news-types.js';
import type { Logger } from '../core/ports.js';
import type { PromptSource } from './prompt-registry.js';
import { createOfflineNewsWriter } from './offline/news-offline-writer.js';
import { createModelNewsWriter } from './openai/news-writer.js';

export function createNewsWriter(config: { llm: LanguageModelConfig }, deps: { prompts: PromptSource; log: Logger }): NewsWriter {
  const offline = createOfflineNewsWriter(deps.prompts);
  if (config.llm.provider === 'offline' || config.llm.openai === null) return offline;
  return createModelNewsWriter({ options: config.llm.openai, prompts: deps.prompts, fallback: offline, log: deps.log });
}
