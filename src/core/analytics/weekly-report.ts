/**
 * The weekly report: on each community's configured day and time (in its time zone), the last
 * seven full days with change against the seven before, a short narrative and, where the
 * process can serve it, a link to the growth and activity chart. Posted to every desk of the
 * community through the outbox under one key per community and week, so a job that runs twice,
 * two processes, or a restart never post it twice.
 */
import type { CommunityDirectory } from '../communities.js';
import type { Clock, Logger, Store } from '../ports.js';
import type { ImageAttachment, Platform } from '../types.js';
import type { AnalyticsRepository, Period } from './analytics-types.js';
import { DAY_MS, localDay, localTime, startOfLocalDay } from './period.js';
import { ENGAGEMENT_BASELINE_WEEKS, ENGAGEMENT_WINDOW_HOURS, summarizeEngagement, type EngagementRepository } from './engagement.js';
import { reportEngagementLines } from './engagement-format.js';
import { formatStats } from './stats-format.js';
import { collectStats, type StatsSnapshot } from './stats-service.js';
import { change, formatChange, formatDuration } from './stats-math.js';
import { sendJobs } from '../job-batches.js';
import { plural } from '../plural.js';

export const REPORT_WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** When a community's weekly report is due. */
export interface WeeklyReportSchedule {
  timeZone: string;
  weekday: (typeof REPORT_WEEKDAY_NAMES)[number];
  /** `HH:MM`, local. */
  time: string;
}

/** A report missed while Jamii was down is still posted this long after its time. */
export const REPORT_CATCH_UP_HOURS = 24;

export interface ReportWeek {
  /** The local date the report is due on (`YYYY-MM-DD`): its key. */
  weekKey: string;
  dueAt: Date;
  /** The seven local days before the due date. */
  period: Period;
}

/** The most recent due time at or before `now`, and the week it reports on. */
export function latestReportWeek(schedule: WeeklyReportSchedule, now: Date): ReportWeek {
  const [y, m, d] = localDay(now, schedule.timeZone).split('-').map(Number) as [number, number, number];
  const [hh, mm] = schedule.time.split(':').map(Number) as [number, number];
  const today = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  let day = d - ((today - REPORT_WEEKDAY_NAMES.indexOf(schedule.weekday) + 7) % 7);
  if (localTime(y, m, day, hh, mm, schedule.timeZone).getTime() > now.getTime()) day -= 7;
  const from = startOfLocalDay(y, m, day - 7, schedule.timeZone);
  const to = startOfLocalDay(y, m, day, schedule.timeZone);
  const weekKey = new Date(Date.UTC(y, m - 1, day)).toISOString().slice(0, 10);
  return {
    weekKey,
    dueAt: localTime(y, m, day, hh, mm, schedule.timeZone),
    period: { from, to, label: `week to ${localDay(new Date(to.getTime() - 1), schedule.timeZone)}` },
  };
}

/** What the narrative is written from. */
export interface NarrativeInput {
  communityId: string;
  communityName: string;
  language: string;
  current: StatsSnapshot;
  previous: StatsSnapshot;
}

/** Writes the report's few sentences (a language model, or the offline template). */
export interface ReportNarrator {
  readonly name: string;
  narrate(input: NarrativeInput): Promise<string>;
}

/** The offline narrative: the same facts every week, in plain sentences. */
export function templateNarrative({ current: c, previous: p }: NarrativeInput): string {
  const messages = change(c.activity.totalMessages, p.activity.totalMessages);
  const trend = messages.delta === 0 ? 'about as busy as the week before' : messages.delta > 0 ? 'busier than the week before' : 'quieter than the week before';
  const growth = c.members.net === 0 ? 'membership held steady' : c.members.net > 0 ? `the community grew by ${c.members.net}` : `the community shrank by ${-c.members.net}`;
  const sentences = [`The week was ${trend} (${formatChange(messages)} messages) and ${growth}.`];
  if (c.questions.asked > 0) {
    sentences.push(`${c.questions.answered} of ${plural(c.questions.asked, 'question')} got an answer, typically within ${formatDuration(c.questions.firstResponse.medianSeconds)}.`);
  }
  if (c.complaints.total > 0) {
    sentences.push(
      c.complaints.needsAttention > 0
        ? `${c.complaints.needsAttention} of ${plural(c.complaints.total, 'complaint')} still ${c.complaints.needsAttention === 1 ? 'needs' : 'need'} attention — see /complaints.`
        : c.complaints.total === 1
          ? 'The one complaint was handled.'
          : `All ${c.complaints.total} complaints were handled.`,
    );
  }
  const topic = c.topics[0];
  if (topic) sentences.push(`Most talked about: ${topic.topic}.`);
  return sentences.join(' ');
}

export const templateNarrator: ReportNarrator = { name: 'template', narrate: async (input) => templateNarrative(input) };

