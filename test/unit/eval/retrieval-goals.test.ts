import { describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../../../src/config.js';
import { createOfflineProvider } from '../../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../../src/llm/prompt-registry.js';
import { loadRetrievalQuestions } from '../../eval/dataset.js';
import { isExpected, missedRetrievalGoals, RETRIEVAL_GOALS, runRetrievalEval } from '../../eval/retrieval-eval.js';

describe('retrieval on the sample knowledge base (offline provider, full text)', () => {
  it(`finds an expected passage in the top 3 for at least ${RETRIEVAL_GOALS.minHitAt3 * 100}% of questions, and quotes a right one at least ${RETRIEVAL_GOALS.minQuotePrecision * 100}% of the time`, async () => {
    const result = await runRetrievalEval(createOfflineProvider({ prompts: loadPromptRegistry() }), loadRetrievalQuestions());
    expect(result.chunks).toBeGreaterThan(50);
    expect(Object.keys(result.byLanguage).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    expect(missedRetrievalGoals(result)).toEqual([]);
  });

  it('counts a passage as expected only by path and the end of its heading trail', () => {
    const passage = { chunkId: 1, kind: 'faq' as const, source: 'faq.md', heading: 'Duka FAQ › How long does delivery take?', question: null, text: '', language: 'en', score: 1 };
    expect(isExpected(passage, [{ source: 'faq.md', heading: 'How long does delivery take?' }])).toBe(true);
    expect(isExpected(passage, [{ source: 'faq.md', heading: 'delivery take?' }])).toBe(false);
    expect(isExpected(passage, [{ source: 'shipping.md', heading: 'How long does delivery take?' }])).toBe(false);
  });
});
