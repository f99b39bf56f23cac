import { describe, expect, it } from 'vitest';
import { compilePhrase, compiledRules, mayContain, negativeCandidates, phraseIndex, startsWithPhrase } from '../../../../src/llm/offline/compiled-rules.js';
import type { LanguageRules } from '../../../../src/llm/offline/rules/index.js';
import { RULES } from '../../../../src/llm/offline/rules/index.js';

/** A rule table with only what a test sets; the rest empty. */
function rules(partial: Partial<LanguageRules>): LanguageRules {
  return {
    stopwords: [], why: [], interrogatives: [], weakInterrogatives: [], trailingInterrogatives: [], inSitu: null, inversion: null, leadIns: [],
    requests: [], rhetorical: [], notQuestions: [], admiration: null, negative: {}, grievances: [], praise: [], persistence: [],
    negations: [], intensifiers: [],
    ...partial,
  };
}

describe('phrases', () => {
  it('matches whole words, and any ending after a stem', () => {
    const phrase = compilePhrase('not work*');
    expect(phraseIndex(['it', 'is', 'not', 'working'], phrase)).toBe(2);
    expect(phraseIndex(['it', 'is', 'not', 'work'], phrase)).toBe(2);
    expect(phraseIndex(['it', 'is', 'nothing', 'working'], phrase)).toBe(-1);
    expect(phraseIndex(['not'], phrase)).toBe(-1);
  });

  it('opens a sentence only at its first word', () => {
    const phrase = compilePhrase('any idea');
    expect(startsWithPhrase(['any', 'idea', 'when'], phrase)).toBe(true);
    expect(startsWithPhrase(['so', 'any', 'idea'], phrase)).toBe(false);
    expect(startsWithPhrase(['any'], phrase)).toBe(false);
  });

  it('may be in a text only when its first word (or stem) is', () => {
    expect(mayContain(new Set(['it', 'crashed']), compilePhrase('crash* again'))).toBe(true);
    expect(mayContain(new Set(['it', 'failed']), compilePhrase('crash* again'))).toBe(false);
    expect(mayContain(new Set(['refund']), compilePhrase('refund please'))).toBe(true);
  });
});

describe('complaint terms', () => {
  const table = rules({ negative: { 'never again': 2, 'broke*': 2, 'slow': 1, 'not work*': 3, 'scam': 3 }, negations: ['not', 'never'] });

  it('are found by first word or stem, in the order the table lists them', () => {
    const found = negativeCandidates(compiledRules(table), new Set(['scam', 'it', 'broken', 'and', 'slow']));
    expect(found.map((t) => t.phrase.text)).toEqual(['broke*', 'slow', 'scam']);
  });

  it('know when they carry their own negation', () => {
    const found = negativeCandidates(compiledRules(table), new Set(['never', 'not']));
    expect(found.map((t) => [t.phrase.text, t.selfNegated])).toEqual([
      ['never again', true],
      ['not work*', true],
    ]);
  });

  it('are compiled once per table', () => {
    expect(compiledRules(RULES.en)).toBe(compiledRules(RULES.en));
    expect(compiledRules(RULES.en)).not.toBe(compiledRules(RULES.ru));
  });
});
