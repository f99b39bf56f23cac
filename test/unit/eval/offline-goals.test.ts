/**
 * The CI gate for the offline provider: the goals from the evaluation issue, on the labelled set.
 */
import { describe, expect, it } from 'vitest';
import { CLASSIFICATION_GOALS, missedClassificationGoals, runClassificationEval } from '../../../test/eval/classification-eval.js';
import { loadEvalMessages } from '../../../test/eval/dataset.js';
import { createOfflineProvider } from '../../../src/llm/offline/offline-provider.js';
import type { PromptRegistry } from '../../../src/llm/prompt-registry.js';

/** Classification never drafts, so no prompt is needed; a draft attempt would fail loudly. */
const NO_PROMPTS: PromptRegistry = {
  get: (name) => {
    throw new Error(`classification must not render prompt ${name}`);
  },
  list: () => [],
};

describe('offline provider on the labelled evaluation set', () => {
  it(`meets the goals: question F1 >= ${CLASSIFICATION_GOALS.minQuestionF1}, negative F1 >= ${CLASSIFICATION_GOALS.minNegativeF1}`, async () => {
    const result = await runClassificationEval(createOfflineProvider({ prompts: NO_PROMPTS }), loadEvalMessages());
    expect(result.errors).toEqual([]);
    expect(result.overall.question.f1).toBeGreaterThanOrEqual(CLASSIFICATION_GOALS.minQuestionF1);
    expect(result.overall.negative.f1).toBeGreaterThanOrEqual(CLASSIFICATION_GOALS.minNegativeF1);
    expect(missedClassificationGoals(result)).toEqual([]);
  });

  it('labels each message in well under a millisecond', () => {
    const messages = loadEvalMessages();
    const provider = createOfflineProvider({ prompts: NO_PROMPTS });
    // Warm up once, then time the synchronous work behind classify.
    for (const m of messages) void provider.classify(m.text, { communityLanguage: 'en' });
    const started = performance.now();
    for (const m of messages) void provider.classify(m.text, { communityLanguage: 'en' });
    expect((performance.now() - started) / messages.length).toBeLessThan(1);
  });
});
