/**
 * Quality per prompt version, from what managers did with its drafts: how many were approved
 * (as drafted or after an edit) out of those decided, how far the posted text is from the draft
 * (normalised edit distance; 0 when approved as drafted), and why drafts were rejected.
 */
import type { DraftOutcome } from './prompt-ports.js';
import { normalizedEditDistance } from './text-distance.js';
import { plural } from '../plural.js';

/** Rejection reasons shown per version. */
export const TOP_REJECTION_REASONS = 3;
export const NO_REASON_GIVEN = '(no reason given)';

export interface PromptQuality {
  version: string;
  drafts: number;
  pending: number;
  expired: number;
  /** Approved as drafted. */
  approved: number;
  /** Approved after an edit. */
  edited: number;
  rejected: number;
  /** (approved + edited) / decided; null before any decision. */
  approvalRate: number | null;
  /** Mean normalised edit distance from draft to posted text over approved drafts; null when none. */
  meanEditDistance: number | null;
  rejectionReasons: Array<{ reason: string; count: number }>;
}

function blank(version: string): PromptQuality {
  return { version, drafts: 0, pending: 0, expired: 0, approved: 0, edited: 0, rejected: 0, approvalRate: null, meanEditDistance: null, rejectionReasons: [] };
}

/** Figures per version, in the order the versions first appear in `outcomes` (newest first from the repository). */
export function qualityByVersion(outcomes: readonly DraftOutcome[]): PromptQuality[] {
  const byVersion = new Map<string, { quality: PromptQuality; distances: number[]; reasons: Map<string, number> }>();
  for (const o of outcomes) {
    let entry = byVersion.get(o.promptVersion);
    if (!entry) {
      entry = { quality: blank(o.promptVersion), distances: [], reasons: new Map() };
      byVersion.set(o.promptVersion, entry);
    }
    const q = entry.quality;
    q.drafts++;
    switch (o.status) {
      case 'pending':
        q.pending++;
        break;
      case 'expired':
        q.expired++;
        break;
      case 'rejected': {
        q.rejected++;
        const reason = o.decisionNote?.trim() || NO_REASON_GIVEN;
        entry.reasons.set(reason, (entry.reasons.get(reason) ?? 0) + 1);
        break;
      }
      case 'approved':
      case 'edited':
      case 'sent': {
        const distance = normalizedEditDistance(o.originalText.trim(), o.text.trim());
        if (distance === 0) q.approved++;
        else q.edited++;
        entry.distances.push(distance);
        break;
      }
    }
  }
  return [...byVersion.values()].map(({ quality, distances, reasons }) => {
    const decided = quality.approved + quality.edited + quality.rejected;
    return {
      ...quality,
      approvalRate: decided === 0 ? null : (quality.approved + quality.edited) / decided,
      meanEditDistance: distances.length === 0 ? null : distances.reduce((a, b) => a + b, 0) / distances.length,
      rejectionReasons: [...reasons.entries()]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
        .slice(0, TOP_REJECTION_REASONS),
    };
  });
}

export const percent = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const distance = (x: number | null): string => (x === null ? '—' : x.toFixed(2));

/** One line per version: counts, approval rate, mean edit distance, top rejection reasons. */
export function formatQuality(q: PromptQuality): string {
  const counts = `${plural(q.drafts, 'draft')}: ${q.approved} approved as drafted, ${q.edited} edited, ${q.rejected} rejected, ${q.pending} pending, ${q.expired} expired`;
  const reasons = q.rejectionReasons.length === 0 ? '' : `; rejected for: ${q.rejectionReasons.map((r) => `"${r.reason}" ×${r.count}`).join(', ')}`;
  return `${q.version} — ${counts}; approval ${percent(q.approvalRate)}, mean edit distance ${distance(q.meanEditDistance)}${reasons}`;
}
