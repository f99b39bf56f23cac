import { describe, expect, it } from 'vitest';
import type { LearnedWithDecision } from '../../../../src/core/knowledge/knowledge-ports.js';
import { cleanedAnswer, holdingReplyPattern } from '../../../../src/core/knowledge/learned-cleanup.js';
import type { PromptVersionRecord } from '../../../../src/core/prompts/prompt-ports.js';
import { holdingReplyTemplates } from '../../../../src/llm/holding-replies.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';

const OVERRIDE = '## en\nHey {{member}}, good one! A human from {{community}} will get back to you.';
const version = (v: number, body: string | null): PromptVersionRecord => ({ communityId: 'duka', name: 'offline-question', version: v, body, comment: null, createdBy: 'sandbox:ada', createdByName: 'Ada', createdAt: new Date(0), rollbackOf: null });
const templates = holdingReplyTemplates({ files: loadPromptRegistry(), versions: { history: async (communityId) => (communityId === 'duka' ? [version(1, OVERRIDE), version(2, null)] : []) } });

const entry = (answer: string, decision: Partial<Pick<LearnedWithDecision, 'decidedText' | 'memberName'>> = {}): LearnedWithDecision => ({
  id: 1,
  communityId: 'duka',
  question: 'q',
  answer,
  language: 'en',
  draftId: 9,
  createdBy: 'sandbox:manager',
  createdAt: new Date(0),
  decidedText: answer,
  memberName: 'Amina Njeri',
  ...decision,
});

describe('the learned-answer cleanup', () => {
  it("recognises a holding reply in any of the file's languages, and in a version the community once set, for any member", async () => {
    const patterns = (await templates('duka')).map(holdingReplyPattern);
    for (const text of [
      'Thanks for your question, Amina Njeri! Our team is looking into it and will answer you right here shortly.',
      'Ирина, спасибо за вопрос! Мы уже уточняем детали и скоро ответим здесь же.',
      '¡Gracias por tu pregunta, Ana! Nuestro equipo lo está revisando y te responderemos aquí mismo muy pronto.',
      'Hey baraka, good one! A human from Duka Coffee will get back to you.',
    ]) {
      expect(cleanedAnswer(entry(text, { memberName: null }), patterns), text).toEqual({ kind: 'remove' });
    }
    // Another community never set that version.
    const others = (await templates('acme')).map(holdingReplyPattern);
    expect(cleanedAnswer(entry('Hey baraka, good one! A human from Acme will get back to you.'), others)).toEqual({ kind: 'keep' });
  });

  it('keeps a holding reply a manager wrote a real answer into', async () => {
    const patterns = (await templates('duka')).map(holdingReplyPattern);
    const answered = 'Thanks for your question! Our team is looking into it and will answer you right here shortly. Kampala orders take 5-7 days.';
    expect(cleanedAnswer(entry(answered, { memberName: null }), patterns)).toEqual({ kind: 'keep' });
  });

  it('drops a greeting naming the member from an entry learned word for word, and leaves one learned since alone', () => {
    expect(cleanedAnswer(entry('Hi Amina Njeri! Kampala orders take 5-7 days.'), [])).toEqual({ kind: 'replace', answer: 'Kampala orders take 5-7 days.' });
    // Learned now: the greeting was dropped when it was learned, so the entry no longer reads as the decision.
    expect(cleanedAnswer(entry('Kampala orders take 5-7 days.', { decidedText: 'Hi Amina Njeri! Kampala orders take 5-7 days.' }), [])).toEqual({ kind: 'keep' });
    // No greeting, or no member known: nothing to drop.
    expect(cleanedAnswer(entry('Kampala orders take 5-7 days.'), [])).toEqual({ kind: 'keep' });
    expect(cleanedAnswer(entry('Hi Amina Njeri! Kampala orders take 5-7 days.', { memberName: null }), [])).toEqual({ kind: 'keep' });
  });
});
