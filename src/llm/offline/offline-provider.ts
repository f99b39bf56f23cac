/**
 * The zero-setup language provider: rules for labels, templates from `prompts/` for drafts.
 * A question that the knowledge base answers well (in the member's language) gets that answer,
 * quoted and cited; any other question gets a holding reply, and a complaint an
 * acknowledgement and a next step, all in the member's language. It never invents facts.
 */
import type { DraftRequest, DraftResult, LanguageProvider } from '../../core/ports.js';
import type { KnowledgePassage, Labels } from '../../core/types.js';
import { renderPrompt, type PromptSource } from '../prompt-registry.js';
import { labelMessage } from './heuristics.js';
import { answerFromKnowledge, tiedPassages } from './knowledge-answer.js';

export const OFFLINE_PROVIDER_NAME = 'offline';

export function createOfflineProvider(deps: { prompts: PromptSource }): LanguageProvider {
  return {
    name: OFFLINE_PROVIDER_NAME,
    // Templates and knowledge answers do not read the conversation or the member's history.
    readsConversation: false,

    async classify(text, hint): Promise<Labels> {
      return labelMessage(text, { fallbackLanguage: hint.communityLanguage });
    },

    async draft(request: DraftRequest): Promise<DraftResult> {
      const { labels, community } = request;
      const member = request.message.author.displayName;
      const what = request.kind === 'negative' ? `Negative feedback (severity ${labels.severity}/3)` : 'Question';
      const why = `${what} in ${labels.language}: ${labels.reasons.join('; ') || 'labelled by rules'}.`;
      const found = request.kind === 'question' ? answerFromKnowledge(request.passages, request.message.text, labels.language, community.language) : null;

      // A template without the member's language falls back to the community's, then English: say so.
      const untranslated = (language: string) =>
        `${language !== labels.language ? ` The template has no ${labels.language} section: written in ${language}.` : ''}${language !== request.deskLanguage ? ` Written in ${language}; the offline provider cannot translate it for the desk.` : ''}`;
      if (found) {
        const rendered = renderPrompt(deps.prompts.get('offline-answer', community.id), { member, answer: found.answer, community: community.name }, labels.language, community.language);
        const where = found.passage.heading ? `${found.passage.source} › ${found.passage.heading}` : found.passage.source;
        return {
          text: rendered.text,
          reason: `${why} Answered from ${where} (match ${found.passage.score.toFixed(2)}).${untranslated(rendered.language)}`,
          language: rendered.language,
          promptName: rendered.name,
          promptVersion: rendered.version,
          provider: OFFLINE_PROVIDER_NAME,
          model: null,
          sources: [{ source: found.passage.source, heading: found.passage.heading }],
          translation: null,
        };
      }

      const template = deps.prompts.get(request.kind === 'negative' ? 'offline-negative' : 'offline-question', community.id);
      const rendered = renderPrompt(template, { member, community: community.name }, labels.language, community.language);
      const other = request.passages.find((p) => p.score >= 0.3);
      const tie = request.kind === 'question' ? tiedPassages(request.passages, labels.language, community.language) : null;
      const cite = (p: KnowledgePassage) => `${p.heading ? `${p.source} › ${p.heading}` : p.source}, match ${p.score.toFixed(2)}`;
      const hint =
        request.kind !== 'question'
          ? ''
          : tie
            ? ` Two passages match about equally (${cite(tie[0])}; ${cite(tie[1])}): edit in the one that answers it.`
            : other
              ? ` The knowledge base has a related passage (${cite(other)}), not close enough to quote: edit in the answer.`
              : ' Nothing in the knowledge base answers it: edit in the answer, and approving teaches Jamii for next time.';
      return {
        text: rendered.text,
        reason: `${why}${hint}${untranslated(rendered.language)}`,
        language: rendered.language,
        promptName: rendered.name,
        promptVersion: rendered.version,
        provider: OFFLINE_PROVIDER_NAME,
        model: null,
        sources: [],
        translation: null,
      };
    },
  };
}
