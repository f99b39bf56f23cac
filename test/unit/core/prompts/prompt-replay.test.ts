import { describe, expect, it } from 'vitest';
import type { DryDraft } from '../../../../src/core/prompts/prompt-dry-run.js';
import { formatReplayReport, summarizeReplay, type ReplayComparison } from '../../../../src/core/prompts/prompt-replay.js';
import type { Labels, StoredMessage } from '../../../../src/core/types.js';

const question: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: [] };
const chatter: Labels = { ...question, isQuestion: false };
const complaint: Labels = { ...question, isQuestion: false, isNegative: true, severity: 2 };

const dry = (labels: Labels, text: string | null, promptName = 'model-draft-question'): DryDraft => ({
  labels,
  draft: text === null ? null : { text, flags: [], result: { text, reason: 'r', language: 'en', promptName, promptVersion: 'v', provider: 'openai' } },
});

const message = (id: number, text: string): StoredMessage => ({
  id,
  communityId: 'alpha',
  chat: { platform: 'sandbox', chatId: 'general' },
  chatTitle: null,
  platformMessageId: String(id),
  author: { id: `u${id}`, displayName: `Member ${id}`, isBot: false },
  text,
  replyToMessageId: null,
  labels: null,
  sentAt: new Date(0),
});

describe('a replay summary', () => {
  const comparisons: ReplayComparison[] = [
    { message: message(1, 'Where is my order?'), baseline: dry(question, 'We will check.'), candidate: dry(question, 'Ahoy, we will check.'), sent: 'Ahoy, we will check today.' },
    { message: message(2, 'Nice weather'), baseline: dry(question, 'Thanks!'), candidate: dry(chatter, null), sent: null },
    { message: message(3, 'This is broken'), baseline: dry(complaint, 'Sorry!'), candidate: dry(complaint, 'Sorry!'), sent: 'Sorry!' },
  ];

  it('counts differing drafts, closeness to what was sent, and label changes', () => {
    const report = summarizeReplay('model-draft-question', comparisons, 1);
    expect(report).toMatchObject({ total: 4, failed: 1, differ: 2, candidateDrafts: 2, baselineDrafts: 3, candidateUsed: 2, decided: 2, closer: 1, farther: 0 });
    expect(report.labelChanges).toEqual([{ from: 'question', to: 'no reply needed', count: 1 }]);
    expect(report.samples.map((s) => s.message.id)).toEqual([1, 2]);
    expect(report.meanDistance.candidate!).toBeLessThan(report.meanDistance.baseline!);
  });

  it('reads as a report with samples side by side', () => {
    const text = formatReplayReport('🔁 Replay', 'model-draft-question', summarizeReplay('model-draft-question', comparisons, 0));
    expect(text).toContain('Drafts that would differ: 2 of 3 (drafts written: candidate 2, baseline 3).');
    expect(text).toContain('Labels that would change: question → no reply needed ×1.');
    expect(text).toContain('• Member 2: "Nice weather"\n   baseline: Thanks!\n   candidate: (no draft)');
    expect(text.endsWith('Nothing was posted to members and no draft was stored.')).toBe(true);
  });
});
