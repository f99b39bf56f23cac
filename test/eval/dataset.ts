/**
 * The labelled evaluation fixtures under `test/fixtures/eval/`: the classification set
 * (`messages.jsonl`), the retrieval questions (`retrieval.jsonl`) and the sample knowledge base
 * they are answered from (`knowledge/`). Every line is validated; a bad line names its number.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../../src/config.js';

export const EVAL_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));
export const EVAL_MESSAGES_FILE = `${EVAL_FIXTURES_DIR}messages.jsonl`;
export const EVAL_RETRIEVAL_FILE = `${EVAL_FIXTURES_DIR}retrieval.jsonl`;
export const EVAL_KNOWLEDGE_DIR = `${EVAL_FIXTURES_DIR}knowledge/`;

/** Hard-case categories a message may be tagged with (see test/fixtures/eval/README.md). */
export const HARD_CASE_TAGS = [
  'rhetorical',
  'sarcasm',
  'complaint',
  'no-question-mark',
  'greeting',
  'mixed',
  'negation',
  'question-complaint',
  'polite-request',
  'emoji',
  'short',
] as const;
export type HardCaseTag = (typeof HARD_CASE_TAGS)[number];

/** Every language the fixtures hold: each community language, with its messages, FAQ and retrieval questions. */
export const EVAL_LANGUAGES = SUPPORTED_LANGUAGES;
const languageSchema = z.enum(EVAL_LANGUAGES);

export const evalMessageLineSchema = z
  .object({
    id: z.string().regex(new RegExp(`^(${EVAL_LANGUAGES.join('|')})-\\d{3}$`, 'u'), 'expected <language>-<three digits>, e.g. en-001'),
    text: z.string().trim().min(1),
    language: languageSchema,
    is_question: z.boolean(),
    is_negative: z.boolean(),
    tags: z.array(z.enum(HARD_CASE_TAGS)),
  })
  .strict()
  .refine((m) => m.id.startsWith(`${m.language}-`), { message: 'id prefix must match language' });

/** One labelled message, as a careful human labeller read it. */
export interface EvalMessage {
  id: string;
  text: string;
  language: string;
  isQuestion: boolean;
  isNegative: boolean;
  tags: HardCaseTag[];
}

export const retrievalLineSchema = z
  .object({
    id: z.string().regex(new RegExp(`^r-(${EVAL_LANGUAGES.join('|')})-\\d{2}$`, 'u'), 'expected r-<language>-<two digits>, e.g. r-en-01'),
    question: z.string().trim().min(1),
    language: languageSchema,
    expected: z.array(z.object({ source: z.string().min(1), heading: z.string().min(1) }).strict()).min(1),
  })
  .strict();

/** A member's question whose answer is in the sample knowledge base. */
export type RetrievalQuestion = z.infer<typeof retrievalLineSchema>;

export class EvalFixtureError extends Error {
  readonly code = 'eval_fixture_invalid';
  constructor(readonly problems: string[]) {
    super(`Invalid evaluation fixture:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EvalFixtureError';
  }
}

function parseJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  const problems: string[] = [];
  const rows: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        problems.push(`${file}:${index + 1}: not JSON (${(error as Error).message})`);
        return;
      }
      const parsed = schema.safeParse(json);
      if (parsed.success) rows.push(parsed.data);
      else problems.push(`${file}:${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
    });
  const seen = new Set<string>();
  for (const row of rows) {
    const id = (row as { id: string }).id;
    if (seen.has(id)) problems.push(`${file}: duplicate id ${id}`);
    seen.add(id);
  }
  if (problems.length > 0) throw new EvalFixtureError(problems);
  return rows;
}

export function loadEvalMessages(file: string = EVAL_MESSAGES_FILE): EvalMessage[] {
  return parseJsonl(file, evalMessageLineSchema).map((m) => ({
    id: m.id,
    text: m.text,
    language: m.language,
    isQuestion: m.is_question,
    isNegative: m.is_negative,
    tags: m.tags,
  }));
}

export function loadRetrievalQuestions(file: string = EVAL_RETRIEVAL_FILE): RetrievalQuestion[] {
  return parseJsonl(file, retrievalLineSchema);
}

export const EVAL_SPLITS = ['all', 'seen', 'held-out'] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

/**
 * The held-out quarter: ids whose number is a multiple of 4. The offline rules were developed
 * against the other three quarters only, so the held-out figures show how well they generalise.
 */
export function isHeldOut(id: string): boolean {
  const number = Number(/(\d+)$/.exec(id)?.[1] ?? Number.NaN);
  return Number.isInteger(number) && number % 4 === 0;
}

export function selectSplit<T extends { id: string }>(rows: readonly T[], split: EvalSplit): T[] {
  if (split === 'all') return [...rows];
  return rows.filter((r) => isHeldOut(r.id) === (split === 'held-out'));
}
