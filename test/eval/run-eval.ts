/**
 * `npm run eval`: scores the configured language provider on the labelled fixtures under
 * `test/fixtures/eval/` and exits non-zero when a goal is missed.
 *
 *   npm run eval -- [--verbose] [--json] [--split all|seen|held-out]
 *                   [--min-question-f1 0.90] [--min-negative-f1 0.85] [--community-language en]
 *
 * Sections run in order and each reports its own pass/fail; add a section to SECTIONS below.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import type { LanguageProvider } from '../../src/core/ports.js';
import { createLanguageProvider } from '../../src/llm/provider-factory.js';
import { loadPromptRegistry, PromptError } from '../../src/llm/prompt-registry.js';
import { createLogger } from '../../src/observability/logger.js';
import { CLASSIFICATION_GOALS, missedClassificationGoals, runClassificationEval, type ClassificationGoals } from './classification-eval.js';
import { EVAL_SPLITS, loadEvalMessages, loadRetrievalQuestions, selectSplit, type EvalSplit } from './dataset.js';
import { renderClassificationTable, renderMisclassified, renderTagTable } from './report.js';
import { missedRetrievalGoals, renderRetrievalMisses, renderRetrievalTable, RETRIEVAL_GOALS, RETRIEVAL_K, runRetrievalEval } from './retrieval-eval.js';

interface EvalOptions {
  verbose: boolean;
  split: EvalSplit;
  goals: ClassificationGoals;
  communityLanguage: string;
}

/** What one section hands back: a readable block, a JSON-able result, and the goals it missed. */
interface SectionOutcome {
  name: string;
  text: string;
  json: unknown;
  missed: string[];
}

interface EvalContext {
  config: Config;
  provider: LanguageProvider;
  options: EvalOptions;
}

type EvalSection = (ctx: EvalContext) => Promise<SectionOutcome>;

/** The provider under evaluation: the one the configuration selects (JAMII_LLM). Logs go to stderr. */
async function loadProvider(config: Config): Promise<LanguageProvider> {
  const log = createLogger({ level: config.logLevel, secrets: config.secrets, destination: process.stderr });
  return createLanguageProvider(config, { prompts: loadPromptRegistry(), log });
}

const classificationSection: EvalSection = async ({ provider, options }) => {
  const messages = selectSplit(loadEvalMessages(), options.split);
  const result = await runClassificationEval(provider, messages, { communityLanguage: options.communityLanguage });
  const missed = missedClassificationGoals(result, options.goals);
  const text = [
    `Classification: ${result.n} messages (split: ${options.split}), provider "${result.provider}", ${result.msPerMessage.toFixed(3)} ms/message`,
    '',
    renderClassificationTable(result),
    '',
    renderTagTable(result),
    ...(result.errors.length > 0 ? ['', `Errors (${result.errors.length}):`, ...result.errors.map((e) => `  ${e.id}: ${e.message}`)] : []),
    ...(options.verbose ? ['', `Misclassified (${result.misclassified.length}):`, renderMisclassified(result)] : []),
    '',
    `Goals: question F1 ${result.overall.question.f1.toFixed(3)} (min ${options.goals.minQuestionF1}), negative F1 ${result.overall.negative.f1.toFixed(3)} (min ${options.goals.minNegativeF1})`,
  ].join('\n');
  return { name: 'classification', text, json: { split: options.split, goals: options.goals, ...result }, missed };
};

const retrievalSection: EvalSection = async ({ config, provider, options }) => {
  const questions = selectSplit(loadRetrievalQuestions(), options.split);
  const result = await runRetrievalEval(provider, questions, { embeddingModel: config.llm.openai?.embeddingModel ?? null, communityLanguage: options.communityLanguage });
  const missed = missedRetrievalGoals(result);
  const text = [
    `Retrieval: ${result.overall.n} questions over ${result.chunks} knowledge chunks, ${result.vectors ? 'full text + vectors' : 'full text'}`,
    '',
    renderRetrievalTable(result),
    '  hit@k: an expected passage among the top k; quoted: the offline provider would quote a passage; right: the quoted passage is an expected one',
    ...(options.verbose ? ['', 'Misses and wrong quotes:', renderRetrievalMisses(result)] : []),
    '',
    `Goals: hit@${RETRIEVAL_K} ${result.overall.hitAtK.toFixed(3)} (min ${RETRIEVAL_GOALS.minHitAt3}), quoted-answer precision ${result.overall.quotePrecision.toFixed(3)} (min ${RETRIEVAL_GOALS.minQuotePrecision})`,
  ].join('\n');
  const { rows, ...summary } = result;
  return { name: 'retrieval', text, json: { split: options.split, goals: RETRIEVAL_GOALS, ...summary, misses: rows.filter((r) => !r.hitAtK || (r.quoted && !r.quotedRight)) }, missed };
};

/** Run in this order. */
const SECTIONS: readonly EvalSection[] = [classificationSection, retrievalSection];

function parseOptions(argv: string[]): EvalOptions & { json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      verbose: { type: 'boolean', short: 'v', default: false },
      json: { type: 'boolean', default: false },
      split: { type: 'string', default: 'all' },
      'min-question-f1': { type: 'string' },
      'min-negative-f1': { type: 'string' },
      'community-language': { type: 'string', default: 'en' },
    },
    strict: true,
  });
  const split = values.split as EvalSplit;
  if (!EVAL_SPLITS.includes(split)) throw new Error(`--split must be one of ${EVAL_SPLITS.join(', ')}`);
  const threshold = (raw: string | undefined, fallback: number, flag: string): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${flag} must be a number between 0 and 1`);
    return value;
  };
  return {
    verbose: values.verbose,
    json: values.json,
    split,
    communityLanguage: values['community-language'],
    goals: {
      minQuestionF1: threshold(values['min-question-f1'], CLASSIFICATION_GOALS.minQuestionF1, '--min-question-f1'),
      minNegativeF1: threshold(values['min-negative-f1'], CLASSIFICATION_GOALS.minNegativeF1, '--min-negative-f1'),
    },
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  let config: Config;
  let provider: LanguageProvider;
  try {
    options = parseOptions(process.argv.slice(2));
    config = loadConfig();
    provider = await loadProvider(config);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError || error instanceof PromptError ? error.message : `eval: ${(error as Error).message}`}\n`);
    return 2;
  }
  const outcomes: SectionOutcome[] = [];
  for (const section of SECTIONS) {
    const outcome = await section({ config, provider, options });
    outcomes.push(outcome);
    if (!options.json) process.stdout.write(`${outcome.text}\n\n`);
  }
  const missed = outcomes.flatMap((o) => o.missed.map((m) => `${o.name}: ${m}`));
  if (options.json) {
    const report = { provider: provider.name, passed: missed.length === 0, missed, sections: Object.fromEntries(outcomes.map((o) => [o.name, o.json])) };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(missed.length === 0 ? 'All evaluation goals met.\n' : `Goals missed:\n${missed.map((m) => `  - ${m}`).join('\n')}\n`);
  }
  return missed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
