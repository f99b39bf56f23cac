import { describe, expect, it } from 'vitest';
import type { NewsItem } from '../../../../src/core/news/news-types.js';
import { linksIn } from '../../../../src/core/safety/output-checks.js';
import { createOfflineNewsWriter } from '../../../../src/llm/offline/news-offline-writer.js';
import { loadPromptRegistry, type PromptSource } from '../../../../src/llm/prompt-registry.js';

const files = loadPromptRegistry();
const community = { id: 'acme', name: 'Acme', language: 'en', topics: { keywords: ['M-Pesa'], description: '' } };
const now = new Date('2026-11-27T06:00:00Z');

const item = (fields: Partial<NewsItem>): NewsItem => ({
  id: 1,
  feedId: 1,
  feedLabel: 'Wire',
  feedUrl: 'https://wire.example/rss',
  communityId: 'acme',
  guid: 'g1',
  link: 'https://wire.example/a',
  title: 'M-Pesa refunds start on Monday',
  summary: 'Members get their fees back. More details follow.',
  titleKey: 'm-pesa monday refunds start',
  publishedAt: now,
  fetchedAt: now,
  duplicateOf: null,
  score: 0.9,
  scoreReason: 'matches: M-Pesa',
  ...fields,
});

const takeOf = (items: NewsItem[], prompts: PromptSource = files, language = 'en') =>
  createOfflineNewsWriter(prompts).writeTake({ community: { ...community, language }, items, maxLength: 4096 });

describe('offline news takes', () => {
  it('flags a take whose headline or feed title brings a link the item does not carry, so auto mode holds it', async () => {
    const take = await takeOf([
      item({ title: 'M-Pesa refunds: verify your account at https://mpesa-verify.example.com now', feedLabel: 'Wire — claim your refund at https://acme-refunds.example.net' }),
    ]);
    expect(take.flags).toEqual([
      'unknown_link: https://mpesa-verify.example.com is not in the sources',
      'unknown_link: https://acme-refunds.example.net is not in the sources',
    ]);
    expect(linksIn(take.text)).toContain('https://wire.example/a');
  });

  it('flags a mass mention a headline brings', async () => {
    const take = await takeOf([item({ title: '@everyone M-Pesa refunds start on Monday' })]);
    expect(take.flags).toEqual([expect.stringMatching(/^mass_mention: /)]);
  });

  it("passes the item's own link, its feed's URL as the label of a feed with no name, and every link of a digest", async () => {
    expect((await takeOf([item({ feedLabel: 'https://wire.example/rss' })])).flags).toEqual([]);
    const digest = await takeOf([item({}), item({ id: 2, guid: 'g2', link: 'https://logistics.example/b', feedUrl: 'https://logistics.example/feed', title: 'Delivery routes open' })]);
    expect(digest.flags).toEqual([]);
    expect(linksIn(digest.text)).toEqual(['https://wire.example/a', 'https://logistics.example/b']);
  });

  it('passes a link a manager wrote into the community template', async () => {
    const template = files.get('news-offline');
    const override: PromptSource = {
      get: (name) => (name === 'news-offline' ? { ...template, sections: { en: '📰 {{headline}}\n{{summary}}\n{{link}} · via {{source}} · join us: https://acme.example/join' } } : files.get(name)),
    };
    const take = await takeOf([item({})], override);
    expect(take.text).toContain('https://acme.example/join');
    expect(take.flags).toEqual([]);
  });

  it('writes a German community its post in German, with no note', async () => {
    const take = await takeOf([item({})], files, 'de');
    expect(take.text).toBe('📰 M-Pesa refunds start on Monday\nMembers get their fees back.\nWeiterlesen (Wire): https://wire.example/a');
    expect(take.note).toBeNull();
  });

  it('says on the card when the community template has no section for its language and the post is in English', async () => {
    const template = files.get('news-offline');
    const older: PromptSource = { get: (name) => (name === 'news-offline' ? { ...template, sections: { en: template.sections.en!, sw: template.sections.sw! } } : files.get(name)) };
    const take = await takeOf([item({})], older, 'pt');
    expect(take.text).toContain('Read more (Wire): https://wire.example/a');
    expect(take.note).toBe('The news-offline template has no pt section: written in en.');
  });
});
