/**
 * The communities file (`JAMII_CONFIG`): its schema, reading it (the checks across communities are
 * in communities-checks.ts), and the principal lists shared with the environment. `src/config.ts`
 * reads it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isValidTimeZone } from '../core/analytics/period.js';
import { REPORT_WEEKDAY_NAMES, type WeeklyReportSchedule } from '../core/analytics/weekly-report.js';
import type { Person } from '../core/people.js';
import { PLATFORMS, type Platform } from '../core/types.js';
import { roomNameProblem } from '../connectors/sandbox/room-name.js';
import { sandboxUserId } from '../connectors/sandbox/user-name.js';
import { crossCommunityProblems, type CheckedCommunity, type CheckedPerson } from './communities-checks.js';
import { chatRefSchema, feedsSchema, newsSchema, topicsSchema } from './news.js';
import { sparkSettingsSchema } from './sparks.js';

export const SUPPORTED_LANGUAGES = ['en', 'ru', 'sw', 'es', 'de', 'fr', 'pt', 'ar'] as const;

/** A `platform:user-id` grant, as written in JAMII_MANAGERS / JAMII_ADMINS and community files. */
export interface PrincipalRef {
  platform: Platform;
  userId: string;
}

// ---------------------------------------------------------------- analytics reports

/**
 * When and in which time zone a community's reports are computed (`reports:` in the community
 * file): the zone also sets the calendar days and hours of /stats.
 */
export type ReportSettings = WeeklyReportSchedule;

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { timeZone: 'UTC', weekday: 'mon', time: '09:00' };

export const reportSettingsSchema = z
  .object({
    timezone: z.string().refine(isValidTimeZone, 'an IANA time zone, e.g. Africa/Nairobi').default(DEFAULT_REPORT_SETTINGS.timeZone),
    weekday: z.enum(REPORT_WEEKDAY_NAMES).default(DEFAULT_REPORT_SETTINGS.weekday),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour').default(DEFAULT_REPORT_SETTINGS.time),
  })
  .strict();

export const principalSchema = z
  .string()
  .trim()
  .regex(/^(sandbox|telegram|discord|slack):[^\s,]+$/, 'expected platform:user-id, e.g. telegram:123456789')
  .transform((value): PrincipalRef => {
    const at = value.indexOf(':');
    const platform = value.slice(0, at) as Platform;
    const userId = value.slice(at + 1);
    return { platform, userId: platform === 'sandbox' ? sandboxUserId(userId) : userId };
  });

export const languageSchema = z.enum(SUPPORTED_LANGUAGES);

/**
 * A platform id in YAML. Unquoted, YAML reads `1098765432109876543` as a number and rounds it;
 * such an id is refused with the fix rather than silently changed.
 */
const platformIdSchema = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value !== 0) return String(value);
  ctx.addIssue({
    code: 'custom',
    message:
      typeof value === 'number'
        ? 'this id is too long to be read as a number; put it in quotes, e.g. "1098765432109876543"'
        : 'expected a platform id (text, in quotes)',
  });
  return z.NEVER;
});

const chatsSchema = z
  .object(Object.fromEntries(PLATFORMS.map((p) => [p, z.array(platformIdSchema).optional()])))
  .strict()
  .partial();

/** One desk chat id, or a list of them (several desks on one platform). */
const deskIdsSchema = z.union([z.array(platformIdSchema).min(1), platformIdSchema]);

const deskSchema = z
  .object(Object.fromEntries(PLATFORMS.map((p) => [p, deskIdsSchema.optional()])))
  .strict()
  .partial();

const communityIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, up to 40');
const personNameSchema = z.string().trim().min(1).max(100);

