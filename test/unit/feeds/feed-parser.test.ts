import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../../src/feeds/feed-parser.js';

const jsonFeed = (items: unknown[]) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Kahawa Blog', items });

describe('feed parser', () => {
  it('takes control characters out of a guid and a link (Postgres refuses a NUL in text)', () => {
    const feed = parseFeedText(
      jsonFeed([
        { id: 'kb\u0000-1\u0007', url: 'https://kahawa.example/posts/\u0000roast\u001f', title: 'New roast', content_text: 'Free delivery.' },
        { id: '\u0000', url: 'https://kahawa.example/posts/beans', title: 'Beans', content_text: 'Fresh.' },
      ]),
      'https://kahawa.example/feed.json',
    );
    expect(feed.items.map((i) => [i.guid, i.link])).toEqual([
      ['kb-1', 'https://kahawa.example/posts/roast'],
      // A guid of nothing but control characters gives way to the link.
      ['https://kahawa.example/posts/beans', 'https://kahawa.example/posts/beans'],
    ]);
  });

  it('keeps a guid without control characters as the feed wrote it', () => {
    const feed = parseFeedText(jsonFeed([{ id: 42, url: '/posts/42', title: 'Answer', content_text: 'x' }]), 'https://kahawa.example/feed.json');
    expect(feed.items[0]).toMatchObject({ guid: '42', link: 'https://kahawa.example/posts/42' });
  });
});
