/**
 * The only reader of `process.env`. Everything Jamii can be told comes through `loadConfig`,
 * validated with zod; a bad start names every bad variable at once, with the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isValidTimeZone } from './core/analytics/period.js';
import { REPORT_WEEKDAY_NAMES, type WeeklyReportSchedule } from './core/analytics/weekly-report.js';
import type { Community } from './core/communities.js';
import { PLATFORMS, type Platform } from './core/types.js';
import type { OpenAIProviderOptions } from './llm/openai/openai-provider.js';

export const JOB_KINDS = ['draft', 'send', 'desk', 'maintenance'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SUPPORTED_LANGUAGES = ['en', 'ru', 'sw', 'es'] as const;

/** A `platform:user-id` grant, as written in JAMII_MANAGERS / JAMII_ADMINS and community files. */
export interface PrincipalRef {
  platform: Platform;
  userId: string;
}

/** A community as configured: the core's view of it, plus who manages it. */
export interface CommunityConfig extends Community {
  managers: PrincipalRef[];
  admins: PrincipalRef[];
  /** Absolute path of the community's knowledge folder (Markdown and text files). */
  knowledgeDir: string;
  reports: ReportSettings;
}

// ---------------------------------------------------------------- analytics reports

/**
 * When and in which time zone a community's reports are computed (`reports:` in the community
 * file): the zone also sets the calendar days and hours of /stats.
 */
export type ReportSettings = WeeklyReportSchedule;

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { timeZone: 'UTC', weekday: 'mon', time: '09:00' };

const reportSettingsSchema = z
  .object({
    timezone: z.string().refine(isValidTimeZone, 'an IANA time zone, e.g. Africa/Nairobi').default(DEFAULT_REPORT_SETTINGS.timeZone),
    weekday: z.enum(REPORT_WEEKDAY_NAMES).default(DEFAULT_REPORT_SETTINGS.weekday),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour').default(DEFAULT_REPORT_SETTINGS.time),
  })
  .strict();

// ----------------------------------------------------------------

