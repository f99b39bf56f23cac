/**
 * The zero-setup language provider: rules for labels, templates from `prompts/` for drafts.
 * It never invents facts: a question gets a holding reply, a complaint an acknowledgement and a
 * next step, both in the member's language.
 */
import type { DraftRequest, DraftResult, LanguageProvider } from '../../core/ports.js';
import type { Labels } from '../../core/types.js';
import { renderPrompt, type PromptRegistry } from '../prompt-registry.js';
import { labelMessage } from './heuristics.js';

export const OFFLINE_PROVIDER_NAME = 'offline';

export function createOfflineProvider(deps: { prompts: PromptRegistry }): LanguageProvider {
  return {
    name: OFFLINE_PROVIDER_NAME,

    async classify(text, hint): Promise<Labels> {
      return labelMessage(text, { fallbackLanguage: hint.communityLanguage });
    },

    async draft(request: DraftRequest): Promise<DraftResult> {
      const template = deps.prompts.get(request.kind === 'negative' ? 'offline-negative' : 'offline-question');
      const rendered = renderPrompt(
        template,
        { member: request.message.author.displayName, community: request.community.name },
        request.labels.language,
        request.community.language,
      );
      const what = request.kind === 'negative' ? `Negative feedback (severity ${request.labels.severity}/3)` : 'Question';
      const reason = `${what} in ${request.labels.language}: ${request.labels.reasons.join('; ') || 'labelled by rules'}.`;
      return {
        text: rendered.text,
        reason,
        language: rendered.language,
        promptName: rendered.name,
        promptVersion: rendered.version,
        provider: OFFLINE_PROVIDER_NAME,
      };
    },
  };
}
