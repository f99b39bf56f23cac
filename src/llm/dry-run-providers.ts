/**
 * Providers for prompt dry runs (/prompt test, /prompt replay): built like the live provider,
 * from the same configuration, but reading a chosen prompt version and with no per-chat or
 * per-member draft limits (a replay drafts many messages of one chat; it must neither be cut
 * short by the limits nor use up the live drafts' share). News writers, spark writers and
 * report narrators are built the same way for their prompts' dry runs.
 */
import type { LanguageModelConfig } from '../config.js';
import type { Logger } from '../core/ports.js';
import type { DryRunProviders } from '../core/prompts/prompt-ports.js';
import { createNewsWriter } from './news-writer-factory.js';
import { createModelReportNarrator } from './openai/report-narrator.js';
import { createModelSparkWriter } from './openai/spark-writer.js';
import type { PromptLibrary } from './prompt-library.js';
import { createLanguageProvider } from './provider-factory.js';

const UNLIMITED = Number.MAX_SAFE_INTEGER;

export function createDryRunProviders(config: { llm: LanguageModelConfig }, deps: { library: PromptLibrary; log: Logger }): DryRunProviders {
  const llm: LanguageModelConfig = { ...config.llm, draftsPerChatPerHour: UNLIMITED, draftsPerMemberPerHour: UNLIMITED };
  const log = deps.log.child({ dryRun: true });
  const model = llm.provider === 'offline' ? null : llm.openai;
  return {
    kind: model === null ? 'offline' : 'model',
    providerWith: (choice) => createLanguageProvider({ llm }, { prompts: deps.library.withChoice(choice), log }),
    newsWriterWith: (choice) => createNewsWriter({ llm }, { prompts: deps.library.withChoice(choice), log }),
    sparkWriterWith: (choice) => (model ? createModelSparkWriter({ options: model, prompts: deps.library.withChoice(choice), log }) : null),
    narratorWith: (choice) => (model ? createModelReportNarrator({ options: model, prompts: deps.library.withChoice(choice), log }) : null),
  };
}