export interface Config {
  logLevel: (typeof LOG_LEVELS)[number];
  dataDir: string;
  /** Unset: embedded PGlite under `dataDir`. Set: a Postgres server through postgres.js. */
  databaseUrl: string | undefined;
  databasePoolMax: number;
  http: { host: string; port: number };
  sandbox: { enabled: boolean };
  llm: LanguageModelConfig;
  /** Null when TELEGRAM_BOT_TOKEN is unset (the connector is off). */
  telegram: TelegramConfig | null;
  /** Null when DISCORD_TOKEN is unset (the connector is off). */
  discord: DiscordConfig | null;
  jobs: { kinds: ReadonlySet<JobKind>; draftConcurrency: number; sendConcurrency: number };
  drafts: {
    expireAfterHours: number;
    /** A member's messages this close together (seconds) get one draft; 0 drafts each at once. */
    burstWindowSeconds: number;
    /** `labelled`: what the rules flag; `all`: every member message, labelled again by the model. */
    candidates: 'labelled' | 'all';
  };
  knowledge: { syncIntervalSeconds: number };
  shutdownTimeoutMs: number;
  configFile: string | undefined;
  communities: CommunityConfig[];
  /** Every secret value in the configuration, for the log scrubber. */
  secrets: string[];
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`Jamii cannot start: the configuration is invalid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const platformSchema = z.enum(PLATFORMS);

const principalSchema = z
  .string()
  .trim()
  .regex(/^(sandbox|telegram|discord|slack):[^\s,]+$/, 'expected platform:user-id, e.g. telegram:123456789')
  .transform((value): PrincipalRef => {
    const at = value.indexOf(':');
    return { platform: value.slice(0, at) as Platform, userId: value.slice(at + 1) };
  });

const principalListSchema = z
  .string()
  .transform((value) => value.split(',').map((v) => v.trim()).filter((v) => v.length > 0))
  .pipe(z.array(principalSchema));

const booleanish = z
  .enum(['auto', 'on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => (v === 'auto' ? 'auto' : ['on', 'true', '1'].includes(v)));

const jobKindsSchema = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(['all', 'none', ...JOB_KINDS])))
  .transform((list): ReadonlySet<JobKind> => {
    if (list.includes('none')) return new Set();
    if (list.includes('all')) return new Set(JOB_KINDS);
    return new Set(list as JobKind[]);
  });

const languageSchema = z.enum(SUPPORTED_LANGUAGES);

// ---------------------------------------------------------------- language model

export const LLM_PROVIDERS = ['offline', 'openai'] as const;
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** An OpenAI-compatible endpoint: OpenAI itself, Ollama, vLLM, llama.cpp and the like. */
export type OpenAIEndpointConfig = OpenAIProviderOptions;

export interface LanguageModelConfig {
  provider: (typeof LLM_PROVIDERS)[number];
  /** Set when `provider` is openai. */
  openai: OpenAIEndpointConfig | null;
  /** Model calls in flight at once; the rest wait. */
  concurrency: number;
  /** Model drafts per chat and per member over a sliding hour; past them, drafts are offline. */
  draftsPerChatPerHour: number;
  draftsPerMemberPerHour: number;
}

const languageModelEnv = {
  JAMII_LLM: z.enum(LLM_PROVIDERS).default('offline'),
  OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((v) => v.replace(/\/+$/, ''))
    .default(OPENAI_DEFAULT_BASE_URL),
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  JAMII_LLM_MODEL: z.string().trim().min(1).optional(),
  JAMII_LLM_EMBEDDING_MODEL: z.string().trim().min(1).optional(),
  JAMII_LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(20_000),
  JAMII_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  JAMII_LLM_MAX_TOKENS: z.coerce.number().int().min(16).max(32_000).default(600),
  JAMII_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(6),
  JAMII_LLM_STRUCTURED: z.enum(['json_schema', 'json_object']).default('json_schema'),
};

const LANGUAGE_MODEL_FIXES: Record<string, string> = {
  JAMII_LLM: 'offline (no model) or openai (any OpenAI-compatible server)',
  OPENAI_BASE_URL: 'an http(s) URL ending in /v1, e.g. http://localhost:11434/v1 for Ollama',
  JAMII_LLM_STRUCTURED: 'json_schema, or json_object for servers without structured outputs',
};

function isOpenAIHosted(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/** Problems that span several variables; read from the raw values so they join every other problem. */
function languageModelProblems(raw: Record<string, string | undefined>): string[] {
  if (raw.JAMII_LLM !== 'openai') return [];
  const problems: string[] = [];
  if (raw.JAMII_LLM_MODEL === undefined) {
    problems.push('JAMII_LLM_MODEL: required when JAMII_LLM=openai (the model name, e.g. gpt-4o-mini, or llama3.1:8b on Ollama)');
  }
  if (raw.OPENAI_API_KEY === undefined && isOpenAIHosted(raw.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL)) {
    problems.push('OPENAI_API_KEY: required for api.openai.com (or point OPENAI_BASE_URL at a local server, which needs no key)');
  }
  return problems;
}

function languageModelConfig(e: z.output<z.ZodObject<typeof languageModelEnv>>): LanguageModelConfig {
  return {
    provider: e.JAMII_LLM,
    openai:
      e.JAMII_LLM === 'openai'
        ? {
            baseURL: e.OPENAI_BASE_URL,
            apiKey: e.OPENAI_API_KEY ?? null,
            // Never empty here: languageModelProblems refuses openai without a model.
            model: e.JAMII_LLM_MODEL ?? '',
            embeddingModel: e.JAMII_LLM_EMBEDDING_MODEL ?? null,
            timeoutMs: e.JAMII_LLM_TIMEOUT_MS,
            maxRetries: e.JAMII_LLM_MAX_RETRIES,
            maxTokens: e.JAMII_LLM_MAX_TOKENS,
            structuredOutput: e.JAMII_LLM_STRUCTURED,
          }
        : null,
    concurrency: e.JAMII_LLM_CONCURRENCY,
    draftsPerChatPerHour: e.JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR,
    draftsPerMemberPerHour: e.JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR,
  };
}

// ---------------------------------------------------------------- telegram

export const TELEGRAM_DEFAULT_API_ROOT = 'https://api.telegram.org';

/** The Telegram connector's settings. */
export interface TelegramConfig {
  token: string;
  /** Telegram's Bot API, or a self-hosted Bot API server. */
  apiRoot: string;
  /** Set: webhook mode at this public URL (served by Jamii's HTTP server at its path). Unset: long polling. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** A group where managers work together, besides their private chats with the bot. */
  deskChat: string | undefined;
  /** Administrators of a community's Telegram groups are its managers too. */
  groupAdminsAreManagers: boolean;
}

const telegramChatIdSchema = z.string().trim().regex(/^-?[1-9]\d{0,15}$/, 'expected a Telegram chat id, e.g. -1001234567890');

const telegramEnv = {
  TELEGRAM_BOT_TOKEN: z.string().trim().regex(/^\d+:[A-Za-z0-9_-]+$/, 'expected a bot token from @BotFather, e.g. 123456789:AA…').optional(),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default(TELEGRAM_DEFAULT_API_ROOT),
  JAMII_TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  JAMII_TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 letters, digits, "_" or "-"').optional(),
  JAMII_TELEGRAM_DESK_CHAT: telegramChatIdSchema.optional(),
  JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .transform((v) => ['on', 'true', '1'].includes(v))
    .default(false),
};

/** Problems only visible across variables. */
function telegramProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.JAMII_TELEGRAM_WEBHOOK_URL && !env.JAMII_TELEGRAM_WEBHOOK_SECRET) {
    problems.push('JAMII_TELEGRAM_WEBHOOK_SECRET: required with JAMII_TELEGRAM_WEBHOOK_URL (Telegram sends it with every update; generate one with `openssl rand -hex 32`)');
  }
  if ((env.JAMII_TELEGRAM_WEBHOOK_URL || env.JAMII_TELEGRAM_DESK_CHAT) && !env.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN: required when other TELEGRAM variables are set');
  }
  return problems;
}

function telegramConfig(e: z.infer<z.ZodObject<typeof telegramEnv>>): TelegramConfig | null {
  if (!e.TELEGRAM_BOT_TOKEN) return null;
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    webhookUrl: e.JAMII_TELEGRAM_WEBHOOK_URL,
    webhookSecret: e.JAMII_TELEGRAM_WEBHOOK_SECRET,
    deskChat: e.JAMII_TELEGRAM_DESK_CHAT,
    groupAdminsAreManagers: e.JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS,
  };
}

/**
 * Telegram desks of each community: the configured desk group(s), JAMII_TELEGRAM_DESK_CHAT, and
 * the private chat (id = user id) of every Telegram manager and admin.
 */
function addTelegramDesks(communities: CommunityConfig[], telegram: TelegramConfig): void {
  for (const c of communities) {
    const configured = c.desk.telegram === undefined ? [] : typeof c.desk.telegram === 'string' ? [c.desk.telegram] : c.desk.telegram;
    const people = [...c.managers, ...c.admins].filter((p) => p.platform === 'telegram').map((p) => p.userId);
    const desks = [...new Set([...configured, ...(telegram.deskChat ? [telegram.deskChat] : []), ...people])];
    if (desks.length > 0) c.desk.telegram = desks;
  }
}

// ---------------------------------------------------------------- discord

export const DISCORD_DEFAULT_API_ROOT = 'https://discord.com/api';

/** The Discord connector's settings. */
export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** Discord's REST API root (without `/v10`), or a proxy's; the gateway URL comes from its GET /gateway/bot. */
  apiRoot: string;
  /** The default community's desk channel. */
  deskChannel: string | undefined;
  /** Set: `/jamii` is registered in this guild only (instant; development). Unset: globally. */
  commandGuildId: string | undefined;
  /** Members holding one of these role ids are managers (admins) of the community they act in. */
  managerRoleIds: string[];
  adminRoleIds: string[];
  /** Members with the Manage Server permission are managers too. */
  manageServerIsManager: boolean;
}

const discordSnowflakeSchema = (example: string) => z.string().trim().regex(/^[1-9]\d{5,19}$/, `expected a Discord id (a snowflake), e.g. ${example}`);

const discordEnv = {
  DISCORD_TOKEN: z.string().trim().regex(/^[A-Za-z0-9_.-]{20,}$/, 'expected the bot token from the Developer Portal (Bot → Reset Token)').optional(),
  DISCORD_APPLICATION_ID: discordSnowflakeSchema('1234567890123456789').optional(),
  DISCORD_API_ROOT: z.url({ protocol: /^https?$/ }).default(DISCORD_DEFAULT_API_ROOT),
  JAMII_DISCORD_DESK_CHANNEL: discordSnowflakeSchema('1234567890123456789').optional(),
  JAMII_DISCORD_GUILD_ID: discordSnowflakeSchema('1234567890123456789').optional(),
  JAMII_DISCORD_MANAGER_ROLES: z.string().regex(/^\s*[1-9]\d{5,19}(\s*,\s*[1-9]\d{5,19})*\s*$/, 'comma-separated Discord role ids, e.g. 1234567890123456789').optional(),
  JAMII_DISCORD_ADMIN_ROLES: z.string().regex(/^\s*[1-9]\d{5,19}(\s*,\s*[1-9]\d{5,19})*\s*$/, 'comma-separated Discord role ids, e.g. 1234567890123456789').optional(),
  JAMII_DISCORD_MANAGE_SERVER_IS_MANAGER: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .transform((v) => ['on', 'true', '1'].includes(v))
    .default(false),
};

/** Problems only visible across variables. */
function discordProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
    problems.push('DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (Developer Portal → General Information → Application ID)');
  }
  if ((env.DISCORD_APPLICATION_ID || env.JAMII_DISCORD_DESK_CHANNEL || env.JAMII_DISCORD_GUILD_ID) && !env.DISCORD_TOKEN) {
    problems.push('DISCORD_TOKEN: required when other DISCORD variables are set');
  }
  return problems;
}

const roleIdList = (value: string | undefined) => (value ? value.split(',').map((r) => r.trim()) : []);

function discordConfig(e: z.infer<z.ZodObject<typeof discordEnv>>): DiscordConfig | null {
  if (!e.DISCORD_TOKEN || !e.DISCORD_APPLICATION_ID) return null;
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    apiRoot: e.DISCORD_API_ROOT.replace(/\/+$/, ''),
    deskChannel: e.JAMII_DISCORD_DESK_CHANNEL,
    commandGuildId: e.JAMII_DISCORD_GUILD_ID,
    managerRoleIds: roleIdList(e.JAMII_DISCORD_MANAGER_ROLES),
    adminRoleIds: roleIdList(e.JAMII_DISCORD_ADMIN_ROLES),
    manageServerIsManager: e.JAMII_DISCORD_MANAGE_SERVER_IS_MANAGER,
  };
}

/** JAMII_DISCORD_DESK_CHANNEL is the default community's desk unless its file names one. */
function addDiscordDesks(communities: CommunityConfig[], discord: DiscordConfig): void {
  const c = communities.find((x) => x.isDefault);
  if (c && discord.deskChannel && c.desk.discord === undefined) c.desk.discord = discord.deskChannel;
}

// ---------------------------------------------------------------- environment

const envSchema = z.object({
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  JAMII_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  JAMII_DB_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  JAMII_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  JAMII_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  JAMII_SANDBOX: booleanish.default('auto'),
  ...languageModelEnv,
  ...telegramEnv,
  ...discordEnv,
  JAMII_JOBS: jobKindsSchema.default(new Set(JOB_KINDS)),
  JAMII_DRAFT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JAMII_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JAMII_DRAFT_EXPIRE_HOURS: z.coerce.number().positive().max(24 * 365).default(72),
  JAMII_BURST_WINDOW_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  JAMII_DRAFT_CANDIDATES: z.enum(['labelled', 'all']).optional(),
  JAMII_KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  JAMII_KNOWLEDGE_SYNC_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  JAMII_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  JAMII_CONFIG: z.string().min(1).optional(),
  JAMII_MANAGERS: principalListSchema.default([{ platform: 'sandbox', userId: 'manager' }]),
  JAMII_ADMINS: principalListSchema.default([]),
  JAMII_COMMUNITY_NAME: z.string().trim().min(1).max(100).default('Community'),
  JAMII_LANGUAGE: languageSchema.default('en'),
});

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

const communityFileSchema = z
  .object({
    communities: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, up to 40'),
            name: z.string().trim().min(1).max(100),
            language: languageSchema.default('en'),
            default: z.boolean().default(false),
            chats: chatsSchema.default({}),
            desk: deskSchema.default({}),
            managers: z.array(principalSchema).default([]),
            admins: z.array(principalSchema).default([]),
            knowledge: z.string().trim().min(1).optional(),
            reports: reportSettingsSchema.optional(),
          })
          .strict(),
      )
      .min(1, 'define at least one community'),
  })
  .strict();

function formatIssue(prefix: string, issue: z.core.$ZodIssue, fix?: string): string {
  const where = issue.path.length > 0 ? `${prefix}${issue.path.map(String).join('.')}` : prefix || 'file';
  return `${where}: ${issue.message}${fix ? ` (${fix})` : ''}`;
}

const FIXES: Record<string, string> = {
  JAMII_HTTP_PORT: 'a port number, e.g. 3000',
  JAMII_MANAGERS: 'comma-separated platform:user-id entries, e.g. sandbox:manager,telegram:123456789',
  JAMII_ADMINS: 'comma-separated platform:user-id entries, e.g. discord:80351110224678912',
  JAMII_JOBS: `all, none, or a comma list of ${JOB_KINDS.join(', ')}`,
  DATABASE_URL: 'unset it to use the embedded database under JAMII_DATA_DIR',
  JAMII_SANDBOX: 'auto, on or off',
  ...LANGUAGE_MODEL_FIXES,
};

function loadCommunityFile(file: string, problems: string[]): z.infer<typeof communityFileSchema> | undefined {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`JAMII_CONFIG (${file}): cannot be read as YAML: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = communityFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(formatIssue(`${file}: `, issue));
    return undefined;
  }
  const ids = new Set<string>();
  const seenChats = new Map<string, string>();
  for (const c of parsed.data.communities) {
    if (ids.has(c.id)) problems.push(`${file}: community id "${c.id}" is defined twice`);
    ids.add(c.id);
    for (const [platform, list] of Object.entries(c.chats)) {
      for (const chat of list ?? []) {
        const key = `${platform}:${chat}`;
        const other = seenChats.get(key);
        if (other) problems.push(`${file}: chat ${key} is listed in both "${other}" and "${c.id}"`);
        seenChats.set(key, c.id);
      }
    }
  }
  if (parsed.data.communities.filter((c) => c.default).length > 1) {
    problems.push(`${file}: more than one community has default: true`);
  }
  return parsed.data;
}

