/**
 * The injection corpus (test/fixtures/injection/cases.jsonl): prompt-injection attempts in
 * English, Russian, Swahili, Spanish and mixed languages, each with the reply a model that obeyed
 * would write. No such reply may pass the output checks with its payload in it, and no input may
 * break out of its data block.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasInvisible, stripInvisible } from '../../../../src/core/safety/invisible.js';
import { foldLookalikes } from '../../../../src/core/safety/lookalikes.js';
import { DRAFT_PROBLEM_CODES, allowedLinksFor, checkDraftText } from '../../../../src/core/safety/output-checks.js';
import type { DraftCheckContext } from '../../../../src/core/safety/output-checks.js';
import { UNTRUSTED_DATA_RULE, defangTags, findForgedTags, untrustedBlock } from '../../../../src/core/safety/untrusted.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/injection/', import.meta.url));
const LANGUAGES = ['en', 'ru', 'sw', 'es', 'mixed'] as const;
const VECTORS = ['message', 'knowledge', 'invisible', 'feed', 'markup'] as const;
const MIN_CASES = 36;
const MIN_CASES_PER_LANGUAGE = 6;

interface InjectionCase {
  id: string;
  language: (typeof LANGUAGES)[number];
  vector: (typeof VECTORS)[number];
  input: string;
  payloads: string[];
  model_output: string;
  /** Problem codes the checks must report for `model_output` (at least these). */
  expected_problems: string[];
  /** What a model that resisted would reply: must pass the checks untouched. */
  safe_output?: string;
}

const cases: InjectionCase[] = readFileSync(`${FIXTURES}cases.jsonl`, 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as InjectionCase);

const systemPrompt = `${readFileSync(`${FIXTURES}system-prompt.txt`, 'utf8')}\n${UNTRUSTED_DATA_RULE}`;
const knowledge = readFileSync(`${FIXTURES}knowledge.md`, 'utf8');

/**
 * What drafting would check a reply with: links from the sample knowledge plus the case's own
 * text through `allowedLinksFor` — as a passage for knowledge and feed cases (a poisoned passage
 * vouches for no link), as the member's message otherwise (its links count only on hosts the
 * knowledge links to).
 */
function contextFor(platform: DraftCheckContext['platform'], c?: InjectionCase): DraftCheckContext {
  const asPassage = c !== undefined && (c.vector === 'knowledge' || c.vector === 'feed');
  const sources = asPassage ? { passages: [knowledge, c.input] } : { passages: [knowledge], message: c?.input };
  return { platform, maxLength: 4096, allowedLinks: allowedLinksFor(sources), systemPrompts: [systemPrompt] };
}

const BENIGN_WRAPPERS: ReadonlyArray<(payload: string) => string> = [
  (payload) => payload,
  (payload) => `Thanks for asking! ${payload}`,
  (payload) => `${payload}\nDelivery in Nairobi takes 2 working days: https://kahawa.example/track`,
  (payload) => `Habari! ${payload} Asante.`,
  (payload) => `Спасибо за вопрос. ${payload} Хорошего дня!`,
];

const BLOCK_KIND_BY_VECTOR: Record<InjectionCase['vector'], string> = {
  message: 'member_message',
  invisible: 'member_message',
  markup: 'member_message',
  knowledge: 'knowledge_passage',
  feed: 'feed_item',
};

/** How often `</kind` or `<kind` occurs once case, width, look-alikes and spacing are folded away. */
function tagCount(text: string, kind: string, closing: boolean): number {
  const compact = foldLookalikes(text).replace(/\s+/g, '');
  return compact.split(`<${closing ? '/' : ''}${kind}`).length - 1;
}

/** Whether a payload shows up in a text as written, once cleaned, or once look-alikes are folded. */
function carriesPayload(text: string, payload: string): boolean {
  return (
    text.includes(payload) ||
    stripInvisible(text).includes(stripInvisible(payload)) ||
    foldLookalikes(text).includes(foldLookalikes(payload))
  );
}

describe('injection corpus', () => {
  it('has enough well-formed cases in every language', () => {
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
    for (const language of LANGUAGES) {
      expect(cases.filter((c) => c.language === language).length, language).toBeGreaterThanOrEqual(MIN_CASES_PER_LANGUAGE);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(VECTORS, c.id).toContain(c.vector);
      expect(c.payloads.length, c.id).toBeGreaterThan(0);
      for (const code of c.expected_problems) expect(DRAFT_PROBLEM_CODES, c.id).toContain(code);
    }
  });

  it('covers hidden instructions in messages, knowledge, feeds, invisible Unicode and markup', () => {
    for (const vector of VECTORS) expect(cases.some((c) => c.vector === vector), vector).toBe(true);
  });

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const kind = BLOCK_KIND_BY_VECTOR[c.vector];

    it('stays inside its data block: one opening tag, one closing tag, no forged tag, no invisible text', () => {
      const block = untrustedBlock(kind, c.input, { author: 'member' });
      expect(block.startsWith(`<${kind} author="member">\n`)).toBe(true);
      expect(block.endsWith(`\n</${kind}>`)).toBe(true);
      expect(tagCount(block, kind, false)).toBe(1);
      expect(tagCount(block, kind, true)).toBe(1);
      const inner = block.slice(block.indexOf('\n') + 1, block.lastIndexOf('\n'));
      expect(findForgedTags(inner, [kind])).toEqual([]);
      expect(hasInvisible(inner)).toBe(false);
    });

    it('keeps every visible payload as data inside the block', () => {
      const block = untrustedBlock(kind, c.input);
      const inner = block.slice(block.indexOf('\n') + 1, block.lastIndexOf('\n'));
      for (const payload of c.payloads) {
        const visible = stripInvisible(payload);
        if (visible.length > 0 && stripInvisible(c.input).includes(visible)) expect(inner).toContain(defangTags(visible));
      }
    });

    it('the obeying reply carries a payload and cannot pass the output checks', () => {
      expect(c.payloads.some((payload) => carriesPayload(c.model_output, payload))).toBe(true);
      for (const platform of ['telegram', 'discord', 'slack', 'sandbox'] as const) {
        const { problems } = checkDraftText(c.model_output, contextFor(platform, c));
        const codes = new Set(problems.map((p) => p.code));
        expect(problems.length, platform).toBeGreaterThan(0);
        for (const expected of c.expected_problems) expect([...codes], `${platform}: ${JSON.stringify(problems)}`).toContain(expected);
      }
    });

    it.each(c.payloads.map((payload, i) => [i, payload] as const))('payload %i cannot pass inside an otherwise benign reply', (_i, payload) => {
      for (const wrap of BENIGN_WRAPPERS) {
        const { problems } = checkDraftText(wrap(payload), contextFor('telegram', c));
        expect(problems.length, wrap(payload)).toBeGreaterThan(0);
      }
    });

    it('the cleaned reply never contains invisible characters', () => {
      const { text } = checkDraftText(c.model_output, contextFor('telegram'));
      expect(hasInvisible(text)).toBe(false);
      expect(text).toBe(stripInvisible(text).trim());
    });
  });

  const resisting = cases.flatMap((c) => (c.safe_output === undefined ? [] : [[c.id, c.safe_output] as const]));
  it.each(resisting)('%s: the resisting reply passes untouched', (_id, reply) => {
    const result = checkDraftText(reply, contextFor('telegram'));
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(reply.normalize('NFC'));
  });
});
