/**
 * News: the `topics:`, `feeds:` and `news:` keys of a community in the community file, and the
 * feed fetcher's environment variables. Parsed for `src/config.ts`; never reads `process.env`.
 */
import { z } from 'zod';
import { decimal, urlSetting } from './env-values.js';
import { isValidTimeZone } from '../core/analytics/period.js';
import { isValidCron } from '../news/cron-schedule.js';
import { NEWS_MODES, type CommunityNewsSettings } from '../core/news/news-types.js';
import { PLATFORMS, type ChatRef, type Platform } from '../core/types.js';

/** The fetcher's limits and the polling interval (environment). */
export interface FeedsConfig {
  pollIntervalMinutes: number;
  timeoutMs: number;
  maxBytes: number;
  /** Fetch feeds on loopback and private addresses (intranet feeds, tests). Off by default. */
  allowPrivateAddresses: boolean;
}

export const feedsEnv = {
  JAMII_FEED_POLL_MINUTES: decimal(z.number().int().min(5).max(1_440)).default(30),
  JAMII_FEED_TIMEOUT_SECONDS: decimal(z.number().int().min(1).max(120)).default(15),
  JAMII_FEED_MAX_KB: decimal(z.number().int().min(16).max(51_200)).default(2_048),
  JAMII_FEEDS_ALLOW_PRIVATE: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .transform((v) => ['on', 'true', '1'].includes(v))
    .default(false),
};

export const FEEDS_FIXES: Record<string, string> = {
  JAMII_FEEDS_ALLOW_PRIVATE: 'on or off',
};

export function feedsConfig(e: { JAMII_FEED_POLL_MINUTES: number; JAMII_FEED_TIMEOUT_SECONDS: number; JAMII_FEED_MAX_KB: number; JAMII_FEEDS_ALLOW_PRIVATE: boolean }): FeedsConfig {
  return {
    pollIntervalMinutes: e.JAMII_FEED_POLL_MINUTES,
    timeoutMs: e.JAMII_FEED_TIMEOUT_SECONDS * 1000,
    maxBytes: e.JAMII_FEED_MAX_KB * 1024,
    allowPrivateAddresses: e.JAMII_FEEDS_ALLOW_PRIVATE,
  };
}

export const NEWS_DEFAULTS = { schedule: '0 9 * * *', maxPerDay: 2, mode: 'approve', digest: 1, minScore: 0.2 } as const;

/** `platform:chat-id`, as `news.chats` names a chat. */
export const chatRefSchema = z
  .string()
  .trim()
  .regex(new RegExp(`^(${PLATFORMS.join('|')}):\\S+$`), 'platform:chat-id, e.g. telegram:-1001234567890 or sandbox:general')
  .transform((v): ChatRef => ({ platform: v.slice(0, v.indexOf(':')) as Platform, chatId: v.slice(v.indexOf(':') + 1) }));

const overrides = {
  schedule: z.string().trim().refine((c) => isValidCron(c), 'a cron expression, e.g. "0 9,17 * * *" (09:00 and 17:00)').optional(),
  timezone: z.string().refine(isValidTimeZone, 'an IANA time zone, e.g. Africa/Nairobi').optional(),
  max_per_day: z.number().int().min(0).max(48).optional(),
  quiet_hours: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM-HH:MM, e.g. 22:00-07:00')
    .optional(),
  mode: z.enum(NEWS_MODES).optional(),
  digest: z.number().int().min(1).max(10).optional(),
  min_score: z.number().min(0).max(1).optional(),
};

/** `news:` of a community: defaults for its chats, and optionally per-chat overrides. */
export const newsSchema = z
  .object({
    ...overrides,
    /** Chats that get news; default: every chat the community lists. */
    chats: z.array(z.union([chatRefSchema, z.object({ chat: chatRefSchema, ...overrides }).strict()])).optional(),
  })
  .strict();

export const topicsSchema = z
  .object({
    keywords: z.array(z.string().trim().min(1).max(80)).max(200).default([]),
    description: z.string().trim().max(2_000).default(''),
  })
  .strict();

export const feedsSchema = z.array(
  z.union([
    urlSetting().transform((url) => ({ url, name: null })),
    z.object({ url: urlSetting(), name: z.string().trim().min(1).max(100).optional() }).strict().transform((f) => ({ url: f.url, name: f.name ?? null })),
  ]),
);

/** The community's news settings; null when it has no `news:` (nothing is published). */
export function communityNews(
  c: { topics?: z.infer<typeof topicsSchema> | undefined; feeds?: z.infer<typeof feedsSchema> | undefined; news?: z.infer<typeof newsSchema> | undefined; chats: Partial<Record<Platform, string[]>> },
  fallbackTimeZone: string,
): CommunityNewsSettings | null {
  if (!c.news && !c.feeds?.length) return null;
  const news = c.news ?? { chats: [] };
  const listed = Object.entries(c.chats).flatMap(([platform, ids]) => (ids ?? []).map((chatId) => ({ platform: platform as Platform, chatId })));
  const entries = news.chats ?? listed;
  return {
    topics: c.topics ?? { keywords: [], description: '' },
    feeds: c.feeds ?? [],
    chats: entries.map((entry) => {
      const o = 'chat' in entry ? entry : { chat: entry };
      const pick = <K extends keyof typeof overrides>(key: K) => (o as Partial<Record<K, unknown>>)[key] ?? news[key];
      const quiet = pick('quiet_hours') as string | undefined;
      return {
        chat: o.chat,
        schedule: (pick('schedule') as string | undefined) ?? NEWS_DEFAULTS.schedule,
        timeZone: (pick('timezone') as string | undefined) ?? fallbackTimeZone,
        maxPostsPerDay: (pick('max_per_day') as number | undefined) ?? NEWS_DEFAULTS.maxPerDay,
        quietHours: quiet ? { start: quiet.slice(0, 5), end: quiet.slice(6) } : null,
        mode: (pick('mode') as 'approve' | 'auto' | undefined) ?? NEWS_DEFAULTS.mode,
        digestSize: (pick('digest') as number | undefined) ?? NEWS_DEFAULTS.digest,
        minScore: (pick('min_score') as number | undefined) ?? NEWS_DEFAULTS.minScore,
      };
    }),
  };
}
