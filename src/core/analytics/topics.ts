/** Top topics: the labeler's `topic` when messages carry one, else the most frequent content words. */
import type { TopicCount } from './analytics-types.js';

/** Words too common to name a topic (English; the fallback is a hint, not a classifier). */
const STOPWORDS = new Set(
  'about after again also because been before being could does doing from have having here hello into just like more most much need only other over please really should some still than thank thanks that their them then there these they this those very what when where which while will with would your yours youre cant dont didnt doesnt isnt wont im ive anyone someone something everyone'.split(' '),
);
/** Shortest word counted as a content word. */
const MIN_WORD_LENGTH = 4;

export function contentWordTopics(texts: readonly string[], limit: number): TopicCount[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const words = new Set(
      text
        .toLowerCase()
        .replace(/['’]/g, '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= MIN_WORD_LENGTH && !STOPWORDS.has(w) && !/^\d+$/.test(w)),
    );
    // Once per message: one long rant does not make a topic.
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([topic, count]) => ({ topic, count }));
}
