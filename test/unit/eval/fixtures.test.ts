/**
 * The evaluation fixtures are data other tests and `npm run eval` trust: every line must parse,
 * ids must be unique, each language must be well represented, every hard-case category present,
 * and every retrieval answer must point at a heading that exists in the sample knowledge base.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../../../src/config.js';
import {
  EVAL_KNOWLEDGE_DIR,
  EVAL_MESSAGES_FILE,
  EvalFixtureError,
  HARD_CASE_TAGS,
  isHeldOut,
  loadEvalMessages,
  loadRetrievalQuestions,
  selectSplit,
} from '../../../test/eval/dataset.js';

const MIN_MESSAGES_PER_LANGUAGE = 75;
const MIN_RETRIEVAL_QUESTIONS_PER_LANGUAGE = 15;
/** Categories the issue names; each must appear in every language. */
const REQUIRED_IN_EVERY_LANGUAGE = ['rhetorical', 'sarcasm', 'complaint', 'no-question-mark', 'greeting', 'mixed'] as const;

describe('messages.jsonl', () => {
  const messages = loadEvalMessages();

  it('parses every line against the schema with unique ids', () => {
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    expect(readFileSync(EVAL_MESSAGES_FILE, 'utf8').trim().split('\n')).toHaveLength(messages.length);
  });

  it.each(SUPPORTED_LANGUAGES)(`holds at least ${MIN_MESSAGES_PER_LANGUAGE} messages in %s`, (language) => {
    expect(messages.filter((m) => m.language === language).length).toBeGreaterThanOrEqual(MIN_MESSAGES_PER_LANGUAGE);
  });

  it('covers every hard-case category, and the ones the issue names in every language', () => {
    for (const tag of HARD_CASE_TAGS) expect(messages.filter((m) => m.tags.includes(tag)).length, tag).toBeGreaterThanOrEqual(8);
    for (const language of SUPPORTED_LANGUAGES) {
      for (const tag of REQUIRED_IN_EVERY_LANGUAGE) {
        expect(messages.some((m) => m.language === language && m.tags.includes(tag)), `${tag} in ${language}`).toBe(true);
      }
    }
  });

  it('keeps the tags consistent with the labels', () => {
    for (const m of messages) {
      if (m.tags.includes('rhetorical')) expect(m.isQuestion, m.id).toBe(false);
      if (m.tags.includes('question-complaint')) expect(m.isQuestion && m.isNegative, m.id).toBe(true);
      if (m.tags.includes('no-question-mark')) expect(/[?¿]/u.test(m.text), m.id).toBe(false);
      if (m.tags.includes('sarcasm') || m.tags.includes('complaint')) expect(m.isNegative, m.id).toBe(true);
    }
  });

  it('has a realistic balance: 35-45% questions, 25-35% negative feedback', () => {
    const share = (f: (m: (typeof messages)[number]) => boolean) => messages.filter(f).length / messages.length;
    expect(share((m) => m.isQuestion)).toBeGreaterThanOrEqual(0.35);
    expect(share((m) => m.isQuestion)).toBeLessThanOrEqual(0.45);
    expect(share((m) => m.isNegative)).toBeGreaterThanOrEqual(0.25);
    expect(share((m) => m.isNegative)).toBeLessThanOrEqual(0.37);
  });

  it('holds out a quarter of the set (ids divisible by 4) for checking the rules generalise', () => {
    expect(isHeldOut('en-004')).toBe(true);
    expect(isHeldOut('ru-013')).toBe(false);
    const heldOut = selectSplit(messages, 'held-out').length;
    expect(heldOut + selectSplit(messages, 'seen').length).toBe(messages.length);
    expect(heldOut / messages.length).toBeCloseTo(0.25, 1);
  });

  it('reports every bad line at once, with its line number', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-eval-'));
    const file = path.join(dir, 'messages.jsonl');
    const good = { id: 'en-001', text: 'hi', language: 'en', is_question: false, is_negative: false, tags: [] };
    writeFileSync(file, [JSON.stringify(good), '{not json', JSON.stringify({ ...good, id: 'en-002', language: 'xx' }), JSON.stringify(good)].join('\n'));
    let error: unknown;
    try {
      loadEvalMessages(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EvalFixtureError);
    const problems = (error as EvalFixtureError).problems.join('\n');
    expect(problems).toContain(':2: not JSON');
    expect(problems).toContain(':3: language');
    expect(problems).toContain('duplicate id en-001');
  });
});

/** Every `## heading` of every Markdown file under the knowledge folder, keyed by relative path. */
function knowledgeHeadings(): Map<string, Set<string>> {
  const headings = new Map<string, Set<string>>();
  for (const entry of readdirSync(EVAL_KNOWLEDGE_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(EVAL_KNOWLEDGE_DIR, full).split(path.sep).join('/');
    const lines = readFileSync(full, 'utf8').split('\n');
    headings.set(relative, new Set(lines.filter((l) => /^#{1,3} /u.test(l)).map((l) => l.replace(/^#+ /u, '').trim())));
  }
  return headings;
}

describe('knowledge base and retrieval.jsonl', () => {
  const headings = knowledgeHeadings();
  const questions = loadRetrievalQuestions();

  it('has an FAQ per language with the same questions, and longer documents with sections', () => {
    const faqs = SUPPORTED_LANGUAGES.map((l) => headings.get(l === 'en' ? 'faq.md' : `faq.${l}.md`)?.size ?? 0);
    expect(faqs[0]).toBeGreaterThanOrEqual(15);
    // The title plus one heading per question, in every language.
    expect(new Set(faqs).size).toBe(1);
    for (const doc of ['shipping.md', 'returns.md', 'app/troubleshooting.md']) expect(headings.get(doc)?.size ?? 0, doc).toBeGreaterThanOrEqual(5);
  });

  it.each(SUPPORTED_LANGUAGES)(`asks at least ${MIN_RETRIEVAL_QUESTIONS_PER_LANGUAGE} questions in %s`, (language) => {
    expect(questions.filter((q) => q.language === language).length).toBeGreaterThanOrEqual(MIN_RETRIEVAL_QUESTIONS_PER_LANGUAGE);
  });

  it('points every expected answer at an existing file and heading', () => {
    for (const q of questions) {
      for (const { source, heading } of q.expected) {
        expect(headings.get(source)?.has(heading), `${q.id}: ${source} › ${heading}`).toBe(true);
      }
    }
  });

  it('phrases questions differently from the FAQ headings they expect', () => {
    const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').trim();
    for (const q of questions) for (const e of q.expected) expect(normalise(q.question), q.id).not.toBe(normalise(e.heading));
  });
});
