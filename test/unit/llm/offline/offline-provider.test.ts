import { describe, expect, it } from 'vitest';
import type { DraftRequest } from '../../../../src/core/ports.js';
import type { DraftKind, Labels } from '../../../../src/core/types.js';
import { createOfflineProvider, OFFLINE_PROVIDER_NAME } from '../../../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';

const prompts = loadPromptRegistry();
const provider = createOfflineProvider({ prompts });

function request(kind: DraftKind, labels: Partial<Labels>, communityLanguage = 'en'): DraftRequest {
  return {
    kind,
    labels: { language: 'en', isQuestion: kind === 'question', isNegative: kind === 'negative', severity: kind === 'negative' ? 2 : 0, reasons: ['asks with a question mark'], ...labels },
    community: { id: 'alpha', name: 'Alpha Club', language: communityLanguage },
    message: {
      id: 7,
      communityId: 'alpha',
      chat: { platform: 'sandbox', chatId: 'general' },
      chatTitle: null,
      platformMessageId: 'm-7',
      author: { id: 'amina', displayName: 'Amina', isBot: false },
      text: '...',
      replyToMessageId: null,
      labels: null,
      sentAt: new Date('2025-03-01T09:30:00Z'),
    },
    recent: [],
    passages: [],
    member: { isNew: false, complaintsThisMonth: 0, language: labels.language ?? 'en' },
    maxLength: 1900,
    deskLanguage: communityLanguage,
  };
}

describe('offline provider: drafting', () => {
  const holding = {
    en: /^Thanks for your question, Amina!/,
    ru: /^Amina, спасибо за вопрос!/,
    sw: /^Asante kwa swali lako, Amina!/,
    es: /^¡Gracias por tu pregunta, Amina!/,
  };
  const apology = {
    en: /^Amina, we're sorry about this/,
    ru: /^Amina, нам очень жаль/,
    sw: /^Amina, samahani sana/,
    es: /^Amina, sentimos mucho/,
  };

  it.each(Object.keys(holding) as Array<keyof typeof holding>)('drafts a holding reply to a question in the member’s language (%s)', async (language) => {
    const result = await provider.draft(request('question', { language }));
    expect(result.text).toMatch(holding[language]);
    expect(result.language).toBe(language);
  });

  it.each(Object.keys(apology) as Array<keyof typeof apology>)('drafts an acknowledgement and next step for a complaint in the member’s language (%s)', async (language) => {
    const result = await provider.draft(request('negative', { language }, 'en'));
    expect(result.text).toMatch(apology[language]);
    expect(result.language).toBe(language);
  });

  it('falls back to the community language when the member’s language has no template', async () => {
    const result = await provider.draft(request('question', { language: 'fr' }, 'es'));
    expect(result).toMatchObject({ language: 'es' });
    expect(result.text).toMatch(holding.es);
  });

  it('falls back to English when neither the member’s nor the community’s language has a template', async () => {
    const result = await provider.draft(request('negative', { language: 'fr' }, 'de'));
    expect(result).toMatchObject({ language: 'en' });
    expect(result.text).toMatch(apology.en);
  });

  it('records the prompt name, version and provider that produced the draft', async () => {
    const q = await provider.draft(request('question', {}));
    const n = await provider.draft(request('negative', {}));
    expect(q).toMatchObject({ promptName: 'offline-question', promptVersion: prompts.get('offline-question').version, provider: OFFLINE_PROVIDER_NAME });
    expect(n).toMatchObject({ promptName: 'offline-negative', promptVersion: prompts.get('offline-negative').version, provider: 'offline' });
  });

  it('explains why it drafted: the kind, severity, language and the labeler’s evidence', async () => {
    const q = await provider.draft(request('question', { language: 'ru', reasons: ['asks with a question mark'] }));
    expect(q.reason).toBe('Question in ru: asks with a question mark.');
    const n = await provider.draft(request('negative', { language: 'es', severity: 3, reasons: ['complaint vocabulary: "estafa"'] }));
    expect(n.reason).toBe('Negative feedback (severity 3/3) in es: complaint vocabulary: "estafa".');
  });

  it('still gives a reason when the labels carry no evidence', async () => {
    expect((await provider.draft(request('question', { reasons: [] }))).reason).toBe('Question in en: labelled by rules.');
  });

  it('leaves no unfilled {{placeholders}} in any draft', async () => {
    for (const kind of ['question', 'negative'] as const) {
      for (const language of ['en', 'ru', 'sw', 'es']) expect((await provider.draft(request(kind, { language }))).text).not.toMatch(/\{\{|\}\}/);
    }
  });
});

describe('offline provider: classify', () => {
  it('labels with the rules, using the community language when the text gives no evidence', async () => {
    expect(await provider.classify('👍', { communityLanguage: 'sw' })).toMatchObject({ language: 'sw', isQuestion: false, isNegative: false });
    expect(await provider.classify('¿Dónde está la tienda?', { communityLanguage: 'en' })).toMatchObject({ language: 'es', isQuestion: true });
  });
});
