/**
 * Sparks end to end: for each chat of a community that allows them, learn its usual activity by
 * hour of week, and when the last hours are well below it during usual active hours, write a
 * grounded starter and propose it as a post (the desk, or at once in auto mode). One lull check
 * per chat and local hour is keyed, so two workers or a rerun never propose twice; a cooldown
 * and a daily cap keep a quiet chat from being nagged.
 */
import { DAY_MS, HOUR_MS } from '../time.js';
import type { Logger, Clock } from '../ports.js';
import type { Draft, Platform } from '../types.js';
import { localDay, startOfLocalDay } from '../analytics/period.js';
import { buildBaseline, detectLull, hourOfWeek, DEFAULT_LULL_SETTINGS, type LullVerdict } from './activity-baseline.js';
import { offlineSparkWriter } from './offline-spark-writer.js';
import type { SparkChat, SparkIdea, SparkMaterial, SparkSettings, SparksRepository, SparkWriter } from './spark-types.js';
import type { CommunityDirectory } from '../communities.js';
import type { PostService } from '../post-service.js';
import { plural } from '../plural.js';

/** Weeks of history the baseline averages. */
export const BASELINE_WEEKS = 8;
/** No new spark in a chat this soon after the last one (pending or posted). */
export const SPARK_COOLDOWN_HOURS = 6;
/** How far back the writer looks for topics, open questions and news. */
export const TOPIC_LOOKBACK_DAYS = 14;
export const OPEN_QUESTION_LOOKBACK_DAYS = 3;
export const NEWS_LOOKBACK_HOURS = 48;
const TOPICS_READ = 5;
const OPEN_QUESTIONS_READ = 5;
const NEWS_READ = 3;

export type SparkTrigger = 'lull' | 'manual';

export interface SparkServiceDeps {
  repository: SparksRepository;
  posts: Pick<PostService, 'propose'>;
  communities: CommunityDirectory;
  /** Platforms with a running connector: sparks go only to chats Jamii can post in. */
  platforms?: (() => Iterable<Platform>) | undefined;
  settingsOf(communityId: string): SparkSettings;
  timeZoneOf(communityId: string): string;
  /** The model writer when one is configured; the offline writer answers when it fails. */
  writer?: SparkWriter | undefined;
  clock: Clock;
  log: Logger;
}

/** Why a chat got no spark from a lull check. */
export type SparkSkip = 'disabled' | 'outside_allowed_hours' | 'cooldown' | 'daily_cap' | Exclude<LullVerdict, { quiet: true }>['why'] | 'already_proposed';

export interface SparkOutcome {
  chat: SparkChat;
  draft: Draft | null;
  idea: SparkIdea | null;
  verdict: LullVerdict | null;
  skipped: SparkSkip | null;
}

export interface SparkService {
  /** The chats sparks may go to in these communities: active, and not a desk. */
  chats(communityIds: string[]): Promise<SparkChat[]>;
  /** What a spark for `chat` would be written from now (for /prompt test spark-model). */
  material(chat: SparkChat): Promise<SparkMaterial>;
  /** Checks every chat of every community with sparks on; proposes a spark in each lull. */
  checkLulls(): Promise<SparkOutcome[]>;
  /** A spark for `chat` now (a manager's /spark): no lull needed, always to the desk. */
  sparkNow(chat: SparkChat, requestedBy: string): Promise<SparkOutcome>;
}

/** True when local `hour` lies in the allowed range (a range may wrap midnight: 20-02). */
export function withinHours(hours: SparkSettings['hours'], hour: number): boolean {
  if (!hours) return true;
  return hours.from <= hours.to ? hour >= hours.from && hour < hours.to : hour >= hours.from || hour < hours.to;
}

