/**
 * Providers for prompt dry runs (/prompt test, /prompt replay): built like the live provider,
 * from the same configuration, but reading a chosen prompt version and with no per-chat or
 * per-member draft limits (a replay drafts many messages of one chat; it must neither be cut
 * short by the limits nor use up the live drafts' share).
 */
import type { LanguageModelConfig } from '../config.js';
import type { Logger } from '../core/ports.js';
import type { DryRunProviders } from '../core/prompts/prompt-ports.js';
import type { PromptLibrary } from './prompt-library.js';
import { createLanguageProvider } from './provider-factory.js';

const UNLIMITED = Number.MAX_SAFE_INTEGER;

export function createDryRunProviders(config: { llm: LanguageModelConfig }, deps: { library: PromptLibrary; log: Logger }): DryRunProviders {
  const llm: LanguageModelConfig = { ...config.llm, draftsPerChatPerHour: UNLIMITED, draftsPerMemberPerHour: UNLIMITED };
  const log = deps.log.child({ dryRun: true });
  return {
    kind: llm.provider === 'offline' || llm.openai === null ? 'offline' : 'model',
    providerWith: (choice) => createLanguageProvider({ llm }, { prompts: deps.library.withChoice(choice), log }),
  };
}
