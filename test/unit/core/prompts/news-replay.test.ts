import { describe, expect, it } from 'vitest';
import type { NewsItem, NewsScore, NewsTake } from '../../../../src/core/news/news-types.js';
import {
  formatNewsScoreReport,
  formatNewsWriterReport,
  summarizeNewsScoreReplay,
  summarizeNewsWriterReplay,
  type NewsScoreComparison,
  type NewsTakeComparison,
} from '../../../../src/core/prompts/news-replay.js';

const take = (text: string, promptName = 'news-take'): NewsTake => ({ text, promptName, promptVersion: '1+abc', provider: 'openai', model: 'm', note: null, flags: [] });

function comparison(baseline: NewsTake, candidate: NewsTake, sent: string | null, headline = 'Maize prices fall'): NewsTakeComparison {
  return {
    post: { draftId: 1, status: sent === null ? 'pending' : 'edited', text: sent ?? baseline.text, promptName: 'news-take', promptVersion: '1+abc', platform: 'telegram', itemIds: [1] },
    headline,
    items: 1,
    baseline,
    candidate,
    sent,
  };
}

describe('summarizeNewsWriterReplay', () => {
  it('counts the posts that differ and which version comes closer to what managers posted', () => {
    const report = summarizeNewsWriterReplay(
      'news-take',
      [
        comparison(take('Fresh news: maize is cheaper.'), take('Hear ye: maize is cheaper.'), 'Hear ye: maize is cheaper!'),
        comparison(take('Same post.'), take('Same post.'), null),
        comparison(take('Fresh news: rain.'), take('Rain is coming, friends.', 'news-offline'), 'Fresh news: rain.'),
      ],
      1,
      2,
    );
    expect(report).toMatchObject({ total: 6, failed: 1, missing: 2, differ: 2, candidateUsed: 2, baselineUsed: 3, decided: 2, closer: 1, farther: 1 });
    expect(report.samples.map((s) => s.candidate.text)).toEqual(['Hear ye: maize is cheaper.', 'Rain is coming, friends.']);
    const lines = formatNewsWriterReport('news-take', report);
    expect(lines[0]).toBe('Posts that would differ: 2 of 3.');
    expect(lines).toContain("news-take itself wrote 2 of the candidate's posts and 3 of the baseline's; news-offline wrote the others.");
    expect(lines).toContain('2 posts could not be rewritten: the feed items they were written from are no longer stored.');
    expect(lines).toContain('1 post could not be rewritten (see the logs).');
  });

  it('has nothing to measure when no manager decided, and no fallback line when the prompt wrote every post', () => {
    const report = summarizeNewsWriterReplay('news-take', [comparison(take('a'), take('b'), null)], 0, 0);
    const lines = formatNewsWriterReport('news-take', report);
    expect(lines).toEqual([
      'Posts that would differ: 1 of 1.',
      'No manager has decided on these posts yet, so there is nothing to measure closeness against.',
      'Samples:',
      '• "Maize prices fall"',
      '   baseline: a',
      '   candidate: b',
    ]);
  });
});

const item = (id: number, title: string): NewsItem => ({
  id, feedId: 1, feedLabel: 'Wire', feedUrl: 'https://news.example/rss', communityId: 'c1', guid: `g${id}`, link: `https://news.example/${id}`, title, summary: '', titleKey: title.toLowerCase(),
  publishedAt: null, fetchedAt: new Date('2026-11-27T06:00:00Z'), duplicateOf: null, score: null, scoreReason: null,
});
const scored = (itemId: number, score: number, reason = 'why'): NewsScore => ({ itemId, score, reason, scoredBy: 'openai:m' });
const pair = (id: number, baseline: number, candidate: number, proposed = false): NewsScoreComparison => ({
  item: item(id, `Item ${id}`),
  proposed,
  baseline: scored(id, baseline),
  candidate: scored(id, candidate, `candidate reason ${id}`),
});

describe('summarizeNewsScoreReplay', () => {
  it('says what would pass the minimum, what moves in and out, and which offered items would fall below it', () => {
    const report = summarizeNewsScoreReplay([pair(1, 0.1, 0.6), pair(2, 0.7, 0.1, true), pair(3, 0.5, 0.55, true), pair(4, 0.3, 0.3)], 1, 0.4);
    expect(report).toMatchObject({ total: 5, failed: 1, minScore: 0.4, passing: { candidate: 2, baseline: 2 }, newlyIn: 1, newlyOut: 1, proposed: 2, proposedBelow: 1 });
    expect(report.meanScore.baseline).toBeCloseTo(0.4);
    expect(report.meanScore.candidate).toBeCloseTo(0.3875);
    // Most moved first; an unchanged score is no sample.
    expect(report.samples.map((s) => s.item.id)).toEqual([2, 1, 3]);
    const lines = formatNewsScoreReport(report);
    expect(lines).toContain("At or above the news chats' minimum score (0.40): candidate 2, baseline 2 (1 newly in, 1 newly out).");
    expect(lines).toContain('Of the 2 items already offered as news, the candidate would score 1 below the minimum.');
    expect(lines).toContain('• "Item 2": 0.70 → 0.10');
    expect(lines).toContain('1 item could not be scored (see the logs).');
  });

  it('reports the means alone for a community without news chats, and says when no score would change', () => {
    const report = summarizeNewsScoreReplay([pair(1, 0.5, 0.5, true)], 0, null);
    expect(report).toMatchObject({ passing: { candidate: 0, baseline: 0 }, newlyIn: 0, newlyOut: 0, proposedBelow: 0, samples: [] });
    expect(formatNewsScoreReport(report)).toEqual([
      'Mean score: candidate 0.50, baseline 0.50 (1 item).',
      'This community has no news chats, so no minimum score decides what is offered.',
      'No score would change.',
    ]);
  });
});
