/**
 * The analytics port and the rows it returns. Every metric is computed from Jamii's own
 * tables; the repository does the counting that SQL does well, the core the rest.
 */
import type { Platform } from '../types.js';

/** A half-open time range `[from, to)`, with the label a manager typed or sees. */
export interface Period {
  from: Date;
  to: Date;
  label: string;
}

/** Which chats a report covers: always some communities, optionally one platform or one chat. */
export interface AnalyticsScope {
  communityIds: string[];
  platform?: Platform | undefined;
  /** A platform chat id or a chat title (case-insensitive). */
  chat?: string | undefined;
}

export interface MemberFlow {
  joined: number;
  left: number;
}

export interface DailyMemberFlow {
  /** `YYYY-MM-DD` in the report's time zone. */
  day: string;
  joined: number;
  left: number;
}

export interface DailyActivity {
  /** `YYYY-MM-DD` in the report's time zone. */
  day: string;
  messages: number;
  activeMembers: number;
}

export interface HourOfWeekCount {
  /** 0 = Sunday … 6 = Saturday, in the report's time zone. */
  dow: number;
  hour: number;
  messages: number;
}

export interface ActivityRows {
  daily: DailyActivity[];
  hourOfWeek: HourOfWeekCount[];
  totalMessages: number;
  /** Distinct speakers over the whole period (not the sum of the daily counts). */
  activeMembers: number;
}

/** A question or a complaint, with the first responses Jamii can see for it. */
export interface AttentionRow {
  messageId: number;
  platform: Platform;
  chatTitle: string | null;
  authorName: string;
  text: string;
  createdAt: Date;
  isQuestion: boolean;
  isNegative: boolean;
  severity: number;
  draftId: number | null;
  draftStatus: string | null;
  decidedByName: string | null;
  /** When the approved reply was sent, and its text. */
  botReplyAt: Date | null;
  botReplyText: string | null;
  /** The first reply (or thread answer) by someone else, including drafts' "answered by a member". */
  memberReplyAt: Date | null;
  memberReplyName: string | null;
  memberReplyText: string | null;
  /** The author's later messages within the follow-up window, oldest first. */
  followUps: Array<{ createdAt: Date; isNegative: boolean; severity: number; topic: string | null }>;
  /** A leave event of the author in that chat after the message. */
  leftAt: Date | null;
}

export interface DraftDecisionRow {
  status: string;
  edited: boolean;
  createdAt: Date;
  decidedAt: Date | null;
  /** Who decided: one key per person (ids linked in `people:` share one), and the name to show. */
  decider?: { key: string; name: string } | null | undefined;
}

export interface TopicCount {
  topic: string;
  count: number;
}

/** Reads analytics rows; implemented over SQL in `src/db/repositories/analytics-repository.ts`. */
export interface AnalyticsRepository {
  memberFlow(scope: AnalyticsScope, period: Period): Promise<MemberFlow>;
  /** Joins and leaves per local day (days without any are absent). */
  memberFlowByDay(scope: AnalyticsScope, period: Period, timeZone: string): Promise<DailyMemberFlow[]>;
  activity(scope: AnalyticsScope, period: Period, timeZone: string): Promise<ActivityRows>;
  /** Questions and complaints posted in the period; `followUpDays` bounds `followUps`. */
  attention(scope: AnalyticsScope, period: Period, followUpDays: number): Promise<AttentionRow[]>;
  draftDecisions(scope: AnalyticsScope, period: Period): Promise<DraftDecisionRow[]>;
  /** `labels.topic` counts, most frequent first. */
  topics(scope: AnalyticsScope, period: Period, limit: number): Promise<TopicCount[]>;
  /** Texts of members' messages (for the content-word fallback when nothing carries a topic). */
  sampleTexts(scope: AnalyticsScope, period: Period, limit: number): Promise<string[]>;
  /** When the oldest draft still waiting for a decision was created (any community); null when none. */
  oldestPendingDraftAt(): Promise<Date | null>;
  /**
   * Titles (or platform ids, for a chat without a title) of the chats in `scope`, its `chat`
   * filter applied, alphabetically, up to `limit`: empty when the named chat matches none.
   */
  chatNames(scope: AnalyticsScope, limit: number): Promise<string[]>;
  /** True when an outbox row with one of these dedupe keys exists (a report already posted). */
  anyPosted(dedupeKeys: string[]): Promise<boolean>;
}
