/**
 * The offline labeller on a small labelled corpus in every language it reads: the detected
 * language, question and negative feedback of each message, so a rule change that breaks one
 * shows here by name.
 */
import { describe, expect, it } from 'vitest';
import { labelMessage, OFFLINE_LANGUAGES } from '../../../../src/llm/offline/heuristics.js';
import { LABELLED_CORPUS } from '../../../fixtures/labels/labelled-corpus.js';

describe('labelled corpus', () => {
  it('covers every language the offline labeller reads with at least 15 messages', () => {
    expect(Object.keys(LABELLED_CORPUS).sort()).toEqual([...OFFLINE_LANGUAGES].sort());
    for (const language of OFFLINE_LANGUAGES) expect(LABELLED_CORPUS[language].length, language).toBeGreaterThanOrEqual(15);
  });

  describe.each(Object.entries(LABELLED_CORPUS))('%s', (language, messages) => {
    it.each(messages)('"%s" is %s', (text, expected) => {
      // The community language is English: every other language must be recognised from the text.
      const labels = labelMessage(text, { fallbackLanguage: 'en' });
      const got = `${labels.isQuestion ? 'Q' : '-'}${labels.isNegative ? 'N' : '-'}`;
      expect({ language: labels.language, labels: got }, labels.reasons.join('; ')).toEqual({ language, labels: expected });
    });
  });
});
