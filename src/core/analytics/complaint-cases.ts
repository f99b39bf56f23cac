/**
 * The complaint handling report: each piece of negative feedback followed from detection to
 * first acknowledgement, who handled it and what was said, and what the member did next.
 */
import type { AttentionRow } from './analytics-types.js';
import { secondsBetween, spread, type Spread } from './stats-math.js';

/** The first response a question or complaint received. */
export interface FirstResponse {
  at: Date;
  /** `bot` for an approved reply Jamii sent; `member` for someone else's reply in the chat. */
  via: 'bot' | 'member';
  /** Who handled it: the approving manager for a bot reply, the replying member otherwise. */
  by: string;
  text: string | null;
}

/** Earliest of the sent reply and a member's reply; null when nobody answered yet. */
export function firstResponse(row: AttentionRow): FirstResponse | null {
  const bot: FirstResponse | null = row.botReplyAt
    ? { at: row.botReplyAt, via: 'bot', by: row.decidedByName ? `Jamii (approved by ${row.decidedByName})` : 'Jamii', text: row.botReplyText }
    : null;
  const member: FirstResponse | null = row.memberReplyAt ? { at: row.memberReplyAt, via: 'member', by: row.memberReplyName ?? 'a member', text: row.memberReplyText } : null;
  if (bot && member) return member.at.getTime() < bot.at.getTime() ? member : bot;
  return bot ?? member;
}

export type FollowUpTone = 'none' | 'calmer' | 'still_negative';

export interface ComplaintCase {
  messageId: number;
  /** The draft written for it (what /show takes), null when none was. */
  draftId: number | null;
  author: string;
  where: string;
  text: string;
  severity: number;
  detectedAt: Date;
  acknowledgement: FirstResponse | null;
  /** Seconds from the complaint to its acknowledgement. */
  secondsToAcknowledge: number | null;
  /** How many times the member wrote again within the follow-up window. */
  laterMessages: number;
  /** The tone of the member's last message in the window. */
  tone: FollowUpTone;
  stayed: boolean;
  /** Not acknowledged, or the member is still negative afterwards. */
  needsAttention: boolean;
}

export function complaintCase(row: AttentionRow): ComplaintCase {
  const ack = firstResponse(row);
  const last = row.followUps.at(-1);
  const tone: FollowUpTone = !last ? 'none' : last.isNegative ? 'still_negative' : 'calmer';
  return {
    messageId: row.messageId,
    draftId: row.draftId,
    author: row.authorName,
    where: row.chatTitle ? `${row.platform} · ${row.chatTitle}` : row.platform,
    text: row.text,
    severity: row.severity,
    detectedAt: row.createdAt,
    acknowledgement: ack,
    secondsToAcknowledge: ack ? secondsBetween(row.createdAt, ack.at) : null,
    laterMessages: row.followUps.length,
    tone,
    stayed: row.leftAt === null,
    needsAttention: ack === null || tone === 'still_negative',
  };
}

export interface ComplaintSummary {
  total: number;
  acknowledged: number;
  open: number;
  /** Acknowledged by an approved bot reply / by a member or manager writing in the chat. */
  byBot: number;
  byMember: number;
  acknowledgeTime: Spread;
  wroteAgain: number;
  calmer: number;
  stillNegative: number;
  left: number;
  needsAttention: number;
}

export function summarizeComplaints(cases: readonly ComplaintCase[]): ComplaintSummary {
  const acked = cases.filter((c) => c.acknowledgement !== null);
  return {
    total: cases.length,
    acknowledged: acked.length,
    open: cases.length - acked.length,
    byBot: acked.filter((c) => c.acknowledgement?.via === 'bot').length,
    byMember: acked.filter((c) => c.acknowledgement?.via === 'member').length,
    acknowledgeTime: spread(acked.map((c) => c.secondsToAcknowledge ?? 0)),
    wroteAgain: cases.filter((c) => c.laterMessages > 0).length,
    calmer: cases.filter((c) => c.tone === 'calmer').length,
    stillNegative: cases.filter((c) => c.tone === 'still_negative').length,
    left: cases.filter((c) => !c.stayed).length,
    needsAttention: cases.filter((c) => c.needsAttention).length,
  };
}