export function createSparkService(deps: SparkServiceDeps): SparkService {
  const { repository, clock, log } = deps;

  const write = async (material: SparkMaterial): Promise<{ idea: SparkIdea; writer: SparkWriter }> => {
    if (deps.writer) {
      try {
        return { idea: await deps.writer.write(material), writer: deps.writer };
      } catch (error) {
        log.warn({ err: error, writer: deps.writer.name }, 'spark.writer_failed');
      }
    }
    return { idea: await offlineSparkWriter.write(material), writer: offlineSparkWriter };
  };

  const materialFor = async (chat: SparkChat, now: Date): Promise<SparkMaterial> => {
    const community = deps.communities.get(chat.communityId);
    const [topics, openQuestions, news, recent] = await Promise.all([
      repository.topics(chat.id, new Date(now.getTime() - TOPIC_LOOKBACK_DAYS * DAY_MS), TOPICS_READ),
      repository.openQuestions(chat.id, new Date(now.getTime() - OPEN_QUESTION_LOOKBACK_DAYS * DAY_MS), OPEN_QUESTIONS_READ),
      repository.recentNews(chat.communityId, new Date(now.getTime() - NEWS_LOOKBACK_HOURS * HOUR_MS), NEWS_READ),
      repository.recentSparks(chat.id, new Date(now.getTime() - TOPIC_LOOKBACK_DAYS * DAY_MS)),
    ]);
    return {
      communityId: chat.communityId,
      communityName: community.name,
      language: community.language,
      chatTitle: chat.title,
      topics,
      openQuestions,
      news,
      recentBases: recent.flatMap((s) => (s.basis ? [s.basis] : [])),
    };
  };

  const propose = async (chat: SparkChat, trigger: SparkTrigger, dedupeKey: string, mode: SparkSettings['mode'], verdict: LullVerdict | null, requestedBy: string | null): Promise<SparkOutcome> => {
    const now = clock.now();
    const { idea, writer } = await write(await materialFor(chat, now));
    const why =
      trigger === 'manual'
        ? `Asked for by ${requestedBy ?? 'a manager'}.`
        : `The chat is quiet: ${plural(verdict!.actual, 'message')} in the last ${plural(DEFAULT_LULL_SETTINGS.windowHours, 'hour')}, usually about ${Math.round(verdict!.expected)}.`;
    const draft = await deps.posts.propose({
      communityId: chat.communityId,
      chatId: chat.id,
      kind: 'spark',
      text: idea.text,
      poll: idea.poll,
      language: deps.communities.get(chat.communityId).language,
      reason: `${why} ${idea.reason}`,
      sources: idea.basis.kind === 'news' && idea.basis.ref ? [{ source: idea.basis.ref, heading: null }] : [],
      details: {
        trigger,
        sparkKind: idea.kind,
        basis: idea.basis,
        ...(verdict ? { expected: Math.round(verdict.expected * 10) / 10, actual: verdict.actual } : {}),
      },
      promptName: writer.promptName,
      promptVersion: idea.promptVersion ?? writer.promptVersion,
      provider: writer.name,
      model: writer.model,
      mode,
      dedupeKey,
    });
    if (draft) log.info({ chatId: chat.id, draftId: draft.id, trigger, kind: idea.kind, basis: idea.basis.kind }, 'spark.proposed');
    return { chat, draft, idea, verdict, skipped: draft ? null : 'already_proposed' };
  };

  const check = async (chat: SparkChat): Promise<SparkOutcome> => {
    const settings = deps.settingsOf(chat.communityId);
    const skip = (skipped: SparkSkip, verdict: LullVerdict | null = null): SparkOutcome => ({ chat, draft: null, idea: null, verdict, skipped });
    if (!settings.enabled) return skip('disabled');
    const timeZone = deps.timeZoneOf(chat.communityId);
    const now = clock.now();
    const { hour } = hourOfWeek(now, timeZone);
    if (!withinHours(settings.hours, hour)) return skip('outside_allowed_hours');

    const [y, m, d] = localDay(now, timeZone).split('-').map(Number) as [number, number, number];
    const dayStart = startOfLocalDay(y, m, d, timeZone);
    const recent = await repository.recentSparks(chat.id, new Date(Math.min(dayStart.getTime(), now.getTime() - SPARK_COOLDOWN_HOURS * HOUR_MS)));
    if (recent.some((s) => now.getTime() - s.createdAt.getTime() < SPARK_COOLDOWN_HOURS * HOUR_MS)) return skip('cooldown');
    if (recent.filter((s) => s.createdAt.getTime() >= dayStart.getTime()).length >= settings.maxPerDay) return skip('daily_cap');

    const windowHours = DEFAULT_LULL_SETTINGS.windowHours;
    const [totals, actual] = await Promise.all([
      repository.hourOfWeekTotals(chat.id, new Date(now.getTime() - BASELINE_WEEKS * 7 * DAY_MS), now, timeZone),
      repository.messageCount(chat.id, new Date(now.getTime() - windowHours * HOUR_MS), now),
    ]);
    const verdict = detectLull(buildBaseline(totals, BASELINE_WEEKS), actual, now, timeZone, { ...DEFAULT_LULL_SETTINGS, quietFactor: settings.quietFactor });
    if (!verdict.quiet) return skip(verdict.why, verdict);
    const key = `spark:lull:${chat.id}:${localDay(now, timeZone)}T${String(hour).padStart(2, '0')}`;
    return propose(chat, 'lull', key, settings.mode, verdict, null);
  };

  const chats = async (communityIds: string[]) => {
    const live = deps.platforms ? new Set(deps.platforms()) : null;
    return (await repository.chats(communityIds)).filter((c) => deps.communities.desksAt(c.ref.platform, c.ref.chatId).length === 0 && (!live || live.has(c.ref.platform)));
  };

  return {
    chats,
    material: (chat) => materialFor(chat, clock.now()),

    async checkLulls() {
      const communityIds = deps.communities.list().map((c) => c.id).filter((id) => deps.settingsOf(id).enabled);
      if (communityIds.length === 0) return [];
      const outcomes: SparkOutcome[] = [];
      for (const chat of await chats(communityIds)) {
        try {
          outcomes.push(await check(chat));
        } catch (error) {
          // One chat's failure must not keep the others from their check.
          log.error({ err: error, chatId: chat.id }, 'spark.check_failed');
        }
      }
      return outcomes;
    },

    async sparkNow(chat, requestedBy) {
      const key = `spark:manual:${chat.id}:${clock.now().toISOString()}`;
      return propose(chat, 'manual', key, 'approve', null, requestedBy);
    },
  };
}
