/**
 * The offline relevance score: how much of an item's headline and summary speaks of the
 * community's topic keywords (and, more weakly, the words of its description). Explainable:
 * the reason names the keywords that matched.
 */
import type { NewsItem, NewsScore, NewsTopics } from './news-types.js';
import { tokens } from './news-text.js';

export const LEXICAL_SCORER = 'lexical';
/** A keyword in the headline counts this much more than one in the summary. */
const TITLE_WEIGHT = 2;
/** Description words are hints, not topics. */
const DESCRIPTION_WEIGHT = 0.25;
/** Matches at which the score approaches 1. */
const SATURATION = 4;
const MIN_DESCRIPTION_WORD_CHARS = 5;

/** Letters an inflected word may add to a keyword's stem (delivery → deliveries, delivered). */
const MAX_SUFFIX_CHARS = 4;
const MIN_STEM_CHARS = 4;

/** A keyword's last word without a final -y or -e, so its inflections share the stem. */
function stem(word: string): string {
  return word.length > MIN_STEM_CHARS && /[ye]$/.test(word) ? word.slice(0, -1) : word;
}

/** A keyword phrase as tokens; it matches when its tokens appear in a row (the last one by its stem). */
function phraseAt(words: string[], phrase: string[], at: number): boolean {
  return phrase.every((p, i) => {
    const w = words[at + i];
    if (w === undefined) return false;
    if (i < phrase.length - 1) return w === p;
    const base = stem(p);
    return w.startsWith(base) && w.length - base.length <= MAX_SUFFIX_CHARS;
  });
}

function contains(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i <= words.length - phrase.length; i++) if (phraseAt(words, phrase, i)) return true;
  return false;
}

export function lexicalScore(topics: NewsTopics, item: Pick<NewsItem, 'id' | 'title' | 'summary'>): NewsScore {
  const title = tokens(item.title);
  const body = tokens(item.summary);
  let weight = 0;
  const matched: string[] = [];
  for (const keyword of topics.keywords) {
    const phrase = tokens(keyword);
    const inTitle = contains(title, phrase);
    const inBody = contains(body, phrase);
    if (!inTitle && !inBody) continue;
    weight += inTitle ? TITLE_WEIGHT : 1;
    matched.push(keyword);
  }
  const keywordWords = new Set(topics.keywords.flatMap(tokens));
  const described = new Set(tokens(topics.description).filter((w) => w.length >= MIN_DESCRIPTION_WORD_CHARS && !keywordWords.has(w)));
  const all = new Set([...title, ...body]);
  const hints = [...described].filter((w) => all.has(w));
  weight += hints.length * DESCRIPTION_WEIGHT;
  const score = Math.round((1 - Math.exp(-weight / (SATURATION / 2))) * 1000) / 1000;
  const reason =
    matched.length > 0
      ? `matches: ${matched.join(', ')}${hints.length > 0 ? ` (also: ${hints.slice(0, 3).join(', ')})` : ''}`
      : hints.length > 0
        ? `no topic keyword; shares words with the description: ${hints.slice(0, 3).join(', ')}`
        : 'no topic keyword matches';
  return { itemId: item.id, score, reason, scoredBy: LEXICAL_SCORER };
}
