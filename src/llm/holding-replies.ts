/**
 * The holding replies the offline provider drafts, as templates, for the learned-answer cleanup
 * (core/knowledge/learned-cleanup.ts): every language section of the file's holding-reply prompts
 * and of every version a community set for them, since an entry may have been learned under any.
 */
import type { HoldingReplyTemplates } from '../core/knowledge/learned-cleanup.js';
import { HOLDING_REPLY_PROMPT_NAMES } from '../core/learned-answer.js';
import type { PromptVersionsRepository } from '../core/prompts/prompt-ports.js';
import { isPromptName } from './prompt-library.js';
import { parseSections, type PromptSource } from './prompt-registry.js';

export function holdingReplyTemplates(deps: { files: PromptSource; versions: Pick<PromptVersionsRepository, 'history'> }): HoldingReplyTemplates {
  return async (communityId) => {
    const templates: string[] = [];
    for (const name of HOLDING_REPLY_PROMPT_NAMES.filter(isPromptName)) {
      const file = deps.files.get(name);
      templates.push(...Object.values(file.sections));
      for (const version of await deps.versions.history(communityId, name)) {
        if (version.body === null) continue;
        try {
          templates.push(...Object.values(parseSections(version.body, file.variables, name)));
        } catch {
          // The file's variables changed since this version: its holding replies, if any were learned, are left to /forget.
        }
      }
    }
    return templates;
  };
}
