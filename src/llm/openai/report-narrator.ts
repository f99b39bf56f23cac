/**
 * The weekly report's narrative from an OpenAI-compatible model, written from
 * `prompts/report-narrative.md` (loaded and validated at start like every prompt file) or the
 * community's override of it. The
 * figures go in as JSON; topic words, which come from members' messages, as a data block. The
 * answer is checked before it is used: a failed call or a failed check leaves the template.
 */
import type OpenAI from 'openai';
import type { NarrativeInput, ReportNarrator } from '../../core/analytics/weekly-report.js';
import { JamiiError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { UNTRUSTED_DATA_RULE, untrustedBlock } from '../../core/safety/untrusted.js';
import { renderPrompt, type PromptSource } from '../prompt-registry.js';
import { callBudgetMs, withDeadline } from './chat.js';
import { createOpenAIClient, type OpenAIProviderOptions } from './openai-provider.js';

export const REPORT_NARRATIVE_PROMPT = 'report-narrative';
/** Longest narrative used; a longer answer is refused (the prompt asks for 500 characters). */
export const NARRATIVE_MAX_CHARS = 800;
const NARRATIVE_MAX_TOKENS = 300;
const NARRATIVE_TEMPERATURE = 0.3;
/** What a narrative must not contain: links and mass mentions. */
const FORBIDDEN = /https?:\/\/|www\.|@everyone|@here|@channel|<@/i;

/** The figures the model is given (no member text). */
export function narrativeFigures({ current: c, previous: p }: NarrativeInput): Record<string, unknown> {
  const figures = (s: NarrativeInput['current']) => ({
    joined: s.members.joined,
    left: s.members.left,
    net_growth: s.members.net,
    messages: s.activity.totalMessages,
    active_members: s.activity.activeMembers,
    questions_asked: s.questions.asked,
    questions_answered: s.questions.answered,
    questions_unanswered: s.questions.unanswered,
    question_first_response_median_minutes: s.questions.firstResponse.medianSeconds === null ? null : Math.round(s.questions.firstResponse.medianSeconds / 60),
    complaints: s.complaints.total,
    complaints_without_response: s.complaints.open,
    complaints_needing_attention: s.complaints.needsAttention,
    complainers_who_left: s.complaints.left,
    drafts_approved: s.drafts.approved,
    drafts_edited: s.drafts.edited,
    drafts_rejected: s.drafts.rejected,
  });
  return { this_week: figures(c), last_week: figures(p) };
}

/** `prompts` resolves each community's report-narrative in force (an override, else the file). */
export function createModelReportNarrator(deps: { options: OpenAIProviderOptions; prompts: PromptSource; log: Logger; client?: OpenAI | undefined }): ReportNarrator {
  const { options, prompts } = deps;
  const client = deps.client ?? createOpenAIClient(options, deps.log);
  const tokenLimitParam = new URL(options.baseURL).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
  return {
    name: `openai:${options.model}`,
    async narrate(input) {
      const system = renderPrompt(prompts.get(REPORT_NARRATIVE_PROMPT, input.communityId), { communityName: input.communityName, language: input.language, dataRule: UNTRUSTED_DATA_RULE }, input.language);
      const topics = input.current.topics.map((t) => `${t.topic} (${t.count})`).join(', ') || 'none';
      const user = `${JSON.stringify(narrativeFigures(input))}\n\nMost discussed topics:\n${untrustedBlock('member_context', topics, { source: 'topics' })}`;
      const completion = await withDeadline(callBudgetMs(options), 'report narrative', (signal) =>
        client.chat.completions.create(
          {
            model: options.model,
            messages: [
              { role: 'system', content: system.text },
              { role: 'user', content: user },
            ],
            temperature: NARRATIVE_TEMPERATURE,
            [tokenLimitParam]: Math.min(options.maxTokens, NARRATIVE_MAX_TOKENS),
          },
          { signal },
        ),
      );
      const choice = completion.choices[0];
      const text = choice?.message.content?.replace(/\s+/g, ' ').trim() ?? '';
      if (!choice || choice.finish_reason === 'length' || choice.message.refusal) throw new JamiiError('llm_invalid_output', 'The model gave no complete narrative.');
      if (text === '' || text.length > NARRATIVE_MAX_CHARS || FORBIDDEN.test(text)) {
        throw new JamiiError('llm_invalid_output', 'The narrative failed its checks (empty, too long, a link or a mass mention).');
      }
      return text;
    },
  };
}
