import { describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../../src/config.js';
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

  it.each(SUPPORTED_LANGUAGES)('have an offline template in the community language %s', (language) => {
    const rendered = renderPrompt(prompts.offline, { headline: 'H', summary: 'S.', link: 'https://x.example/a', source: 'Wire' }, language);
    expect(rendered.language).toBe(language);
    expect(rendered.text.split('\n')).toHaveLength(3);
    expect(rendered.text.endsWith('https://x.example/a')).toBe(true);
    if (language !== 'en') expect(rendered.text).not.toContain('Read more');
  });

  it('write the German, French, Portuguese and Arabic link lines', () => {
    const lastLine = (language: string) => renderPrompt(prompts.offline, { headline: 'H', summary: '', link: 'https://x.example/a', source: 'Wire' }, language).text.split('\n').at(-1);
    expect(['de', 'fr', 'pt', 'ar'].map(lastLine)).toEqual([
      'Weiterlesen (Wire): https://x.example/a',
      'Lire la suite (Wire) : https://x.example/a',
      'Leia mais (Wire): https://x.example/a',
      'اقرأ المزيد (Wire): https://x.example/a',
    ]);
  });
});