function uniquePrincipals(list: PrincipalRef[]): PrincipalRef[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.platform}:${p.userId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Reads and validates the environment (and the community file it names).
 * Throws a {@link ConfigError} listing every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      problems.push(formatIssue(name, { ...issue, path: [] }, FIXES[name]));
    }
  }

  const explicitFile = cleaned.JAMII_CONFIG;
  const defaultFile = path.resolve(cwd, 'jamii.config.yaml');
  let configFile: string | undefined;
  if (explicitFile) {
    configFile = path.resolve(cwd, explicitFile);
    if (!existsSync(configFile)) {
      problems.push(`JAMII_CONFIG: file ${configFile} does not exist (unset it to run one default community)`);
      configFile = undefined;
    }
  } else if (existsSync(defaultFile)) {
    configFile = defaultFile;
  }
  const fileData = configFile ? loadCommunityFile(configFile, problems) : undefined;
  problems.push(...languageModelProblems(cleaned));
  problems.push(...telegramProblems(cleaned));
  problems.push(...discordProblems(cleaned));

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  const envManagers = e.JAMII_MANAGERS;
  const envAdmins = e.JAMII_ADMINS;
  let communities: CommunityConfig[];
  if (fileData) {
    const anyDefault = fileData.communities.some((c) => c.default);
    communities = fileData.communities.map((c, index) => ({
      id: c.id,
      name: c.name,
      language: c.language,
      isDefault: anyDefault ? c.default : index === 0,
      chats: c.chats as CommunityConfig['chats'],
      desk: c.desk as CommunityConfig['desk'],
      // Environment grants apply to every community: one team running one Jamii.
      managers: uniquePrincipals([...c.managers, ...envManagers]),
      admins: uniquePrincipals([...c.admins, ...envAdmins]),
      // Relative to the community file; by default a folder per community under JAMII_KNOWLEDGE_DIR.
      knowledgeDir: c.knowledge ? path.resolve(path.dirname(configFile!), c.knowledge) : path.resolve(cwd, e.JAMII_KNOWLEDGE_DIR, c.id),
      reports: c.reports ? { timeZone: c.reports.timezone, weekday: c.reports.weekday, time: c.reports.time } : { ...DEFAULT_REPORT_SETTINGS },
    }));
  } else {
    communities = [
      {
        id: 'default',
        name: e.JAMII_COMMUNITY_NAME,
        language: e.JAMII_LANGUAGE,
        isDefault: true,
        chats: {},
        desk: { sandbox: 'desk' },
        managers: uniquePrincipals(envManagers),
        admins: uniquePrincipals(envAdmins),
        knowledgeDir: path.resolve(cwd, e.JAMII_KNOWLEDGE_DIR),
        reports: { ...DEFAULT_REPORT_SETTINGS },
      },
    ];
  }
  for (const c of communities) {
    if (!c.desk.sandbox) c.desk.sandbox = c.isDefault ? 'desk' : `desk-${c.id}`;
  }
  const telegram = telegramConfig(e);
  if (telegram) addTelegramDesks(communities, telegram);
  const discord = discordConfig(e);
  if (discord) addDiscordDesks(communities, discord);

  const secrets: string[] = [];
  if (e.DATABASE_URL) {
    try {
      const url = new URL(e.DATABASE_URL);
      if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
    } catch {
      // An unparsable URL is still a secret as a whole.
    }
    secrets.push(e.DATABASE_URL);
  }

  // Platform connectors arrive in their own issues; their credentials already count here so that
  // `auto` turns the sandbox off as soon as a real platform is configured, and are never logged.
  const platformSecretNames = ['TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'OPENAI_API_KEY'];
  for (const name of platformSecretNames) {
    const value = cleaned[name];
    if (value) secrets.push(value);
  }
  if (e.JAMII_TELEGRAM_WEBHOOK_SECRET) secrets.push(e.JAMII_TELEGRAM_WEBHOOK_SECRET);
  const platformCredentialsSet = ['TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'SLACK_BOT_TOKEN'].some((n) => Boolean(cleaned[n]));
  const sandboxEnabled = e.JAMII_SANDBOX === 'auto' ? !platformCredentialsSet : e.JAMII_SANDBOX;

  return {
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(cwd, e.JAMII_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.JAMII_DB_POOL_MAX,
    http: { host: e.JAMII_HTTP_HOST, port: e.JAMII_HTTP_PORT },
    sandbox: { enabled: sandboxEnabled },
    llm: languageModelConfig(e),
    telegram,
    discord,
    jobs: {
      kinds: e.JAMII_JOBS,
      draftConcurrency: e.JAMII_DRAFT_CONCURRENCY,
      sendConcurrency: e.JAMII_SEND_CONCURRENCY,
    },
    drafts: {
      expireAfterHours: e.JAMII_DRAFT_EXPIRE_HOURS,
      burstWindowSeconds: e.JAMII_BURST_WINDOW_SECONDS,
      // A model labels better than the rules: by default it sees every member's message.
      candidates: e.JAMII_DRAFT_CANDIDATES ?? (e.JAMII_LLM === 'openai' ? 'all' : 'labelled'),
    },
    knowledge: { syncIntervalSeconds: e.JAMII_KNOWLEDGE_SYNC_SECONDS },
    shutdownTimeoutMs: e.JAMII_SHUTDOWN_TIMEOUT_MS,
    configFile,
    communities,
    secrets: [...new Set(secrets.filter((s) => s.length >= 4))],
  };
}

export { platformSchema };
