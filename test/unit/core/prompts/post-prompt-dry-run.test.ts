import { describe, expect, it } from 'vitest';
import { DRAFT_TEXT_MAX_CHARS } from '../../../../src/core/draft-writer.js';
import { newsMaxLength, SAMPLE_ITEM_LINK, sampleItem } from '../../../../src/core/prompts/post-prompt-dry-run.js';

const NOW = new Date('2026-11-28T08:00:00Z');

describe('a /prompt test sample as a feed item', () => {
  it('takes the first line as the headline, the rest as the summary, and its link out of the text', () => {
    const item = sampleItem('alpha', 'Maize prices fall https://news.example/maize in Eldoret\nTraders expect\n  a rebound.', NOW);
    expect(item).toMatchObject({ communityId: 'alpha', title: 'Maize prices fall in Eldoret', summary: 'Traders expect a rebound.', link: 'https://news.example/maize', publishedAt: NOW });
    expect(item.titleKey).not.toBe('');
  });

  it('gives an item without a link the placeholder link, and one that is only a link a placeholder headline', () => {
    expect(sampleItem('alpha', 'Seed fair on Saturday', NOW)).toMatchObject({ title: 'Seed fair on Saturday', summary: '', link: SAMPLE_ITEM_LINK });
    expect(sampleItem('alpha', 'https://news.example/fair', NOW)).toMatchObject({ title: 'Sample headline', link: 'https://news.example/fair' });
  });
});

describe('the longest news post a community takes', () => {
  it('is the shortest limit among its news chats (within a draft\'s), and Telegram\'s when it has none', () => {
    expect(DRAFT_TEXT_MAX_CHARS).toBeLessThan(2000);
    expect(newsMaxLength(['telegram', 'discord'])).toBe(DRAFT_TEXT_MAX_CHARS);
    expect(newsMaxLength([])).toBe(newsMaxLength(['telegram']));
  });
});
