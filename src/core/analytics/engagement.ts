/**
 * How Jamii's own posts (news and sparks) did: for each post sent, the replies to it, the
 * members' messages and distinct speakers in the hours after it, against the same hours of the
 * weeks before in that chat (its baseline). Grouped by what was posted — news by source, sparks
 * by kind (question or poll) — so a manager sees which sources and which starters work.
 */
import type { AnalyticsScope, Period } from './analytics-types.js';
import type { Platform } from '../types.js';

/** Hours after a post that count as its response. */
export const ENGAGEMENT_WINDOW_HOURS = 6;
/** Weeks before a post whose same hours make its baseline. */
export const ENGAGEMENT_BASELINE_WEEKS = 4;

/** One sent post with what followed it and what that chat usually sees in those hours. */
export interface PostEngagementRow {
  draftId: number;
  kind: 'news' | 'spark';
  platform: Platform;
  chatTitle: string | null;
  postedAt: Date;
  /** The news item's link and heading ("Feed › Item"), when the post has a source. */
  sourceUrl: string | null;
  sourceHeading: string | null;
  /** A spark's kind (`question` or `poll`) from the draft's details. */
  sparkKind: string | null;
  /** Messages replying to the post or in its thread within the window. */
  replies: number;
  /** Members' messages and distinct speakers in the chat within the window. */
  messages: number;
  speakers: number;
  /** The same window's averages over the baseline weeks. */
  baselineMessages: number;
  baselineSpeakers: number;
  /** Reactions to the post, where the platform reports them; null where unknown. */
  reactions: number | null;
}

/** Reads posts and their engagement; implemented over SQL in `engagement-repository.ts`. */
export interface EngagementRepository {
  /** Posts sent in `period` in the scope's chats, with `windowHours` of response and `baselineWeeks` of baseline. */
  posts(scope: AnalyticsScope, period: Period, windowHours: number, baselineWeeks: number): Promise<PostEngagementRow[]>;
}

/** One group of posts (a news source, or a kind of spark) and how it did on average. */
export interface EngagementGroup {
  /** `news` or `spark`. */
  kind: 'news' | 'spark';
  /** The source (feed title or host) for news; `question` or `poll` for sparks. */
  label: string;
  posts: number;
  /** Posts whose response window has not ended yet (their numbers are still growing). */
  open: number;
  replies: number;
  messages: number;
  speakers: number;
  baselineMessages: number;
  baselineSpeakers: number;
  /** Messages after the posts over their baseline (1 = as usual); null without a baseline. */
  lift: number | null;
  reactions: number | null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** The group a post counts in: news by feed (the heading before "›") or host; sparks by kind. */
export function groupLabel(row: Pick<PostEngagementRow, 'kind' | 'sourceUrl' | 'sourceHeading' | 'sparkKind'>): string {
  if (row.kind === 'spark') return row.sparkKind ?? 'question';
  const feed = row.sourceHeading?.includes('›') ? row.sourceHeading.split('›')[0]!.trim() : '';
  return feed || (row.sourceUrl ? hostOf(row.sourceUrl) : null) || 'unknown source';
}

/** Groups posts, best lift first (groups without a baseline last). */
export function summarizeEngagement(rows: readonly PostEngagementRow[], now: Date, windowHours = ENGAGEMENT_WINDOW_HOURS): EngagementGroup[] {
  const groups = new Map<string, EngagementGroup>();
  for (const row of rows) {
    const label = groupLabel(row);
    const key = `${row.kind}:${label}`;
    const g = groups.get(key) ?? { kind: row.kind, label, posts: 0, open: 0, replies: 0, messages: 0, speakers: 0, baselineMessages: 0, baselineSpeakers: 0, lift: null, reactions: null };
    g.posts += 1;
    if (row.postedAt.getTime() + windowHours * 3_600_000 > now.getTime()) g.open += 1;
    g.replies += row.replies;
    g.messages += row.messages;
    g.speakers += row.speakers;
    g.baselineMessages += row.baselineMessages;
    g.baselineSpeakers += row.baselineSpeakers;
    if (row.reactions !== null) g.reactions = (g.reactions ?? 0) + row.reactions;
    groups.set(key, g);
  }
  for (const g of groups.values()) g.lift = g.baselineMessages > 0 ? g.messages / g.baselineMessages : null;
  return [...groups.values()].sort((a, b) => (b.lift ?? -1) - (a.lift ?? -1) || b.replies - a.replies || a.label.localeCompare(b.label));
}
