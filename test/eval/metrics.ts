/**
 * Scoring for the classification evaluation: confusion counts, precision, recall and F1 per
 * label, per language and per hard-case tag, and language-detection accuracy. Pure functions over
 * plain data, so the arithmetic is unit-tested on hand-computed cases.
 */

/** The binary labels the evaluation scores. */
export const EVAL_LABELS = ['question', 'negative'] as const;
export type EvalLabel = (typeof EVAL_LABELS)[number];

/** What a labeller (human or provider) said about one message. */
export interface LabelSet {
  language: string;
  isQuestion: boolean;
  isNegative: boolean;
}

/** One scored example: the human labels next to the provider's. */
export interface ScoredExample {
  id: string;
  text: string;
  tags: readonly string[];
  expected: LabelSet;
  predicted: LabelSet;
  /** The provider's reasons, shown for misclassified examples. */
  reasons: readonly string[];
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface BinaryScores extends Confusion {
  precision: number;
  recall: number;
  f1: number;
  /** Examples scored. */
  n: number;
  /** Examples whose human label is positive. */
  positives: number;
}

export interface LabelScores {
  question: BinaryScores;
  negative: BinaryScores;
  /** Share of examples whose detected language equals the labelled one. */
  languageAccuracy: number;
  n: number;
}

export interface TagScores {
  n: number;
  /** Share of the tag's examples with both labels right. */
  accuracy: number;
  questionAccuracy: number;
  negativeAccuracy: number;
}

export interface ClassificationScores {
  overall: LabelScores;
  byLanguage: Record<string, LabelScores>;
  byTag: Record<string, TagScores>;
  misclassified: ScoredExample[];
}

const LABEL_FIELD = { question: 'isQuestion', negative: 'isNegative' } as const satisfies Record<EvalLabel, keyof LabelSet>;

export function confusion(pairs: ReadonlyArray<{ expected: boolean; predicted: boolean }>): Confusion {
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const { expected, predicted } of pairs) {
    if (expected && predicted) c.tp += 1;
    else if (!expected && predicted) c.fp += 1;
    else if (expected && !predicted) c.fn += 1;
    else c.tn += 1;
  }
  return c;
}

/**
 * Precision, recall and F1 from confusion counts. A ratio whose denominator is zero is 1 when
 * there was nothing to get wrong (no positives expected and none predicted) and 0 otherwise, so a
 * language without a single negative message does not drag the table down or hide a false alarm.
 */
export function binaryScores(c: Confusion): BinaryScores {
  const precision = c.tp + c.fp === 0 ? (c.fn === 0 ? 1 : 0) : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? (c.fp === 0 ? 1 : 0) : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1, n: c.tp + c.fp + c.fn + c.tn, positives: c.tp + c.fn };
}

export function scoreLabel(examples: readonly ScoredExample[], label: EvalLabel): BinaryScores {
  const field = LABEL_FIELD[label];
  return binaryScores(confusion(examples.map((e) => ({ expected: e.expected[field], predicted: e.predicted[field] }))));
}

export function languageAccuracy(examples: readonly ScoredExample[]): number {
  if (examples.length === 0) return 1;
  return examples.filter((e) => e.predicted.language === e.expected.language).length / examples.length;
}

function share(examples: readonly ScoredExample[], right: (e: ScoredExample) => boolean): number {
  return examples.length === 0 ? 1 : examples.filter(right).length / examples.length;
}

function labelScores(examples: readonly ScoredExample[]): LabelScores {
  return {
    question: scoreLabel(examples, 'question'),
    negative: scoreLabel(examples, 'negative'),
    languageAccuracy: languageAccuracy(examples),
    n: examples.length,
  };
}

/** True when either binary label differs from the human one (language is scored separately). */
export function isMisclassified(e: ScoredExample): boolean {
  return e.expected.isQuestion !== e.predicted.isQuestion || e.expected.isNegative !== e.predicted.isNegative;
}

function groupBy<K extends string>(examples: readonly ScoredExample[], keys: (e: ScoredExample) => readonly K[]): Map<K, ScoredExample[]> {
  const groups = new Map<K, ScoredExample[]>();
  for (const e of examples) {
    for (const key of keys(e)) {
      const list = groups.get(key) ?? [];
      list.push(e);
      groups.set(key, list);
    }
  }
  return groups;
}

/** Every figure the report prints, from the scored examples. Groups are sorted by name. */
export function scoreClassification(examples: readonly ScoredExample[]): ClassificationScores {
  const byLanguage: Record<string, LabelScores> = {};
  const languages = groupBy(examples, (e) => [e.expected.language]);
  for (const language of [...languages.keys()].sort()) byLanguage[language] = labelScores(languages.get(language) ?? []);

  const byTag: Record<string, TagScores> = {};
  const tags = groupBy(examples, (e) => e.tags);
  for (const tag of [...tags.keys()].sort()) {
    const group = tags.get(tag) ?? [];
    byTag[tag] = {
      n: group.length,
      accuracy: share(group, (e) => !isMisclassified(e)),
      questionAccuracy: share(group, (e) => e.expected.isQuestion === e.predicted.isQuestion),
      negativeAccuracy: share(group, (e) => e.expected.isNegative === e.predicted.isNegative),
    };
  }

  return { overall: labelScores(examples), byLanguage, byTag, misclassified: examples.filter(isMisclassified) };
}
