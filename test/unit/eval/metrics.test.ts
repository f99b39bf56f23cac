import { describe, expect, it } from 'vitest';
import { binaryScores, confusion, isMisclassified, languageAccuracy, scoreClassification, scoreLabel, type ScoredExample } from '../../../test/eval/metrics.js';

function example(id: string, expected: [string, boolean, boolean], predicted: [string, boolean, boolean], tags: string[] = []): ScoredExample {
  return {
    id,
    text: id,
    tags,
    expected: { language: expected[0], isQuestion: expected[1], isNegative: expected[2] },
    predicted: { language: predicted[0], isQuestion: predicted[1], isNegative: predicted[2] },
    reasons: [],
  };
}

describe('confusion', () => {
  it('counts true and false positives and negatives', () => {
    const pairs = [
      { expected: true, predicted: true },
      { expected: true, predicted: true },
      { expected: true, predicted: false },
      { expected: false, predicted: true },
      { expected: false, predicted: false },
      { expected: false, predicted: false },
      { expected: false, predicted: false },
    ];
    expect(confusion(pairs)).toEqual({ tp: 2, fn: 1, fp: 1, tn: 3 });
  });
});

describe('binaryScores', () => {
  it('computes precision, recall and F1 from hand-counted cells', () => {
    // P = 6 / (6 + 2) = 0.75, R = 6 / (6 + 4) = 0.6, F1 = 2 * 0.75 * 0.6 / 1.35 = 0.6667
    const s = binaryScores({ tp: 6, fp: 2, fn: 4, tn: 8 });
    expect(s.precision).toBeCloseTo(0.75, 10);
    expect(s.recall).toBeCloseTo(0.6, 10);
    expect(s.f1).toBeCloseTo(2 / 3, 10);
    expect(s).toMatchObject({ n: 20, positives: 10 });
  });

  it('scores a perfect labeller 1 everywhere', () => {
    expect(binaryScores({ tp: 3, fp: 0, fn: 0, tn: 5 })).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });

  it('scores 1 when there was nothing to find and nothing was claimed', () => {
    expect(binaryScores({ tp: 0, fp: 0, fn: 0, tn: 4 })).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });

  it('scores 0 when every positive was missed and none was claimed', () => {
    expect(binaryScores({ tp: 0, fp: 0, fn: 3, tn: 1 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('scores 0 when only false alarms were raised', () => {
    expect(binaryScores({ tp: 0, fp: 2, fn: 0, tn: 1 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('scoreClassification', () => {
  const examples = [
    example('en-1', ['en', true, false], ['en', true, false], ['no-question-mark']),
    example('en-2', ['en', false, true], ['en', true, true], ['rhetorical']),
    example('en-3', ['en', false, false], ['en', false, false], ['greeting']),
    example('sw-1', ['sw', true, true], ['en', true, false], ['question-complaint', 'mixed']),
    example('sw-2', ['sw', false, true], ['sw', false, true]),
  ];

  it('scores each label overall', () => {
    // question: tp 2 (en-1, sw-1), fp 1 (en-2), fn 0, tn 2
    expect(scoreLabel(examples, 'question')).toMatchObject({ tp: 2, fp: 1, fn: 0, tn: 2 });
    // negative: tp 2 (en-2, sw-2), fp 0, fn 1 (sw-1), tn 2
    const negative = scoreLabel(examples, 'negative');
    expect(negative).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 2, precision: 1 });
    expect(negative.recall).toBeCloseTo(2 / 3, 10);
    expect(negative.f1).toBeCloseTo(0.8, 10);
  });

  it('splits by labelled language and measures language detection', () => {
    const scores = scoreClassification(examples);
    expect(Object.keys(scores.byLanguage)).toEqual(['en', 'sw']);
    expect(scores.byLanguage.en).toMatchObject({ n: 3, languageAccuracy: 1 });
    expect(scores.byLanguage.sw).toMatchObject({ n: 2, languageAccuracy: 0.5 });
    expect(scores.byLanguage.sw!.negative).toMatchObject({ tp: 1, fn: 1 });
    expect(scores.overall.languageAccuracy).toBeCloseTo(0.8, 10);
    expect(languageAccuracy([])).toBe(1);
  });

  it('reports accuracy per hard-case tag, counting an example under each of its tags', () => {
    const { byTag } = scoreClassification(examples);
    expect(byTag.rhetorical).toEqual({ n: 1, accuracy: 0, questionAccuracy: 0, negativeAccuracy: 1 });
    expect(byTag.mixed).toEqual({ n: 1, accuracy: 0, questionAccuracy: 1, negativeAccuracy: 0 });
    expect(byTag.greeting).toEqual({ n: 1, accuracy: 1, questionAccuracy: 1, negativeAccuracy: 1 });
  });

  it('lists the examples with a wrong question or negative label, not those with only a wrong language', () => {
    const languageOnly = example('sw-3', ['sw', false, false], ['en', false, false]);
    expect(isMisclassified(languageOnly)).toBe(false);
    expect(scoreClassification([...examples, languageOnly]).misclassified.map((e) => e.id)).toEqual(['en-2', 'sw-1']);
  });
});
