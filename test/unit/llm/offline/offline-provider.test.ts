import { describe, expect, it } from 'vitest';
import type { DraftRequest } from '../../../../src/core/ports.js';
import type { ReplyDraftKind, KnowledgePassage, Labels } from '../../../../src/core/types.js';
import { OFFLINE_ANSWER_MAX_CHARS } from '../../../../src/llm/offline/knowledge-answer.js';
import { createOfflineProvider, OFFLINE_PROVIDER_NAME } from '../../../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';

const prompts = loadPromptRegistry();
const provider = createOfflineProvider({ prompts });

function request(kind: ReplyDraftKind, labels: Partial<Labels>, communityLanguage = 'en'): DraftRequest {
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
    de: /^Danke für deine Frage, Amina!/,
    fr: /^Merci pour ta question, Amina !/,
    pt: /^Obrigado pela sua pergunta, Amina!/,
    ar: /^شكرًا على سؤالك يا Amina!/,
  };
  const apology = {
    en: /^Amina, we're sorry about this/,
    ru: /^Amina, нам очень жаль/,
    sw: /^Amina, samahani sana/,
    es: /^Amina, sentimos mucho/,
    de: /^Amina, das tut uns leid/,
    fr: /^Amina, nous sommes désolés/,
    pt: /^Amina, sentimos muito/,
    ar: /^Amina، نأسف جدًا/,
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

  it('falls back to the community language when the member’s language has no template, and says so', async () => {
    const result = await provider.draft(request('question', { language: 'it' }, 'es'));
    expect(result).toMatchObject({ language: 'es' });
    expect(result.text).toMatch(holding.es);
    expect(result.reason).toContain('The template has no it section: written in es.');
  });

  it('falls back to English when neither the member’s nor the community’s language has a template', async () => {
    const result = await provider.draft(request('negative', { language: 'it' }, 'tr'));
    expect(result).toMatchObject({ language: 'en' });
    expect(result.text).toMatch(apology.en);
    expect(result.reason).toContain('The template has no it section: written in en.');
  });

  it('does not mention a fallback when the template has the member’s language', async () => {
    expect((await provider.draft(request('question', { language: 'de' }, 'en'))).reason).not.toContain('has no');
  });

  it.each([
    ['de', 'Wie lange dauert der Versand nach Wien?', holding.de],
    ['fr', "Quelqu'un sait quand arrivent les soldes", holding.fr],
    ['pt', 'Vocês entregam em Curitiba?', holding.pt],
    ['ar', 'متى يصل الطلب؟', holding.ar],
  ])('answers a %s question, in an English community, in the member’s language', async (language, text, reply) => {
    const labels = await provider.classify(text, { communityLanguage: 'en' });
    expect(labels).toMatchObject({ language, isQuestion: true });
    const result = await provider.draft({ ...request('question', labels, 'en'), message: { ...request('question', labels).message, text } });
    expect(result).toMatchObject({ language });
    expect(result.text).toMatch(reply);
  });

  it('records the prompt name, version and provider that produced the draft', async () => {
    const q = await provider.draft(request('question', {}));
    const n = await provider.draft(request('negative', {}));
    expect(q).toMatchObject({ promptName: 'offline-question', promptVersion: prompts.get('offline-question').version, provider: OFFLINE_PROVIDER_NAME });
    expect(n).toMatchObject({ promptName: 'offline-negative', promptVersion: prompts.get('offline-negative').version, provider: 'offline' });
  });

  it('explains why it drafted: the kind, severity, language and the labeler’s evidence', async () => {
    const q = await provider.draft(request('question', { language: 'ru', reasons: ['asks with a question mark'] }, 'ru'));
    expect(q.reason).toBe('Question in ru: asks with a question mark. Nothing in the knowledge base answers it: edit in the answer, and approving teaches Jamii for next time.');
    const n = await provider.draft(request('negative', { language: 'es', severity: 3, reasons: ['complaint vocabulary: "estafa"'] }, 'es'));
    expect(n.reason).toBe('Negative feedback (severity 3/3) in es: complaint vocabulary: "estafa".');
  });

  it('says when the draft is in a language the desk does not read, since it cannot translate', async () => {
    const q = await provider.draft(request('question', { language: 'sw' }, 'en'));
    expect(q.reason).toContain('Written in sw; the offline provider cannot translate it for the desk.');
    expect(q.translation).toBeNull();
  });

  it('still gives a reason when the labels carry no evidence', async () => {
    expect((await provider.draft(request('question', { reasons: [] }))).reason).toMatch(/^Question in en: labelled by rules\./);
  });

  it('leaves no unfilled {{placeholders}} in any draft', async () => {
    for (const kind of ['question', 'negative'] as const) {
      for (const language of Object.keys(holding)) expect((await provider.draft(request(kind, { language }))).text).not.toMatch(/\{\{|\}\}/);
    }
  });
});

describe('offline provider: classify', () => {
  it('labels with the rules, using the community language when the text gives no evidence', async () => {
    expect(await provider.classify('👍', { communityLanguage: 'sw' })).toMatchObject({ language: 'sw', isQuestion: false, isNegative: false });
    expect(await provider.classify('¿Dónde está la tienda?', { communityLanguage: 'en' })).toMatchObject({ language: 'es', isQuestion: true });
  });
});

