import { describe, expect, it } from 'vitest';
import { rankForLanguage } from '../../../../src/core/knowledge/passage-language.js';
import type { KnowledgePassage } from '../../../../src/core/types.js';

const passage = (chunkId: number, language: string | null, score: number): KnowledgePassage => ({
  chunkId,
  kind: 'faq',
  source: language ? `faq.${language}.md` : 'shipping.md',
  heading: null,
  question: null,
  text: '',
  language,
  score,
});

describe('knowledge passages ranked for the member’s language', () => {
  // The same FAQ entry in three languages shares the brand's names and prices: "Duka Plus KSh 499".
  const english = passage(1, 'en', 0.5);
  const french = passage(2, 'fr', 0.45);
  const german = passage(3, 'de', 0.3);
  const document = passage(4, null, 0.35);

  it('puts the passage in the member’s language above a better-scoring copy in another', () => {
    expect(rankForLanguage([english, french, german, document], 'de', 'en', 2).map((p) => p.chunkId)).toEqual([3, 1]);
  });

  it('counts a passage of no stated language as the community’s', () => {
    expect(rankForLanguage([english, french, german, document], 'en', 'en', 4).map((p) => p.chunkId)).toEqual([1, 4, 2, 3]);
    expect(rankForLanguage([english, french, german, document], 'de', 'de', 2).map((p) => p.chunkId)).toEqual([4, 3]);
  });

  it('keeps the plain score order when the member’s language is unknown, and never changes a score', () => {
    const ranked = rankForLanguage([german, english, document, french], null, 'en', 4);
    expect(ranked.map((p) => p.chunkId)).toEqual([1, 2, 4, 3]);
    expect(ranked.map((p) => p.score)).toEqual([0.5, 0.45, 0.35, 0.3]);
  });
});
