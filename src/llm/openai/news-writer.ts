/**
 * News scoring and takes from an OpenAI-compatible model, with the offline writer behind it:
 * a failed call, an unusable answer, or a take the output checks refuse (a link that is not an
 * item's, a mass mention, a leaked prompt) falls back to lexical scores or the template take,
 * and the card says why. Feed text goes to the model only inside `feed_item` data blocks.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { isJamiiError } from '../../core/errors.js';
import type { NewsCommunity, NewsItem, NewsWriter } from '../../core/news/news-types.js';
import type { Logger } from '../../core/ports.js';
import { checkDraftText } from '../../core/safety/output-checks.js';
import { UNTRUSTED_DATA_RULE, untrustedBlock } from '../../core/safety/untrusted.js';
import { fallbackNote, type FallbackCause } from '../fallback-provider.js';
import { renderPrompt, type PromptSource } from '../prompt-registry.js';
import { completeJson } from './chat.js';
import { chatCallOptions, createOpenAIClient, type OpenAIProviderOptions } from './openai-provider.js';

const SCORE_REASON_MAX_CHARS = 160;
const TAKE_TEMPERATURE = 0.4;
const SCORE_TEMPERATURE = 0;

const scoreSchema = z
  .object({
    scores: z.array(z.object({ item: z.int().min(1).max(100), score: z.number().min(0).max(1), reason: z.string() }).strict()),
  })
  .strict();
const takeSchema = z.object({ post: z.string().refine((t) => t.trim() !== '', 'the post is empty') }).strict();

function topicsText(community: NewsCommunity): string {
  const keywords = community.topics.keywords.join(', ');
  return [community.topics.description, keywords ? `(keywords: ${keywords})` : ''].filter(Boolean).join(' ') || community.name;
}

function itemBlocks(items: NewsItem[]): string {
  return items.map((item, i) => untrustedBlock('feed_item', `${item.title}\n\n${item.summary}`, { number: String(i + 1), source: item.feedLabel, link: item.link })).join('\n\n');
}

function causeOf(error: unknown): FallbackCause {
  if (!isJamiiError(error)) return 'unavailable';
  return error.code === 'llm_timeout' ? 'timeout' : error.code === 'rate_limited' ? 'rate_limited' : error.code === 'llm_invalid_output' ? 'invalid_output' : 'unavailable';
}

export function createModelNewsWriter(deps: { options: OpenAIProviderOptions; prompts: PromptSource; fallback: NewsWriter; log: Logger; client?: OpenAI | undefined }): NewsWriter {
  const { options, prompts, fallback } = deps;
  const log = deps.log.child({ component: 'news-writer' });
  const client = deps.client ?? createOpenAIClient(options, deps.log);
  const call = chatCallOptions(options);
  const name = `openai:${options.model}`;

  return {
    name,
    async score(community, items) {
      const system = renderPrompt(prompts.get('news-score', community.id), { community: community.name, topics: topicsText(community), dataRule: UNTRUSTED_DATA_RULE }, 'en');
      try {
        const answer = await completeJson(client, call, {
          operation: 'news score',
          formatName: 'news_scores',
          schema: scoreSchema,
          messages: [
            { role: 'system', content: system.text },
            { role: 'user', content: `Items to score:\n\n${itemBlocks(items)}` },
          ],
          temperature: SCORE_TEMPERATURE,
        });
        const byNumber = new Map(answer.scores.map((s) => [s.item, s]));
        const lexical = await fallback.score(community, items);
        // An item the model left out keeps its lexical score.
        return items.map((item, i) => {
          const s = byNumber.get(i + 1);
          return s ? { itemId: item.id, score: s.score, reason: s.reason.replace(/\s+/g, ' ').trim().slice(0, SCORE_REASON_MAX_CHARS) || 'model score', scoredBy: name } : lexical[i]!;
        });
      } catch (error) {
        log.warn({ cause: causeOf(error), items: items.length }, 'news.score.fallback');
        return fallback.score(community, items);
      }
    },

    async writeTake(request) {
      const { community, items, maxLength } = request;
      const system = renderPrompt(
        prompts.get('news-take', community.id),
        { community: community.name, language: community.language, topics: topicsText(community), maxLength: String(maxLength), dataRule: UNTRUSTED_DATA_RULE },
        community.language,
      );
      const offline = async (note: string) => {
        const take = await fallback.writeTake(request);
        return { ...take, note: [note, take.note].filter(Boolean).join(' ') };
      };
      let post: string;
      try {
        const answer = await completeJson(client, call, {
          operation: 'news take',
          formatName: 'news_take',
          schema: takeSchema,
          messages: [
            { role: 'system', content: system.text },
            { role: 'user', content: `${items.length === 1 ? 'The item' : `The ${items.length} items, most relevant first`}:\n\n${itemBlocks(items)}` },
          ],
          temperature: TAKE_TEMPERATURE,
        });
        post = answer.post;
      } catch (error) {
        const cause = causeOf(error);
        log.warn({ cause }, 'news.take.fallback');
        return offline(fallbackNote(cause, { status: isJamiiError(error) && typeof error.details.status === 'number' ? error.details.status : undefined }, 'offline take'));
      }
      const links = items.map((i) => i.link);
      const checked = checkDraftText(post, { platform: 'sandbox', maxLength, allowedLinks: links, systemPrompts: [system.text], allowedMentions: [] });
      const codes: string[] = checked.problems.map((p) => p.code);
      // Each item's link must be in the post: a take without its link is not a news post.
      if (links.some((link) => !checked.text.includes(link))) codes.push('missing_link');
      const problems = [...new Set(codes)];
      if (problems.length > 0) {
        log.warn({ problems }, 'news.take.refused');
        return offline(fallbackNote('refused', { problems }, 'offline take'));
      }
      return { text: checked.text, promptName: system.name, promptVersion: system.version, provider: 'openai', model: options.model, note: null, flags: [] };
    },
  };
}
