/**
 * The offline news writer: lexical relevance scores and a template take
 * (`prompts/news-offline.md`, or the community's override): headline, first sentence, link. It never fails, so it is also
 * what the model writer falls back to. The take goes through the output checks drafts get: a
 * headline or feed title from the feed that brings a link of its own, a mass mention or markup
 * comes back flagged, so auto mode holds it for a human.
 */
import { lexicalScore } from '../../core/news/lexical-score.js';
import { firstSentence, truncate } from '../../core/news/news-text.js';
import type { NewsItem, NewsWriter } from '../../core/news/news-types.js';
import { injectionMarkers } from '../../core/safety/injection-markers.js';
import { checkDraftText, linksIn } from '../../core/safety/output-checks.js';
import { renderPrompt, type PromptSource, type PromptTemplate } from '../prompt-registry.js';

export const OFFLINE_NEWS_WRITER = 'offline';
const SUMMARY_SENTENCE_MAX_CHARS = 280;
const HEADLINE_MAX_CHARS = 200;

/**
 * The summary sentence a template take may quote: left out when it carries a link (the post's
 * only link is the item's) or reads like an instruction to a model.
 */
function quotableSentence(item: NewsItem): string {
  const sentence = firstSentence(item.summary, SUMMARY_SENTENCE_MAX_CHARS);
  return linksIn(sentence).length > 0 || injectionMarkers(sentence).length > 0 ? '' : sentence;
}

/**
 * The links a take may carry: each item's own, its feed's (the label of a feed without a name or
 * title), and those a manager wrote into the template itself.
 */
function allowedTakeLinks(items: NewsItem[], template: PromptTemplate): string[] {
  const fromTemplate = Object.values(template.sections).flatMap((section) => linksIn(section));
  return [...items.flatMap((i) => [i.link, i.feedUrl]).filter((link) => link !== ''), ...fromTemplate];
}

/** `prompts` resolves each community's news-offline in force (an override, else the file). */
export function createOfflineNewsWriter(prompts: PromptSource): NewsWriter {
  return {
    name: OFFLINE_NEWS_WRITER,
    async score(community, items) {
      return items.map((item) => lexicalScore(community.topics, item));
    },
    async writeTake({ community, items, maxLength }) {
      const template = prompts.get('news-offline', community.id);
      const rendered = items.map((item) =>
        renderPrompt(
          template,
          {
            headline: truncate(item.title, HEADLINE_MAX_CHARS),
            summary: items.length === 1 ? quotableSentence(item) : '',
            link: item.link,
            source: item.feedLabel,
          },
          community.language,
        ),
      );
      // Blank lines from an empty summary go; a digest keeps whole items within the limit.
      const blocks = rendered.map((r) => r.text.replace(/\n{2,}/g, '\n').trim());
      const kept: string[] = [];
      for (const block of blocks) {
        if ([...kept, block].join('\n\n').length > maxLength) break;
        kept.push(block);
      }
      const first = rendered[0]!;
      const text = kept.length > 0 ? kept.join('\n\n') : truncate(blocks[0]!, maxLength);
      const checked = checkDraftText(text, { platform: 'sandbox', maxLength, allowedLinks: allowedTakeLinks(items, template), systemPrompts: [], allowedMentions: [] });
      const flags = [...new Set(checked.problems.map((p) => `${p.code}: ${p.detail}`))];
      // A community's template written before its language had a section falls back: say so on the card.
      const note = first.language === community.language ? null : `The ${first.name} template has no ${community.language} section: written in ${first.language}.`;
      return { text: checked.text, promptName: first.name, promptVersion: first.version, provider: OFFLINE_NEWS_WRITER, model: null, note, flags };
    },
  };
}
