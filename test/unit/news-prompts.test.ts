import { describe, expect, it } from 'vitest';
import { UNTRUSTED_DATA_RULE } from '../../src/core/safety/untrusted.js';
import { loadPromptRegistry, renderPrompt } from '../../src/llm/prompt-registry.js';

describe('news prompts', () => {
  const files = loadPromptRegistry();
  const prompts = { take: files.get('news-take'), score: files.get('news-score'), offline: files.get('news-offline') };

  it('render the model prompts with the data rule and the limits (snapshot: a prompt change shows as a diff)', () => {
    const take = renderPrompt(prompts.take, { community: 'Acme', language: 'sw', topics: 'coffee delivery (keywords: M-Pesa)', maxLength: '1900', dataRule: UNTRUSTED_DATA_RULE }, 'sw');
    const score = renderPrompt(prompts.score, { community: 'Acme', topics: 'coffee delivery', dataRule: UNTRUSTED_DATA_RULE }, 'en');
    expect(take.text).toContain('<feed_item>');
    expect(take.text).toContain('"sw"');
    expect(score.text).toContain('gets 0');
    expect({ take: take.text, score: score.text }).toMatchSnapshot();
  });

  it('have an offline template in every supported language', () => {
    for (const language of ['en', 'sw', 'es', 'ru']) {
      const text = renderPrompt(prompts.offline, { headline: 'H', summary: 'S.', link: 'https://x.example/a', source: 'Wire' }, language).text;
      expect(text.split('\n')).toHaveLength(3);
      expect(text.endsWith('https://x.example/a')).toBe(true);
    }
  });
});