export interface WeeklyReports {
  /** Posts every report that is due and not yet posted; returns how many communities got one. */
  postDue(): Promise<number>;
  /** What the narrative of the community's latest report week is written from (for /prompt test report-narrative). */
  narrativeInput(communityId: string): Promise<NarrativeInput>;
}

export interface WeeklyReportDeps {
  repository: AnalyticsRepository;
  store: Store;
  communities: CommunityDirectory;
  deskPlatforms: () => Iterable<Platform>;
  scheduleOf(communityId: string): WeeklyReportSchedule;
  narrator: ReportNarrator;
  /** A link to the week's chart image, when something serves it; null leaves it out. */
  chartUrl?: ((communityId: string, weekKey: string) => string | null) | undefined;
  /** How the week's news posts and sparks did; the report leaves them out without it. */
  engagement?: EngagementRepository | undefined;
  /** The week's chart as a picture to attach (each platform shows it its own way). */
  chartImage?: ((communityId: string, weekKey: string) => Promise<ImageAttachment | null>) | undefined;
  clock: Clock;
  log: Logger;
}

export const reportKey = (communityId: string, weekKey: string) => `report:weekly:${communityId}:${weekKey}`;

export function createWeeklyReports(deps: WeeklyReportDeps): WeeklyReports {
  const { repository, store, communities, clock, log } = deps;

  const narrative = async (input: NarrativeInput) => {
    try {
      return await deps.narrator.narrate(input);
    } catch (error) {
      log.warn({ err: error, narrator: deps.narrator.name }, 'report.narrative_failed');
      return templateNarrative(input);
    }
  };

  /** A week's figures and the week before's, as the narrative is written from them. */
  const inputFor = async (community: { id: string; name: string; language: string }, period: { from: Date; to: Date; label: string }, timeZone: string): Promise<NarrativeInput> => {
    const scope = { communityIds: [community.id] };
    const previousPeriod = { from: new Date(period.from.getTime() - 7 * DAY_MS), to: period.from, label: 'week before' };
    const [current, previous] = await Promise.all([collectStats(repository, scope, period, timeZone), collectStats(repository, scope, previousPeriod, timeZone)]);
    return { communityId: community.id, communityName: community.name, language: community.language, current, previous };
  };

  /** A report without its picture is still a report: a failed render is logged, not fatal. */
  const chartImage = async (communityId: string, weekKey: string): Promise<ImageAttachment | null> => {
    if (!deps.chartImage) return null;
    try {
      return await deps.chartImage(communityId, weekKey);
    } catch (error) {
      log.warn({ err: error, communityId, week: weekKey }, 'report.chart_failed');
      return null;
    }
  };

  return {
    async narrativeInput(communityId) {
      const schedule = deps.scheduleOf(communityId);
      const week = latestReportWeek(schedule, clock.now());
      return inputFor(communities.get(communityId), week.period, schedule.timeZone);
    },

    async postDue() {
      const now = clock.now();
      let posted = 0;
      for (const community of communities.list()) {
        const schedule = deps.scheduleOf(community.id);
        const week = latestReportWeek(schedule, now);
        if (now.getTime() - week.dueAt.getTime() > REPORT_CATCH_UP_HOURS * 3_600_000) continue;
        const desks = communities.desksOf(community.id, deps.deskPlatforms());
        const key = reportKey(community.id, week.weekKey);
        const deskKey = (desk: { platform: string; chatId: string }) => `${key}:${desk.platform}:${desk.chatId}`;
        if (desks.length === 0 || (await repository.anyPosted(desks.map(deskKey)))) continue;

        const scope = { communityIds: [community.id] };
        const input = await inputFor(community, week.period, schedule.timeZone);
        const { current, previous } = input;
        const story = await narrative(input);
        const chart = deps.chartUrl?.(community.id, week.weekKey) ?? null;
        const posts = deps.engagement ? summarizeEngagement(await deps.engagement.posts(scope, week.period, ENGAGEMENT_WINDOW_HOURS, ENGAGEMENT_BASELINE_WEEKS), now) : [];
        const text = [`🗓 Weekly report — ${community.name}`, formatStats(current, scope, previous), ...reportEngagementLines(posts), '', story, ...(chart ? [`Chart: ${chart}`] : [])].join('\n');
        const image = await chartImage(community.id, week.weekKey);

        const sent = await store.transaction(async (tx) => {
          const ids: number[] = [];
          for (const desk of desks) {
            const row = await tx.outbox.insert({ kind: 'notice', target: desk, replyToMessageId: null, text, card: null, image, draftId: null, dedupeKey: deskKey(desk) });
            if (row) ids.push(row.id);
          }
          if (ids.length === 0) return false;
          await tx.jobs.enqueue('send', sendJobs(ids));
          await tx.audit.write({ communityId: community.id, actor: 'jamii', action: 'report.posted', subject: key, details: { desks: ids.length, narrator: deps.narrator.name, chart: image !== null } });
          return true;
        });
        if (sent) {
          posted++;
          log.info({ communityId: community.id, week: week.weekKey }, 'report.posted');
        }
      }
      return posted;
    },
  };
}
