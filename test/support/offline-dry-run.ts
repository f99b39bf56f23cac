/** The offline providers a dry run or a replay uses in the /prompt tests, each reading the prompt version it is given. */
import type { DryRunProviders } from '../../src/core/prompts/prompt-ports.js';
import { createOfflineNewsWriter } from '../../src/llm/offline/news-offline-writer.js';
import { createOfflineProvider } from '../../src/llm/offline/offline-provider.js';
import type { PromptLibrary } from '../../src/llm/prompt-library.js';

export function offlineDryRunProviders(library: PromptLibrary): DryRunProviders {
  return {
    kind: 'offline',
    providerWith: (choice) => createOfflineProvider({ prompts: library.withChoice(choice) }),
    newsWriterWith: (choice) => createOfflineNewsWriter(library.withChoice(choice)),
    sparkWriterWith: () => null,
    narratorWith: () => null,
  };
}
