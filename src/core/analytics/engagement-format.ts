/** Renders post engagement as the text `/stats posts` answers with. */
import type { AnalyticsScope, Period } from './analytics-types.js';
import { ENGAGEMENT_BASELINE_WEEKS, ENGAGEMENT_WINDOW_HOURS, type EngagementGroup } from './engagement.js';
import { localDay } from './period.js';
import { scopeText } from './stats-format.js';
import { averageOf, averageShown, plural } from '../plural.js';

/**
 * One group's line: what a post drew (an average over several, "on average 1.5 replies"; one
 * post's own counts, "1 reply"), against the same hours before in that chat.
 */
export function engagementLine(g: EngagementGroup): string {
  const per = (total: number, one: string, many?: string) => averageOf(total, g.posts, one, many);
  const usually = (total: number) => averageShown(total, g.posts);
  const lift = g.lift === null ? 'no baseline yet' : `×${g.lift.toFixed(1)} the usual messages`;
  const reactions = g.reactions === null ? '' : ` · ${per(g.reactions, 'reaction')}`;
  const open = g.open > 0 ? ` (${g.open} still within ${ENGAGEMENT_WINDOW_HOURS}h)` : '';
  return (
    `${g.kind} · ${g.label}: ${plural(g.posts, 'post')}${open} · ${g.posts > 1 ? 'on average ' : ''}${per(g.replies, 'reply', 'replies')}${reactions}, ` +
    `${per(g.speakers, 'speaker')} (usually ${usually(g.baselineSpeakers)}), ${per(g.messages, 'message')} (usually ${usually(g.baselineMessages)}) · ${lift}`
  );
}

/** The `/stats posts` answer: one line per news source and spark kind, best first. */
export function formatEngagement(groups: readonly EngagementGroup[], scope: AnalyticsScope, period: Period, timeZone: string): string {
  const head = `📣 Posts — ${scopeText(scope)} — ${period.label} (${localDay(period.from, timeZone)} – ${localDay(new Date(period.to.getTime() - 1), timeZone)})`;
  if (groups.length === 0) return `${head}\nNo news posts or sparks were sent in this period.`;
  return [
    head,
    `Measured over the ${ENGAGEMENT_WINDOW_HOURS} hours after each post, against the same hours of the ${ENGAGEMENT_BASELINE_WEEKS} weeks before in that chat.`,
    ...groups.map(engagementLine),
  ].join('\n');
}

/** Posts at most the weekly report lists (best and then worst by lift). */
export const REPORT_POST_GROUPS_MAX = 4;

/** The weekly report's lines on news and sparks; none when nothing was posted. */
export function reportEngagementLines(groups: readonly EngagementGroup[]): string[] {
  if (groups.length === 0) return [];
  const shown = groups.length <= REPORT_POST_GROUPS_MAX ? groups : [...groups.slice(0, REPORT_POST_GROUPS_MAX - 1), groups[groups.length - 1]!];
  const more = groups.length - shown.length;
  return ['', `📣 Posts (${ENGAGEMENT_WINDOW_HOURS}h after each, against the usual):`, ...shown.map((g) => `• ${engagementLine(g)}`), ...(more > 0 ? [`(${more} more: /stats posts)`] : [])];
}
