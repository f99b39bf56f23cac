/** Renders snapshots as the compact text /stats and /complaints answer with, and as CSV. */
import type { AnalyticsScope } from './analytics-types.js';
import type { ComplaintCase } from './complaint-cases.js';
import { localDay } from './period.js';
import { change, formatChange, formatDuration, type Spread } from './stats-math.js';
import type { StatsSnapshot } from './stats-service.js';
import { plural } from '../plural.js';

/** Cases /complaints lists in full. */
export const COMPLAINT_LIST_MAX = 10;
const PREVIEW_CHARS = 80;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const preview = (text: string | null) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 1)}…`;
};
const times = (s: Spread) => (s.count === 0 ? 'no responses' : `median ${formatDuration(s.medianSeconds)}, p90 ${formatDuration(s.p90Seconds)}`);

export function periodText(s: StatsSnapshot): string {
  const lastDay = new Date(s.period.to.getTime() - 1);
  return `${s.period.label} (${localDay(s.period.from, s.timeZone)} – ${localDay(lastDay, s.timeZone)}, ${s.timeZone})`;
}

export function scopeText(scope: AnalyticsScope): string {
  const parts = [scope.communityIds.join(', ')];
  if (scope.platform) parts.push(scope.platform);
  if (scope.chat) parts.push(`chat "${scope.chat}"`);
  return parts.join(' · ');
}

function busiestHour(s: StatsSnapshot): string {
  const top = [...s.activity.hourOfWeek].sort((a, b) => b.messages - a.messages || a.dow - b.dow || a.hour - b.hour)[0];
  return top ? `${DAY_NAMES[top.dow]} ${String(top.hour).padStart(2, '0')}:00 (${plural(top.messages, 'msg')})` : '—';
}

/** The /stats answer; with `previous`, each headline number carries its change. */
export function formatStats(s: StatsSnapshot, scope: AnalyticsScope, previous?: StatsSnapshot): string {
  const vs = (cur: number, prev: number | undefined) => (prev === undefined ? '' : ` (${formatChange(change(cur, prev))})`);
  const q = s.questions;
  const c = s.complaints;
  const d = s.drafts;
  const days = Math.max(1, s.activity.daily.length);
  return [
    `📊 ${scopeText(scope)} — ${periodText(s)}`,
    `Members: +${s.members.joined} joined, −${s.members.left} left, net ${s.members.net >= 0 ? '+' : ''}${s.members.net}${vs(s.members.net, previous?.members.net)}`,
    `Messages: ${s.activity.totalMessages}${vs(s.activity.totalMessages, previous?.activity.totalMessages)} · active members: ${s.activity.activeMembers}${vs(s.activity.activeMembers, previous?.activity.activeMembers)} · ${(s.activity.totalMessages / days).toFixed(1)}/active day · busiest: ${busiestHour(s)}`,
    `Questions: ${q.asked} asked, ${q.answered} answered (${q.answeredByBot} by Jamii, ${q.answeredByMember} by members), ${q.unanswered} unanswered · first response ${times(q.firstResponse)}`,
    `Complaints: ${c.total}${vs(c.total, previous?.complaints.total)}, ${c.acknowledged} acknowledged, ${c.open} open · first response ${times(c.acknowledgeTime)} · ${c.left} left`,
    `Drafts: ${d.approved} approved, ${d.edited} edited, ${d.rejected} rejected, ${d.expired} expired, ${d.pending} pending · approval ${times(d.approvalLatency)}`,
    ...(d.byManager.length > 0 ? [`Decided by: ${d.byManager.map((m) => `${m.name} ${m.decisions}`).join(', ')}`] : []),
    `Top topics${s.topicSource === 'words' ? ' (frequent words)' : ''}: ${s.topics.length === 0 ? '—' : s.topics.map((t) => `${t.topic} (${t.count})`).join(', ')}`,
  ].join('\n');
}

function caseLine(k: ComplaintCase, timeZone: string): string {
  const when = `${localDay(k.detectedAt, timeZone)} ${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(k.detectedAt)}`;
  // Managers type draft ids (/show 13); a complaint no draft was written for is named as a message.
  const id = k.draftId !== null ? `Draft #${k.draftId}` : `Message ${k.messageId} (no draft)`;
  const head = `${id} ${when} · ${k.author} (${k.where}, severity ${k.severity}): ${preview(k.text)}`;
  const ack = k.acknowledgement
    ? `   ↳ answered after ${formatDuration(k.secondsToAcknowledge)} by ${k.acknowledgement.by}: ${preview(k.acknowledgement.text)}`
    : '   ↳ no response yet';
  const tone = k.tone === 'none' ? 'has not written again' : k.tone === 'calmer' ? `wrote again ${k.laterMessages}× — calmer` : `wrote again ${k.laterMessages}× — still negative`;
  return `${head}\n${ack}\n   ↳ ${tone}; ${k.stayed ? 'still a member' : 'left the chat'}`;
}

