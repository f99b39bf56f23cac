import { describe, expect, it } from 'vitest';
import type { LanguageModelConfig } from '../../../src/config.js';
import { OFFLINE_PROVIDER_NAME } from '../../../src/llm/offline/offline-provider.js';
import { OPENAI_PROVIDER_NAME } from '../../../src/llm/openai/openai-provider.js';
import { loadPromptRegistry } from '../../../src/llm/prompt-registry.js';
import { createLanguageProvider } from '../../../src/llm/provider-factory.js';
import { createRecordingLogger } from '../../support/fakes.js';

const prompts = loadPromptRegistry();

const llm = (overrides: Partial<LanguageModelConfig> = {}, embeddingModel: string | null = null): LanguageModelConfig => ({
  provider: 'openai',
  openai: {
    baseURL: 'http://user:hunter22@127.0.0.1:9/v1',
    apiKey: null,
    model: 'llama3.1:8b',
    embeddingModel,
    timeoutMs: 2_000,
    maxRetries: 0,
    maxTokens: 300,
    structuredOutput: 'json_object',
  },
  concurrency: 2,
  draftsPerChatPerHour: 30,
  draftsPerMemberPerHour: 6,
  ...overrides,
});

describe('createLanguageProvider', () => {
  it('returns the offline provider when JAMII_LLM=offline', () => {
    const provider = createLanguageProvider({ llm: llm({ provider: 'offline', openai: null }) }, { prompts, log: createRecordingLogger() });
    expect(provider.name).toBe(OFFLINE_PROVIDER_NAME);
    expect(provider.embed).toBeUndefined();
  });

  it('returns the model provider (with the offline fallback) and logs its endpoint without credentials', () => {
    const log = createRecordingLogger();
    const provider = createLanguageProvider({ llm: llm() }, { prompts, log });
    expect(provider.name).toBe(OPENAI_PROVIDER_NAME);
    expect(provider.embed).toBeUndefined();
    const ready = log.entries.find((e) => e.msg === 'llm.provider.ready');
    expect(ready?.obj).toMatchObject({ baseURL: 'http://127.0.0.1:9/v1', model: 'llama3.1:8b', embeddings: false });
    expect(JSON.stringify(log.entries)).not.toContain('hunter22');
  });

  it('offers embeddings when an embedding model is configured', () => {
    expect(createLanguageProvider({ llm: llm({}, 'nomic-embed-text') }, { prompts, log: createRecordingLogger() }).embed).toBeTypeOf('function');
  });
});
