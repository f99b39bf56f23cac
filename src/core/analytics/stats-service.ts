/**
 * Builds a community health snapshot for a period from the analytics repository: growth,
 * activity, questions and complaints with response times, draft decisions, top topics.
 */
import type { ActivityRows, AnalyticsRepository, AnalyticsScope, DraftDecisionRow, MemberFlow, Period, TopicCount } from './analytics-types.js';
import { complaintCase, firstResponse, summarizeComplaints, type ComplaintCase, type ComplaintSummary } from './complaint-cases.js';
import { secondsBetween, spread, type Spread } from './stats-math.js';
import { contentWordTopics } from './topics.js';

/** Days after a complaint in which the member's next messages count as its follow-up. */
export const COMPLAINT_FOLLOW_UP_DAYS = 7;
export const TOP_TOPICS = 5;
/** Member messages read for the content-word topic fallback. */
export const TOPIC_SAMPLE_MESSAGES = 2_000;

export interface QuestionStats {
  asked: number;
  answered: number;
  answeredByBot: number;
  answeredByMember: number;
  unanswered: number;
  firstResponse: Spread;
}

export interface DraftStats {
  created: number;
  approved: number;
  edited: number;
  rejected: number;
  expired: number;
  pending: number;
  /** Draft created → approved or edited. */
  approvalLatency: Spread;
  /** Decisions (approve, edit, reject) per manager, a person on several platforms counted once; most first. */
  byManager: Array<{ name: string; decisions: number }>;
}

export interface StatsSnapshot {
  period: Period;
  timeZone: string;
  members: MemberFlow & { net: number };
  activity: ActivityRows;
  questions: QuestionStats;
  complaints: ComplaintSummary;
  /** The cases behind `complaints`, oldest first. */
  complaintCases: ComplaintCase[];
  drafts: DraftStats;
  topics: TopicCount[];
  /** Where the topics came from. */
  topicSource: 'labels' | 'words';
}

/** The system's own approvals (auto-posted news) are no manager's. */
const SYSTEM_DECIDER = /^jamii:/;

function decisionsByManager(rows: readonly DraftDecisionRow[]): DraftStats['byManager'] {
  const counts = new Map<string, { name: string; decisions: number }>();
  for (const r of rows) {
    if (!r.decider || r.decidedAt === null || r.status === 'expired' || SYSTEM_DECIDER.test(r.decider.key)) continue;
    const entry = counts.get(r.decider.key) ?? { name: r.decider.name, decisions: 0 };
    entry.decisions += 1;
    counts.set(r.decider.key, entry);
  }
  return [...counts.values()].sort((a, b) => b.decisions - a.decisions || a.name.localeCompare(b.name));
}

export function draftStats(rows: readonly DraftDecisionRow[]): DraftStats {
  const decidedOk = rows.filter((r) => r.decidedAt !== null && ['approved', 'edited', 'sent'].includes(r.status));
  return {
    created: rows.length,
    approved: decidedOk.filter((r) => !r.edited).length,
    edited: decidedOk.filter((r) => r.edited).length,
    rejected: rows.filter((r) => r.status === 'rejected').length,
    expired: rows.filter((r) => r.status === 'expired').length,
    pending: rows.filter((r) => r.status === 'pending').length,
    approvalLatency: spread(decidedOk.map((r) => secondsBetween(r.createdAt, r.decidedAt!))),
    byManager: decisionsByManager(rows),
  };
}

export async function collectStats(repo: AnalyticsRepository, scope: AnalyticsScope, period: Period, timeZone: string): Promise<StatsSnapshot> {
  const [members, activity, attention, decisions, labelled] = await Promise.all([
    repo.memberFlow(scope, period),
    repo.activity(scope, period, timeZone),
    repo.attention(scope, period, COMPLAINT_FOLLOW_UP_DAYS),
    repo.draftDecisions(scope, period),
    repo.topics(scope, period, TOP_TOPICS),
  ]);
  const questions = attention.filter((r) => r.isQuestion);
  const responses = questions.map((q) => firstResponse(q));
  const answered = responses.filter((r) => r !== null);
  const cases = attention.filter((r) => r.isNegative).map(complaintCase);
  const topics = labelled.length > 0 ? labelled : contentWordTopics(await repo.sampleTexts(scope, period, TOPIC_SAMPLE_MESSAGES), TOP_TOPICS);
  return {
    period,
    timeZone,
    members: { ...members, net: members.joined - members.left },
    activity,
    questions: {
      asked: questions.length,
      answered: answered.length,
      answeredByBot: answered.filter((r) => r.via === 'bot').length,
      answeredByMember: answered.filter((r) => r.via === 'member').length,
      unanswered: questions.length - answered.length,
      firstResponse: spread(questions.flatMap((q, i) => (responses[i] ? [secondsBetween(q.createdAt, responses[i].at)] : []))),
    },
    complaints: summarizeComplaints(cases),
    complaintCases: cases,
    drafts: draftStats(decisions),
    topics,
    topicSource: labelled.length > 0 ? 'labels' : 'words',
  };
}