describe('offline provider: answers from the knowledge base', () => {
  const passage = (over: Partial<KnowledgePassage>): KnowledgePassage => ({
    chunkId: 1,
    kind: 'faq',
    source: 'faq.md',
    heading: 'Duka FAQ › How long does delivery take?',
    question: 'How long does delivery take?',
    text: 'Orders inside Nairobi arrive in 1-2 working days. The rest of Kenya takes 3-5 days.',
    language: 'en',
    score: 0.8,
    ...over,
  });
  const asking = (text: string, passages: KnowledgePassage[], language = 'en', communityLanguage = 'en'): DraftRequest => {
    const r = request('question', { language }, communityLanguage);
    return { ...r, message: { ...r.message, text }, passages };
  };

  it('quotes a well-matching FAQ answer and cites it', async () => {
    const result = await provider.draft(asking('how long does delivery take to Nakuru?', [passage({})]));
    expect(result.text).toBe('Hi Amina! Orders inside Nairobi arrive in 1-2 working days. The rest of Kenya takes 3-5 days.');
    expect(result.sources).toEqual([{ source: 'faq.md', heading: 'Duka FAQ › How long does delivery take?' }]);
    expect(result.promptName).toBe('offline-answer');
    expect(result.reason).toContain('Answered from faq.md › Duka FAQ › How long does delivery take? (match 0.80).');
  });

  it('takes the sentences of a document section that share the question’s words', async () => {
    const doc = passage({
      kind: 'document',
      source: 'app/troubleshooting.md',
      heading: 'Troubleshooting › Payments',
      question: null,
      text: 'We accept cards and M-Pesa. Card payments that fail with code 51 mean insufficient funds. Refunds go back to the same card.',
    });
    const result = await provider.draft(asking('my card payment failed with code 51', [doc]));
    expect(result.text).toBe('Hi Amina! Card payments that fail with code 51 mean insufficient funds.');
  });

  it('answers in the member’s language from a passage in that language', async () => {
    const ru = passage({ source: 'faq.ru.md', heading: 'Сколько идёт доставка?', question: 'Сколько идёт доставка?', text: 'По Москве доставка занимает 1-2 дня.', language: 'ru' });
    const result = await provider.draft(asking('сколько идёт доставка?', [passage({ score: 0.9 }), ru], 'ru', 'en'));
    expect(result.text).toBe('Amina, здравствуйте! По Москве доставка занимает 1-2 дня.');
    expect(result.language).toBe('ru');
  });

  it('drafts a holding reply when the only good passage is in another language, or matches too weakly', async () => {
    const onlyEnglish = await provider.draft(asking('сколько идёт доставка?', [passage({})], 'ru', 'en'));
    expect(onlyEnglish.promptName).toBe('offline-question');
    expect(onlyEnglish.sources).toEqual([]);
    const weak = await provider.draft(asking('how long does delivery take?', [passage({ score: 0.35 })]));
    expect(weak.promptName).toBe('offline-question');
    expect(weak.reason).toContain('related passage (faq.md › Duka FAQ › How long does delivery take?, match 0.35), not close enough to quote');
  });

  it('quotes nothing when two passages in the member’s language match about equally, and says which on the card', async () => {
    const what = passage({ chunkId: 2, heading: 'Duka FAQ › What is Duka Plus?', question: 'What is Duka Plus?', text: 'Duka Plus is our membership.', score: 0.46 });
    const cancel = passage({ chunkId: 3, heading: 'Duka FAQ › How do I cancel Duka Plus?', question: 'How do I cancel Duka Plus?', text: 'Turn off auto-renewal.', score: 0.44 });
    const result = await provider.draft(asking('what comes with Duka Plus?', [what, cancel]));
    expect(result.promptName).toBe('offline-question');
    expect(result.reason).toContain('Two passages match about equally (faq.md › Duka FAQ › What is Duka Plus?, match 0.46; faq.md › Duka FAQ › How do I cancel Duka Plus?, match 0.44)');
    // A clear winner is still quoted, and a runner-up in another language does not count.
    expect((await provider.draft(asking('what comes with Duka Plus?', [what, { ...cancel, score: 0.2 }]))).promptName).toBe('offline-answer');
    expect((await provider.draft(asking('what comes with Duka Plus?', [what, { ...cancel, language: 'de' }]))).promptName).toBe('offline-answer');
  });

  it('never quotes knowledge into a reply to a complaint', async () => {
    const result = await provider.draft({ ...request('negative', { language: 'en' }), passages: [passage({ score: 0.95 })] });
    expect(result.promptName).toBe('offline-negative');
  });

  it('clips a long answer at a sentence boundary', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} about delivery.`).join(' ');
    const result = await provider.draft(asking('delivery?', [passage({ text: long })]));
    expect(result.text.length).toBeLessThanOrEqual(OFFLINE_ANSWER_MAX_CHARS + 'Hi Amina! '.length);
    expect(result.text.endsWith('about delivery.')).toBe(true);
  });
});
