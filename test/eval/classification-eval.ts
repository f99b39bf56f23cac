/**
 * The classification section of `npm run eval`: runs a provider's `classify` over the labelled
 * messages (a few at a time, since a model provider may sit behind it) and scores the answers.
 */
import type { LanguageProvider } from '../../src/core/ports.js';
import type { EvalMessage } from './dataset.js';
import { scoreClassification, type ClassificationScores, type ScoredExample } from './metrics.js';

/** Messages classified at once: enough to keep a model server busy, few enough not to hit 429s. */
export const EVAL_CLASSIFY_CONCURRENCY = 4;

export interface ClassificationEvalOptions {
  /** Passed as the community language hint; the labelled language is never given to the provider. */
  communityLanguage?: string;
  concurrency?: number;
}

export interface ClassificationEvalResult extends ClassificationScores {
  provider: string;
  /** Classified messages (including those whose `classify` failed). */
  n: number;
  /** Messages whose `classify` threw: scored as "no question, not negative, unknown language". */
  errors: Array<{ id: string; message: string }>;
  /** Wall time of the whole run divided by the messages (with `concurrency` in flight). */
  msPerMessage: number;
}

/** Calls `fn` on every item with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runClassificationEval(
  provider: LanguageProvider,
  messages: readonly EvalMessage[],
  options: ClassificationEvalOptions = {},
): Promise<ClassificationEvalResult> {
  const communityLanguage = options.communityLanguage ?? 'en';
  const errors: ClassificationEvalResult['errors'] = [];
  const started = performance.now();
  const examples = await mapWithConcurrency(messages, options.concurrency ?? EVAL_CLASSIFY_CONCURRENCY, async (m): Promise<ScoredExample> => {
    const expected = { language: m.language, isQuestion: m.isQuestion, isNegative: m.isNegative };
    try {
      const labels = await provider.classify(m.text, { communityLanguage });
      return {
        id: m.id,
        text: m.text,
        tags: m.tags,
        expected,
        predicted: { language: labels.language, isQuestion: labels.isQuestion, isNegative: labels.isNegative },
        reasons: labels.reasons,
      };
    } catch (error) {
      errors.push({ id: m.id, message: error instanceof Error ? error.message : String(error) });
      return { id: m.id, text: m.text, tags: m.tags, expected, predicted: { language: '', isQuestion: false, isNegative: false }, reasons: [] };
    }
  });
  return {
    provider: provider.name,
    n: messages.length,
    errors,
    msPerMessage: messages.length === 0 ? 0 : (performance.now() - started) / messages.length,
    ...scoreClassification(examples),
  };
}

/** The goals from the evaluation issue; they apply to whichever provider is configured. */
export const CLASSIFICATION_GOALS = { minQuestionF1: 0.9, minNegativeF1: 0.85 } as const;

export interface ClassificationGoals {
  minQuestionF1: number;
  minNegativeF1: number;
}

/** The goals a result misses, worded for a CI log; empty when all are met. */
export function missedClassificationGoals(result: ClassificationEvalResult, goals: ClassificationGoals = CLASSIFICATION_GOALS): string[] {
  const missed: string[] = [];
  if (result.overall.question.f1 < goals.minQuestionF1) missed.push(`question F1 ${result.overall.question.f1.toFixed(3)} < ${goals.minQuestionF1}`);
  if (result.overall.negative.f1 < goals.minNegativeF1) missed.push(`negative F1 ${result.overall.negative.f1.toFixed(3)} < ${goals.minNegativeF1}`);
  if (result.errors.length > 0) missed.push(`${result.errors.length} message(s) could not be classified`);
  return missed;
}
