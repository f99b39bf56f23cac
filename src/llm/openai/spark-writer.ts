/**
 * Sparks from an OpenAI-compatible model, written from `prompts/spark-model.md` (loaded and
 * validated at start) or the community's override of it. The chat's title, topics, unanswered
 * questions, news and the bases of recent sparks go in as data blocks, never into the system
 * prompt (a chat's title is set by whoever runs the group); the JSON
 * answer is checked like a draft (length, mass mentions, links other than the news links, a
 * leaked prompt) and against the poll limits. A failed call or check throws, and the spark
 * service falls back to the offline writer.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { JamiiError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { checkDraftText } from '../../core/safety/output-checks.js';
import { UNTRUSTED_DATA_RULE, untrustedBlock } from '../../core/safety/untrusted.js';
import { POLL_OPTION_MAX_CHARS, POLL_OPTIONS_MAX, POLL_OPTIONS_MIN, POLL_QUESTION_MAX_CHARS } from '../../core/sparks/spark-limits.js';
import { SPARK_BASES, SPARK_KINDS, type SparkIdea, type SparkMaterial, type SparkWriter } from '../../core/sparks/spark-types.js';
import { renderPrompt, type PromptSource } from '../prompt-registry.js';
import { completeJson } from './chat.js';
import { clip } from './classify.js';
import { createOpenAIClient, type OpenAIProviderOptions } from './openai-provider.js';

export const SPARK_MODEL_PROMPT = 'spark-model';
/** Longest spark text accepted from the model. */
export const SPARK_TEXT_MAX_CHARS = 500;
const SPARK_MAX_TOKENS = 400;
const SPARK_TEMPERATURE = 0.7;
/** Longest chat title shown to the model, flattened to one line. */
const SPARK_CHAT_TITLE_MAX_CHARS = 100;

const sparkOutputSchema = z
  .object({
    kind: z.enum(SPARK_KINDS),
    text: z.string(),
    poll_question: z.string().nullable(),
    poll_options: z.array(z.string()),
    basis: z.enum(SPARK_BASES),
    basis_ref: z.string().nullable(),
    reason: z.string(),
  })
  .strict();

/** The user message: every piece of material as a data block. */
export function sparkUserMessage(m: SparkMaterial): string {
  const sections = [
    "The quiet chat's title:",
    m.chatTitle ? untrustedBlock('member_context', clip(m.chatTitle, SPARK_CHAT_TITLE_MAX_CHARS), { source: 'chat_title' }) : 'none',
    'Recent topics:',
    m.topics.length === 0 ? 'none' : untrustedBlock('member_context', m.topics.map((t) => `${t.topic} (${t.count})`).join(', '), { source: 'topics' }),
    'Unanswered questions:',
    ...(m.openQuestions.length === 0 ? ['none'] : m.openQuestions.map((q) => untrustedBlock('member_message', q.text, { id: String(q.messageId), author: q.author }))),
    'Fresh news:',
    ...(m.news.length === 0 ? ['none'] : m.news.map((n) => untrustedBlock('feed_item', n.title, { link: n.url }))),
    'Recent sparks (do not repeat these bases):',
    // A basis ref is a member's topic or what the model wrote last time: data too.
    m.recentBases.length === 0 ? 'none' : untrustedBlock('member_context', m.recentBases.map((b) => `${b.kind}${b.ref ? `: ${b.ref}` : ''}`).join('\n'), { source: 'recent_sparks' }),
  ];
  return sections.join('\n');
}

/** `prompts` resolves each community's spark-model in force (an override, else the file). */
export function createModelSparkWriter(deps: { options: OpenAIProviderOptions; prompts: PromptSource; log: Logger; client?: OpenAI | undefined }): SparkWriter {
  const { options, prompts } = deps;
  const client = deps.client ?? createOpenAIClient(options, deps.log);
  const tokenLimitParam = new URL(options.baseURL).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
  return {
    // The provider, as drafts record it; the model is its own field.
    name: 'openai',
    model: options.model,
    promptName: SPARK_MODEL_PROMPT,
    promptVersion: prompts.get(SPARK_MODEL_PROMPT).version,
    async write(material) {
      const template = prompts.get(SPARK_MODEL_PROMPT, material.communityId);
      const system = renderPrompt(
        template,
        { communityName: material.communityName, language: material.language, dataRule: UNTRUSTED_DATA_RULE },
        material.language,
      );
      const out = await completeJson(
        client,
        { model: options.model, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries, maxTokens: Math.min(options.maxTokens, SPARK_MAX_TOKENS), structuredOutput: options.structuredOutput, tokenLimitParam },
        {
          operation: 'spark',
          formatName: 'spark',
          schema: sparkOutputSchema,
          messages: [
            { role: 'system', content: system.text },
            { role: 'user', content: sparkUserMessage(material) },
          ],
          temperature: SPARK_TEMPERATURE,
        },
      );
      const allowedLinks = material.news.map((n) => n.url);
      const check = (text: string, max: number) => {
        const result = checkDraftText(text, { platform: 'sandbox', maxLength: max, allowedLinks, systemPrompts: [system.text] });
        if (result.problems.length > 0) throw new JamiiError('llm_invalid_output', `The spark failed its checks: ${result.problems.map((p) => p.code).join(', ')}.`);
        return result.text;
      };
      const text = out.text.trim() === '' ? '' : check(out.text, SPARK_TEXT_MAX_CHARS);
      let poll: SparkIdea['poll'] = null;
      if (out.kind === 'poll') {
        const options = out.poll_options.map((o) => o.trim()).filter(Boolean);
        if (!out.poll_question || options.length < POLL_OPTIONS_MIN || options.length > POLL_OPTIONS_MAX || new Set(options.map((o) => o.toLowerCase())).size !== options.length) {
          throw new JamiiError('llm_invalid_output', `A poll needs a question and ${POLL_OPTIONS_MIN}-${POLL_OPTIONS_MAX} different options.`);
        }
        poll = { question: check(out.poll_question, POLL_QUESTION_MAX_CHARS), options: options.map((o) => check(o, POLL_OPTION_MAX_CHARS)) };
      } else if (text === '') {
        throw new JamiiError('llm_invalid_output', 'The spark question is empty.');
      }
      return { kind: out.kind, text, poll, basis: { kind: out.basis, ref: out.basis_ref }, reason: out.reason.trim().slice(0, 200) || 'Written by the model.', promptVersion: template.version };
    },
  };
}
