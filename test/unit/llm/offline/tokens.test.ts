import { describe, expect, it } from 'vitest';
import { labelMessage, tokenize } from '../../../../src/llm/offline/heuristics.js';

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
