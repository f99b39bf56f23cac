/**
 * Analytics commands: /stats (a compact health summary with change against the previous
 * period), /complaints (the complaint handling report) and /export (the metrics as CSV).
 * Typed in a desk they cover the desk's communities the invoker manages (one, or several sharing
 * it); elsewhere every community the invoker manages.
 */
import type { AnalyticsRepository, AnalyticsScope } from '../analytics/analytics-types.js';
import { ENGAGEMENT_BASELINE_WEEKS, ENGAGEMENT_WINDOW_HOURS, summarizeEngagement, type EngagementRepository } from '../analytics/engagement.js';
import { formatEngagement } from '../analytics/engagement-format.js';
import { parsePeriod, previousPeriod } from '../analytics/period.js';
import { formatComplaints, formatStats, statsCsv } from '../analytics/stats-format.js';
import { collectStats } from '../analytics/stats-service.js';
import { JamiiError } from '../errors.js';
import type { Clock } from '../ports.js';
import { PLATFORMS, type Platform } from '../types.js';
import type { CommandContext, CommandServices, CommandSpec } from './command-registry.js';

/** What the analytics commands need beyond the store. */
export interface AnalyticsCommandServices {
  repository: AnalyticsRepository;
  clock: Clock;
  /** The community's report time zone (IANA). */
  timeZoneOf(communityId: string): string;
  /** How news posts and sparks did (`/stats posts`); absent: that view says it is unavailable. */
  engagement?: EngagementRepository | undefined;
}

/** What follows /stats: an optional period, then optionally a platform and/or a chat. */
export interface StatsArgs {
  /** `posts`: how news posts and sparks did, instead of the health summary. */
  view?: 'posts' | undefined;
  period: string;
  platform: Platform | undefined;
  chat: string | undefined;
}

const PERIOD_SHAPE = /^(\d+[dw]|\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?)$/i;

export function parseStatsArgs(args: string): StatsArgs {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const view = words[0]?.toLowerCase() === 'posts' ? (words.shift(), 'posts' as const) : undefined;
  let period = '';
  let platform: Platform | undefined;
  const chat: string[] = [];
  for (const word of words) {
    if (!period && chat.length === 0 && PERIOD_SHAPE.test(word)) period = word;
    else if (!platform && chat.length === 0 && (PLATFORMS as readonly string[]).includes(word.toLowerCase())) platform = word.toLowerCase() as Platform;
    else chat.push(word);
  }
  return { ...(view ? { view } : {}), period, platform, chat: chat.length > 0 ? chat.join(' ') : undefined };
}

function analyticsOf(services: CommandServices): AnalyticsCommandServices {
  if (!services.analytics) throw new JamiiError('internal', 'Analytics are not wired into this process.');
  return services.analytics;
}

/** The communities the command covers (the dispatcher narrowed them to the desk's), in the first one's time zone. */
function scopeFor(ctx: CommandContext, analytics: AnalyticsCommandServices, args: StatsArgs): { scope: AnalyticsScope; timeZone: string } {
  return {
    scope: { communityIds: ctx.communities, platform: args.platform, chat: args.chat },
    timeZone: analytics.timeZoneOf(ctx.communities[0]!),
  };
}

/** Known chats /stats names when the one asked for is not among them. */
const KNOWN_CHATS_SHOWN_MAX = 5;

/** Refuses a chat filter no chat of the scope matches, naming a few that exist. */
async function requireKnownChat(analytics: AnalyticsCommandServices, scope: AnalyticsScope): Promise<void> {
  if (scope.chat === undefined || (await analytics.repository.chatNames(scope, 1)).length > 0) return;
  const known = await analytics.repository.chatNames({ ...scope, chat: undefined }, KNOWN_CHATS_SHOWN_MAX + 1);
  const listed = known.slice(0, KNOWN_CHATS_SHOWN_MAX).map((name) => `"${name}"`).join(', ');
  const more = known.length > KNOWN_CHATS_SHOWN_MAX ? ', …' : '';
  throw new JamiiError('bad_arguments', `There is no chat "${scope.chat}" here. ${known.length > 0 ? `Known chats: ${listed}${more}.` : 'No chats are known yet.'} A period looks like 7d, 4w or 2026-11-01..2026-11-27.`);
}

/** What a stats command reads: the scope it may see, its time zone, and the period asked. */
async function request(ctx: CommandContext, args: StatsArgs, services: CommandServices) {
  const analytics = analyticsOf(services);
  const { scope, timeZone } = scopeFor(ctx, analytics, args);
  const period = parsePeriod(args.period, analytics.clock.now(), timeZone);
  await requireKnownChat(analytics, scope);
  return { analytics, scope, timeZone, period, collect: (p: typeof period) => collectStats(analytics.repository, scope, p, timeZone) };
}

export const stats: CommandSpec<StatsArgs> = {
  name: 'stats',
  summary: 'Community health: growth, activity, response times, drafts, topics',
  usage: '/stats [posts] [7d | 4w | 2026-11-01..2026-11-27] [platform] [chat]',
  role: 'manager',
  parse: parseStatsArgs,
  async run(ctx, args, services) {
    const { analytics, scope, timeZone, period, collect } = await request(ctx, args, services);
    if (args.view === 'posts') {
      if (!analytics.engagement) throw new JamiiError('internal', 'Post measurement is not wired into this process.');
      const rows = await analytics.engagement.posts(scope, period, ENGAGEMENT_WINDOW_HOURS, ENGAGEMENT_BASELINE_WEEKS);
      return { text: formatEngagement(summarizeEngagement(rows, analytics.clock.now()), scope, period, timeZone) };
    }
    const [current, previous] = await Promise.all([collect(period), collect(previousPeriod(period))]);
    return { text: formatStats(current, scope, previous) };
  },
};

export const complaints: CommandSpec<StatsArgs> = {
  name: 'complaints',
  summary: 'Complaint handling: open cases and what happened to recent ones',
  usage: '/complaints [7d | 4w | 2026-11-01..2026-11-27]',
  role: 'manager',
  parse: parseStatsArgs,
  async run(ctx, args, services) {
    const { scope, period, collect } = await request(ctx, args, services);
    return { text: formatComplaints(await collect(period), scope) };
  },
};

export const exportCsv: CommandSpec<StatsArgs> = {
  name: 'export',
  summary: 'The metrics of a period as CSV',
  usage: '/export [7d | 4w | 2026-11-01..2026-11-27] [platform] [chat]',
  role: 'manager',
  parse: parseStatsArgs,
  async run(ctx, args, services) {
    const { period, collect } = await request(ctx, args, services);
    return { text: statsCsv(await collect(period)) };
  },
};