export const communityFileSchema = z
  .object({
    communities: z
      .array(
        z
          .object({
            id: communityIdSchema,
            name: z.string().trim().min(1).max(100),
            language: languageSchema.default('en'),
            default: z.boolean().default(false),
            chats: chatsSchema.default({}),
            desk: deskSchema.default({}),
            managers: z.array(principalSchema).default([]),
            admins: z.array(principalSchema).default([]),
            knowledge: z.string().trim().min(1).optional(),
            reports: reportSettingsSchema.optional(),
            topics: topicsSchema.optional(),
            feeds: feedsSchema.optional(),
            news: newsSchema.optional(),
            sparks: sparkSettingsSchema.optional(),
            /** Overrides JAMII_REMIND_AFTER_MINUTES for this community (0: no reminders). */
            remind_after_minutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
          })
          .strict(),
      )
      .min(1, 'define at least one community'),
    people: z
      .array(
        z
          .object({
            name: personNameSchema,
            ids: z.array(principalSchema).min(1, 'list the platform ids of this person, e.g. [telegram:123456789, slack:U024BE7LH]'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export function formatIssue(prefix: string, issue: z.core.$ZodIssue, fix?: string): string {
  const where = issue.path.length > 0 ? `${prefix}${issue.path.map(String).join('.')}` : prefix.replace(/:\s*$/, '') || 'file';
  return `${where}: ${issue.message}${fix ? ` (${fix})` : ''}`;
}

const pick = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
};
const asRecord = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const readableIds = (schema: z.ZodType<string>, values: unknown[]) => values.flatMap((v) => pick(schema, v) ?? []);

/** The parts of a file the schema refused that the checks across communities can still read. */
function readableParts(raw: unknown): { communities: CheckedCommunity[]; people: CheckedPerson[] } {
  const root = asRecord(raw);
  const communities = asArray(root.communities).map((item): CheckedCommunity => {
    const c = asRecord(item);
    const chats = asRecord(c.chats);
    const desk = asRecord(c.desk);
    const newsChats = asArray(asRecord(c.news).chats).map((entry) => (typeof entry === 'string' ? entry : asRecord(entry).chat));
    return {
      id: pick(communityIdSchema, c.id),
      default: c.default === true,
      chats: Object.fromEntries(PLATFORMS.map((p) => [p, readableIds(platformIdSchema, asArray(chats[p]))])),
      desk: Object.fromEntries(PLATFORMS.map((p) => [p, readableIds(platformIdSchema, Array.isArray(desk[p]) ? desk[p] : [desk[p]])])),
      news: { chats: newsChats.flatMap((entry) => pick(chatRefSchema, entry) ?? []) },
    };
  });
  const people = asArray(root.people).map((item): CheckedPerson => {
    const person = asRecord(item);
    return { name: pick(personNameSchema, person.name), ids: asArray(person.ids).flatMap((id) => pick(principalSchema, id) ?? []) };
  });
  return { communities, people };
}

/**
 * Reads and checks a communities file. Its problems go to `problems`; those of sandbox room names
 * to `roomProblems` (by default the same list), which matter only where the sandbox runs.
 */
export function loadCommunityFile(file: string, problems: string[], roomProblems: string[] = problems): z.infer<typeof communityFileSchema> | undefined {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`JAMII_CONFIG (${file}): cannot be read as YAML: ${(error as Error).message}`);
    return undefined;
  }
  if (raw === null || raw === undefined) {
    problems.push(`${file}: the file is empty; list at least one community under communities: (see jamii.config.example.yaml)`);
    return undefined;
  }
  const parsed = communityFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(formatIssue(`${file}: `, issue));
    const readable = readableParts(raw);
    problems.push(...crossCommunityProblems(file, readable.communities, readable.people));
    return undefined;
  }
  problems.push(...crossCommunityProblems(file, parsed.data.communities, parsed.data.people));
  for (const c of parsed.data.communities) {
    const desks = c.desk.sandbox === undefined ? [] : [c.desk.sandbox].flat();
    for (const room of [...(c.chats.sandbox ?? []), ...desks]) {
      const problem = roomNameProblem(room);
      if (problem) roomProblems.push(`${file}: sandbox room "${room}" of "${c.id}": ${problem}`);
    }
  }
  return parsed.data;
}

/** A grant to one id of a person is a grant to all of their ids: a manager is one person on every platform. */
export function withLinkedIds(list: PrincipalRef[], people: Person[]): PrincipalRef[] {
  const keys = new Set(list.map((p) => `${p.platform}:${p.userId}`));
  return [...list, ...people.filter((person) => person.ids.some((id) => keys.has(`${id.platform}:${id.userId}`))).flatMap((person) => person.ids)];
}

export function uniquePrincipals(list: PrincipalRef[]): PrincipalRef[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.platform}:${p.userId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

