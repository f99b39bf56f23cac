import { describe, expect, it } from 'vitest';
import type { DraftRequest } from '../../../../src/core/ports.js';
import { checkDraftText } from '../../../../src/core/safety/output-checks.js';
import type { ReplyDraftKind, KnowledgePassage } from '../../../../src/core/types.js';
import { citedSources, describeMember, renderDraftSystemPrompt, toDraftResult } from '../../../../src/llm/openai/draft.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';

const prompts = loadPromptRegistry();

const passage = (chunkId: number, source: string, heading: string | null): KnowledgePassage => ({
  chunkId,
  source,
  heading,
  kind: 'document',
  question: null,
  text: `Passage ${chunkId}.`,
  language: null,
  score: 1,
});
const PASSAGES = [passage(1, 'faq.md', 'Hours'), passage(2, 'delivery.md', 'Times'), passage(3, 'delivery.md', 'Times')];

function request(kind: ReplyDraftKind, overrides: Partial<DraftRequest> = {}): DraftRequest {
  return {
    kind,
    message: {
      id: 1,
      communityId: 'alpha',
      chat: { platform: 'telegram', chatId: '-100' },
      chatTitle: null,
      platformMessageId: '1',
      author: { id: '42', displayName: 'Amina', isBot: false },
      text: 'Where is my order?',
      replyToMessageId: null,
      labels: null,
      sentAt: new Date('2025-03-01T09:30:00Z'),
    },
    labels: { language: 'en', isQuestion: kind === 'question', isNegative: kind === 'negative', severity: kind === 'negative' ? 2 : 0, reasons: [] },
    community: { id: 'alpha', name: 'Alpha Club', language: 'en' },
    recent: [],
    passages: PASSAGES,
    member: { isNew: false, complaintsThisMonth: 2, language: 'en' },
    maxLength: 4096,
    deskLanguage: 'en',
    ...overrides,
  };
}

describe('citedSources', () => {
  it('maps passage numbers to sources, dropping unknown numbers and repeats of the same source', () => {
    expect(citedSources(PASSAGES, [2, 7, 0, 1, 3, 2])).toEqual([
      { source: 'delivery.md', heading: 'Times' },
      { source: 'faq.md', heading: 'Hours' },
    ]);
  });
});

describe('describeMember', () => {
  it('tells the model about a new member and earlier complaints in plain words', () => {
    expect(describeMember(request('negative'))).toBe(
      'They are an established member. They have complained 2 times before in the last 30 days; be especially careful and concrete.',
    );
    expect(describeMember(request('question', { member: { isNew: true, complaintsThisMonth: 0, language: 'en' } }))).toBe('They joined the community recently.');
  });
});

describe('the draft prompts and the output checks', () => {
  // Replies that follow the prompt's rules must not read as a leak of the prompt itself.
  const typical: Record<ReplyDraftKind, string[]> = {
    question: [
      "Hi Amina! I'll check with the team and come back to you here shortly.",
      'Hi Amina, we are open 9:00–17:00, Monday to Friday.',
      "Hi Amina, I'm not sure about that one, so I've asked the team and we'll follow up here soon.",
    ],
    negative: [
      "Amina, thank you for telling us, and we're sorry about the delay. The team is looking into it and will follow up here. Could you send your order number in a private message?",
      "Sorry about this, Amina. We'll look into it with the team and get back to you in this chat.",
    ],
  };
  it.each(['question', 'negative'] as const)('lets typical %s replies through', (kind) => {
    const system = renderDraftSystemPrompt(prompts, request(kind)).text;
    for (const text of typical[kind]) {
      expect(checkDraftText(text, { platform: 'telegram', maxLength: 4096, allowedLinks: [], systemPrompts: [system] }).problems, text).toEqual([]);
    }
  });
});

describe('toDraftResult', () => {
  const prompt = renderDraftSystemPrompt(prompts, request('question'));
  const output = { reply: ' Hola Amina ', language: 'es', sources: [1], translation: 'Hello Amina', reason: 'From the FAQ.' };

  it('keeps the translation only when the reply is not in the desk language', () => {
    const result = toDraftResult(output, request('question'), { prompt, provider: 'openai', model: 'm' });
    expect(result).toMatchObject({ text: 'Hola Amina', language: 'es', translation: 'Hello Amina', sources: [{ source: 'faq.md', heading: 'Hours' }] });
    expect(result.reason).toBe('Question in en, drafted by m from 1 knowledge source: From the FAQ.');
    expect(toDraftResult({ ...output, language: 'en' }, request('question'), { prompt, provider: 'openai', model: 'm' }).translation).toBeNull();
  });
});