/** The /complaints answer: the summary, the cases needing attention, then the most recent others. */
export function formatComplaints(s: StatsSnapshot, scope: AnalyticsScope): string {
  const c = s.complaints;
  if (c.total === 0) return `No complaints in ${scopeText(scope)} — ${periodText(s)}.`;
  const open = s.complaintCases.filter((k) => k.needsAttention);
  const rest = s.complaintCases.filter((k) => !k.needsAttention).reverse();
  const shownOpen = open.slice(0, COMPLAINT_LIST_MAX);
  const shownRest = rest.slice(0, Math.max(0, COMPLAINT_LIST_MAX - shownOpen.length));
  return [
    `😠 Complaints — ${scopeText(scope)} — ${periodText(s)}`,
    `${plural(c.total, 'complaint')}: ${c.acknowledged} acknowledged (${c.byBot} by Jamii, ${c.byMember} by people), ${c.open} with no response · first response ${times(c.acknowledgeTime)}`,
    `Afterwards: ${c.wroteAgain} wrote again (${c.calmer} calmer, ${c.stillNegative} still negative), ${c.left} left`,
    ...(shownOpen.length > 0 ? [`Needs attention (${open.length}):`, ...shownOpen.map((k) => caseLine(k, s.timeZone))] : ['Nothing needs attention.']),
    ...(shownRest.length > 0 ? ['Recently handled:', ...shownRest.map((k) => caseLine(k, s.timeZone))] : []),
  ].join('\n');
}

const csvCell = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The metrics as CSV in long form: `metric,key,value` (key: a day, an hour of week, a topic, or empty). */
export function statsCsv(s: StatsSnapshot): string {
  const rows: Array<[string, string, string | number | null]> = [
    ['period_from', '', s.period.from.toISOString()],
    ['period_to', '', s.period.to.toISOString()],
    ['members_joined', '', s.members.joined],
    ['members_left', '', s.members.left],
    ['members_net', '', s.members.net],
    ['messages', '', s.activity.totalMessages],
    ['active_members', '', s.activity.activeMembers],
    ...s.activity.daily.flatMap((d): Array<[string, string, number]> => [
      ['messages_per_day', d.day, d.messages],
      ['active_members_per_day', d.day, d.activeMembers],
    ]),
    ...s.activity.hourOfWeek.map((h): [string, string, number] => ['messages_by_hour_of_week', `${DAY_NAMES[h.dow]} ${String(h.hour).padStart(2, '0')}`, h.messages]),
    ['questions_asked', '', s.questions.asked],
    ['questions_answered', '', s.questions.answered],
    ['questions_answered_by_bot', '', s.questions.answeredByBot],
    ['questions_answered_by_member', '', s.questions.answeredByMember],
    ['questions_unanswered', '', s.questions.unanswered],
    ['question_first_response_median_seconds', '', s.questions.firstResponse.medianSeconds],
    ['question_first_response_p90_seconds', '', s.questions.firstResponse.p90Seconds],
    ['complaints', '', s.complaints.total],
    ['complaints_acknowledged', '', s.complaints.acknowledged],
    ['complaints_open', '', s.complaints.open],
    ['complaint_first_response_median_seconds', '', s.complaints.acknowledgeTime.medianSeconds],
    ['complaint_first_response_p90_seconds', '', s.complaints.acknowledgeTime.p90Seconds],
    ['complaints_wrote_again', '', s.complaints.wroteAgain],
    ['complaints_calmer', '', s.complaints.calmer],
    ['complaints_still_negative', '', s.complaints.stillNegative],
    ['complaints_left', '', s.complaints.left],
    ['drafts_approved', '', s.drafts.approved],
    ['drafts_edited', '', s.drafts.edited],
    ['drafts_rejected', '', s.drafts.rejected],
    ['drafts_expired', '', s.drafts.expired],
    ['drafts_pending', '', s.drafts.pending],
    ['approval_latency_median_seconds', '', s.drafts.approvalLatency.medianSeconds],
    ['approval_latency_p90_seconds', '', s.drafts.approvalLatency.p90Seconds],
    ...s.drafts.byManager.map((m): [string, string, number] => ['decisions_by_manager', m.name, m.decisions]),
    ...s.topics.map((t): [string, string, number] => ['topic', t.topic, t.count]),
  ];
  return ['metric,key,value', ...rows.map((r) => r.map(csvCell).join(','))].join('\n');
}
