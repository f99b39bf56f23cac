import { describe, expect, it } from 'vitest';
import type { DraftOutcome } from '../../../../src/core/prompts/prompt-ports.js';
import { formatQuality, NO_REASON_GIVEN, qualityByVersion } from '../../../../src/core/prompts/prompt-quality.js';

const outcome = (promptVersion: string, status: DraftOutcome['status'], text = 'abcd', originalText = 'abcd', decisionNote: string | null = null): DraftOutcome => ({
  promptVersion,
  status,
  originalText,
  text,
  decisionNote,
});

describe('quality per prompt version', () => {
  it('computes approval rate over decided drafts and mean edit distance over approved ones', () => {
    const [c2, file] = qualityByVersion([
      outcome('c2+aaaaaaa', 'sent'),
      outcome('c2+aaaaaaa', 'sent', 'abXY'),
      outcome('c2+aaaaaaa', 'rejected', 'abcd', 'abcd', 'wrong tone'),
      outcome('c2+aaaaaaa', 'rejected', 'abcd', 'abcd', 'wrong tone'),
      outcome('c2+aaaaaaa', 'rejected', 'abcd', 'abcd', '  '),
      outcome('c2+aaaaaaa', 'pending'),
      outcome('c2+aaaaaaa', 'expired'),
      outcome('1+bbbbbbb', 'approved'),
    ]);
    expect(c2).toEqual({
      version: 'c2+aaaaaaa',
      drafts: 7,
      pending: 1,
      expired: 1,
      approved: 1,
      edited: 1,
      rejected: 3,
      approvalRate: 2 / 5,
      meanEditDistance: (0 + 2 / 4) / 2,
      rejectionReasons: [
        { reason: 'wrong tone', count: 2 },
        { reason: NO_REASON_GIVEN, count: 1 },
      ],
    });
    expect(file).toMatchObject({ version: '1+bbbbbbb', drafts: 1, approved: 1, approvalRate: 1, meanEditDistance: 0 });
  });

  it('has no rate or distance before any decision', () => {
    const [q] = qualityByVersion([outcome('c1+aaaaaaa', 'pending')]);
    expect(q).toMatchObject({ approvalRate: null, meanEditDistance: null });
    expect(formatQuality(q!)).toBe('c1+aaaaaaa — 1 draft: 0 approved as drafted, 0 edited, 0 rejected, 1 pending, 0 expired; approval —, mean edit distance —');
  });

  it('reads as one line with the top rejection reasons', () => {
    const [q] = qualityByVersion([outcome('c1+aaaaaaa', 'sent', 'abcX'), outcome('c1+aaaaaaa', 'rejected', '', '', 'too long')]);
    expect(formatQuality(q!)).toBe(
      'c1+aaaaaaa — 2 drafts: 0 approved as drafted, 1 edited, 1 rejected, 0 pending, 0 expired; approval 50%, mean edit distance 0.25; rejected for: "too long" ×1',
    );
  });
});
