import { describe, expect, it } from 'vitest';
import { labelMessage, tokenize } from '../../../../src/llm/offline/heuristics.js';
import { segment } from '../../../../src/llm/offline/tokens.js';

describe('tokenize for French and Arabic', () => {
  it("splits a French elision off its word, and keeps English contractions whole", () => {
    expect(tokenize("J'attends, c'est nul. Qu'est-ce que c'est ? aujourd'hui quelqu'un")).toEqual(["j'", 'attends', "c'", 'est', 'nul', "qu'", 'est-ce', 'que', "c'", 'est', "aujourd'hui", "quelqu'un"]);
    expect(tokenize("I don't know, it's Duka's")).toEqual(['i', "don't", 'know', "it's", "duka's"]);
  });

  it('writes Arabic without diacritics, with bare alef and final yeh, as the rules are written', () => {
    expect(tokenize('شكراً جزيلاً، إلى متى؟ أسوأ')).toEqual(['شكرا', 'جزيلا', 'الي', 'متي', 'اسوا']);
  });
});

describe('Arabic punctuation', () => {
  it('reads "؟" as a question mark and "؟؟" as exasperation', () => {
    expect(labelMessage('متى يصل الطلب؟', { fallbackLanguage: 'en' })).toMatchObject({ language: 'ar', isQuestion: true, isNegative: false });
    expect(labelMessage('لماذا تأخر الطلب؟؟', { fallbackLanguage: 'en' })).toMatchObject({ language: 'ar', isQuestion: true, isNegative: true });
  });

  it('keeps negation inside its clause at the Arabic comma', () => {
    expect(labelMessage('لا، الخدمة سيئة', { fallbackLanguage: 'en' })).toMatchObject({ isNegative: true });
  });
});

describe('segment: one tokenization, split into sentences and clauses', () => {
  it('gives the same tokens as tokenize, grouped by sentence and clause', () => {
    const text = 'Hola, ¿dónde está mi pedido? No llegó - otra vez… ¡Qué pena!';
    const { tokens, sentences, clauses } = segment(text);
    expect(tokens).toEqual(tokenize(text));
    expect(sentences.map((s) => [s.words.join(' '), s.firstClause.join(' '), s.asks, s.exclaims])).toEqual([
      ['hola dónde está mi pedido', 'hola', true, false],
      ['no llegó otra vez', 'no llegó otra vez', false, false],
      ['qué pena', 'qué pena', false, true],
    ]);
    expect(clauses.map((c) => c.join(' '))).toEqual(['hola', 'dónde está mi pedido', 'no llegó', 'otra vez', 'qué pena']);
  });

  it('ends a sentence with the first run of marks after its last word', () => {
    expect(segment('Great! 😡? ok').sentences.map((s) => [s.words.join(' '), s.asks, s.exclaims])).toEqual([
      ['great', false, true],
      ['ok', false, false],
    ]);
    expect(segment('Wo ist das?! Ach so').sentences.map((s) => [s.asks, s.exclaims])).toEqual([
      [true, true],
      [false, false],
    ]);
  });
});
