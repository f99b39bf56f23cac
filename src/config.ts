/**
 * The only reader of `process.env`. Everything Jamii can be told comes through `loadConfig`,
 * validated with zod; a bad start names every bad variable at once, with the fix.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Community } from './core/communities.js';
import type { Person } from './core/people.js';
import type { Platform } from './core/types.js';
import {
  DEFAULT_REPORT_SETTINGS,
  formatIssue,
  languageSchema,
  loadCommunityFile,
  principalSchema,
  uniquePrincipals,
  withLinkedIds,
  type PrincipalRef,
  type ReportSettings,
} from './config/communities-file.js';
import { decimal, entryList, envFixes, urlSetting, withoutBlanks } from './config/env-values.js';
import { deskChatOverlapMessage, deskChatOverlaps, misplacedNewsChatMessage, misplacedNewsChats } from './config/communities-checks.js';
import { defaultSandboxDesk } from './connectors/sandbox/room-name.js';
import { addDiscordDesks, discordConfig, discordEnv, discordProblems, type DiscordConfig } from './config/discord.js';
import { LANGUAGE_MODEL_FIXES, languageModelConfig, languageModelEnv, languageModelProblems, type LanguageModelConfig } from './config/language-model.js';
import { communityNews, feedsConfig, feedsEnv, FEEDS_FIXES, type FeedsConfig } from './config/news.js';
import type { CommunityNewsSettings } from './core/news/news-types.js';
import { sparkSettings } from './config/sparks.js';
import type { SparkSettings } from './core/sparks/spark-types.js';
import { addSlackDesks, slackConfig, slackEnv, slackProblems, type SlackConfig } from './config/slack.js';
import { addTelegramDesks, telegramConfig, telegramEnv, telegramProblems, type TelegramConfig } from './config/telegram.js';

export type { DiscordConfig } from './config/discord.js';
export type { LanguageModelConfig, OpenAIEndpointConfig } from './config/language-model.js';
export type { SlackConfig } from './config/slack.js';
export type { TelegramConfig } from './config/telegram.js';
export type { FeedsConfig } from './config/news.js';
export { DEFAULT_REPORT_SETTINGS, SUPPORTED_LANGUAGES, type PrincipalRef, type ReportSettings } from './config/communities-file.js';

export const JOB_KINDS = ['draft', 'send', 'desk', 'maintenance'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A community as configured: the core's view of it, plus who manages it. */
export interface CommunityConfig extends Community {
  managers: PrincipalRef[];
  admins: PrincipalRef[];
  /** Absolute path of the community's knowledge folder (Markdown and text files). */
  knowledgeDir: string;
  reports: ReportSettings;
  /** Curated news (`topics:`, `feeds:`, `news:`); null when the community has none. */
  news: CommunityNewsSettings | null;
  /** `sparks:` in the community file; absent: sparks off (see DEFAULT_SPARK_SETTINGS). */
  sparks?: SparkSettings | undefined;
  /** Minutes a reply draft waits before this community's desks are reminded (0: never). */
  remindAfterMinutes: number;
}


export interface Config {
  logLevel: (typeof LOG_LEVELS)[number];
  dataDir: string;
  /** Unset: embedded PGlite under `dataDir`. Set: a Postgres server through postgres.js. */
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Postgres server: longest a statement may run, or a transaction sit idle (0: no limit). */
  databaseStatementTimeoutSeconds: number;
  http: { host: string; port: number; allowedHosts: string[] };
  sandbox: { enabled: boolean };
  llm: LanguageModelConfig;
  /** Null when TELEGRAM_BOT_TOKEN is unset (the connector is off). */
  telegram: TelegramConfig | null;
  /** Null when DISCORD_TOKEN is unset (the connector is off). */
  discord: DiscordConfig | null;
  /** Null when SLACK_BOT_TOKEN is unset (the connector is off). */
  slack: SlackConfig | null;
  jobs: { kinds: ReadonlySet<JobKind>; draftConcurrency: number; sendConcurrency: number };
  drafts: {
    expireAfterHours: number;
    /** Minutes a reply draft waits before its desks are reminded (a severity-3 complaint: a third); 0 = never. */
    remindAfterMinutes: number;
    /** A member's messages this close together (seconds) get one draft; 0 drafts each at once. */
    burstWindowSeconds: number;
    /** `labelled`: what the rules flag; `all`: every member message, labelled again by the model. */
    candidates: 'labelled' | 'all';
  };
  knowledge: { syncIntervalSeconds: number };
  feeds: FeedsConfig;
  shutdownTimeoutMs: number;
  configFile: string | undefined;
  communities: CommunityConfig[];
  /** Platform ids linked to one person (`people:` in the communities file). */
  people: Person[];
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


const principalListSchema = entryList(principalSchema);

const booleanish = z
  .enum(['auto', 'on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => (v === 'auto' ? 'auto' : ['on', 'true', '1'].includes(v)));

const jobKindsSchema = entryList(z.enum(['all', 'none', ...JOB_KINDS])).transform((list): ReadonlySet<JobKind> => {
  if (list.includes('none')) return new Set();
  if (list.includes('all')) return new Set(JOB_KINDS);
  return new Set(list as JobKind[]);
});

/** Where a desk the communities file does not name comes from. */
const DERIVED_DESK_ORIGINS: Record<Platform, string> = {
  sandbox: ' (the default sandbox desk: set desk.sandbox to another room)',
  telegram: ' (JAMII_TELEGRAM_DESK_CHAT, or a Telegram manager\'s private chat)',
  discord: ' (JAMII_DISCORD_DESK_CHANNEL)',
  slack: ' (JAMII_SLACK_DESK_CHANNEL)',
};

// ---------------------------------------------------------------- environment

/** Listening on every interface names no host a browser would use. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Ample for the heaviest report query (a year of a 10,000-member community: 1-2 s). */
export const DB_STATEMENT_TIMEOUT_SECONDS_DEFAULT = 30;

const envSchema = z.object({
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  JAMII_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: urlSetting(z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')).optional(),
  JAMII_DB_POOL_MAX: decimal(z.number().int().min(2).max(100)).default(10),
  JAMII_DB_STATEMENT_TIMEOUT_SECONDS: decimal(z.number().int().min(0).max(3600)).default(DB_STATEMENT_TIMEOUT_SECONDS_DEFAULT),
  JAMII_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  JAMII_HTTP_ALLOWED_HOSTS: entryList(z.string().regex(/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$/, 'a host name without scheme or port, e.g. jamii.example.org')).optional(),
  JAMII_HTTP_PORT: decimal(z.number().int().min(0).max(65535)).default(3000),
  JAMII_SANDBOX: booleanish.default('auto'),
  ...languageModelEnv,
  ...telegramEnv,
  ...discordEnv,
  ...feedsEnv,
  ...slackEnv,
  JAMII_JOBS: jobKindsSchema.default(new Set(JOB_KINDS)),
  JAMII_DRAFT_CONCURRENCY: decimal(z.number().int().min(1).max(64)).default(2),
  JAMII_SEND_CONCURRENCY: decimal(z.number().int().min(1).max(64)).default(2),
  JAMII_DRAFT_EXPIRE_HOURS: decimal(z.number().positive().max(24 * 365)).default(72),
  JAMII_REMIND_AFTER_MINUTES: decimal(z.number().int().min(0).max(7 * 24 * 60)).default(30),
  JAMII_BURST_WINDOW_SECONDS: decimal(z.number().int().min(0).max(600)).default(10),
  JAMII_DRAFT_CANDIDATES: z.enum(['labelled', 'all']).optional(),
  JAMII_KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  JAMII_KNOWLEDGE_SYNC_SECONDS: decimal(z.number().int().min(5).max(86_400)).default(60),
  JAMII_SHUTDOWN_TIMEOUT_MS: decimal(z.number().int().min(100).max(300_000)).default(10_000),
  JAMII_CONFIG: z.string().min(1).optional(),
  JAMII_MANAGERS: principalListSchema.default([{ platform: 'sandbox', userId: 'manager' }]),
  JAMII_ADMINS: principalListSchema.default([]),
  JAMII_COMMUNITY_NAME: z.string().trim().min(1).max(100).default('Community'),
  JAMII_LANGUAGE: languageSchema.default('en'),
});

/** Every variable `loadConfig` reads through the schema. */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

/** Numbers, choices and URLs get theirs from the schema (range, whole or not, an example); the rest are written here. */
const FIXES = envFixes(envSchema.shape, {
  JAMII_MANAGERS: 'comma-separated platform:user-id entries, e.g. sandbox:manager,telegram:123456789',
  JAMII_ADMINS: 'comma-separated platform:user-id entries, e.g. discord:80351110224678912',
  JAMII_JOBS: `all, none, or a comma list of ${JOB_KINDS.join(', ')}`,
  DATABASE_URL: 'unset it to use the embedded database under JAMII_DATA_DIR',
  JAMII_SANDBOX: 'auto, on or off',
  JAMII_DRAFT_CANDIDATES: 'labelled (the messages the rules call a question or a complaint) or all (every member message, for the model to label)',
  JAMII_COMMUNITY_NAME: 'a name of up to 100 characters',
  JAMII_TELEGRAM_WEBHOOK_URL: 'the public http(s) URL Telegram posts updates to, e.g. https://bot.example.org/telegram',
  JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: 'on or off',
  JAMII_DISCORD_MANAGE_SERVER_IS_MANAGER: 'on or off',
  ...LANGUAGE_MODEL_FIXES,
  ...FEEDS_FIXES,
});

/**
 * Reads and validates the environment (and the community file it names).
 * Throws a {@link ConfigError} listing every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const cleaned = withoutBlanks(env);
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
  // Sandbox room names matter only where the sandbox runs, which the parsed environment says.
  const roomProblems: string[] = [];
  const fileData = configFile ? loadCommunityFile(configFile, problems, roomProblems) : undefined;
  problems.push(...languageModelProblems(cleaned));
  problems.push(...telegramProblems(cleaned));
  problems.push(...discordProblems(cleaned));
  problems.push(...slackProblems(cleaned));

  if (problems.length > 0 || !parsed.success) throw new ConfigError([...problems, ...roomProblems]);
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
      news: communityNews(c, c.reports?.timezone ?? DEFAULT_REPORT_SETTINGS.timeZone),
      sparks: c.sparks ? sparkSettings(c.sparks) : undefined,
      remindAfterMinutes: c.remind_after_minutes ?? e.JAMII_REMIND_AFTER_MINUTES,
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
        news: null,
        remindAfterMinutes: e.JAMII_REMIND_AFTER_MINUTES,
      },
    ];
  }
  const people: Person[] = fileData?.people ?? [];
  for (const c of communities) {
    if (!c.desk.sandbox) c.desk.sandbox = defaultSandboxDesk(c.id, c.isDefault);
    c.managers = uniquePrincipals(withLinkedIds(c.managers, people));
    c.admins = uniquePrincipals(withLinkedIds(c.admins, people));
  }
  const telegram = telegramConfig(e);
  if (telegram) addTelegramDesks(communities, telegram);
  const discord = discordConfig(e);
  if (discord) addDiscordDesks(communities, discord);
  const slack = slackConfig(e);
  if (slack) addSlackDesks(communities, slack);
  // The file's own desks were checked with the file; these come from defaults and the environment.
  const overlaps = deskChatOverlaps(communities);
  if (overlaps.length > 0) {
    throw new ConfigError(overlaps.map((o) => `${configFile}: ${deskChatOverlapMessage(o, DERIVED_DESK_ORIGINS[o.platform as Platform])}`));
  }
  const misplaced = misplacedNewsChats(communities.map((c) => ({ ...c, default: c.isDefault, news: { chats: c.news?.chats.map((n) => n.chat) } })));
  if (misplaced.length > 0) {
    throw new ConfigError(misplaced.map((m) => `${configFile}: ${misplacedNewsChatMessage(m, DERIVED_DESK_ORIGINS[m.platform as Platform])}`));
  }

  const secrets: string[] = [];
  if (e.DATABASE_URL) {
    try {
      const url = new URL(e.DATABASE_URL);
      if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
    } catch {
      // An unparsable URL is still a secret as a whole (below).
    }
  }

  // The value in use is the one the schema kept (trimmed: a CRLF .env file ends each value in \r),
  // so that is the one to redact; the raw one too, when it differs.
  const secretNames = ['DATABASE_URL', 'TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'OPENAI_API_KEY', 'JAMII_TELEGRAM_WEBHOOK_SECRET'] as const;
  for (const name of secretNames) {
    const used = e[name];
    const raw = cleaned[name];
    if (used) secrets.push(used);
    if (raw && raw !== used) secrets.push(raw);
  }
  // `auto` turns the sandbox off as soon as a real platform is configured.
  const platformCredentialsSet = ['TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'SLACK_BOT_TOKEN'].some((n) => Boolean(cleaned[n]));
  const sandboxEnabled = e.JAMII_SANDBOX === 'auto' ? !platformCredentialsSet : e.JAMII_SANDBOX;
  if (sandboxEnabled && roomProblems.length > 0) throw new ConfigError(roomProblems);

  return {
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(cwd, e.JAMII_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.JAMII_DB_POOL_MAX,
    databaseStatementTimeoutSeconds: e.JAMII_DB_STATEMENT_TIMEOUT_SECONDS,
    http: {
      host: e.JAMII_HTTP_HOST,
      port: e.JAMII_HTTP_PORT,
      // The sandbox answers browsers at loopback names, the address it listens on (unless that
      // is every interface), and the names the operator lists.
      allowedHosts: [...(WILDCARD_HOSTS.has(e.JAMII_HTTP_HOST) ? [] : [e.JAMII_HTTP_HOST]), ...(e.JAMII_HTTP_ALLOWED_HOSTS ?? [])].map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
    },
    sandbox: { enabled: sandboxEnabled },
    llm: languageModelConfig(e),
    telegram,
    discord,
    slack,
    jobs: {
      kinds: e.JAMII_JOBS,
      draftConcurrency: e.JAMII_DRAFT_CONCURRENCY,
      sendConcurrency: e.JAMII_SEND_CONCURRENCY,
    },
    drafts: {
      expireAfterHours: e.JAMII_DRAFT_EXPIRE_HOURS,
      remindAfterMinutes: e.JAMII_REMIND_AFTER_MINUTES,
      burstWindowSeconds: e.JAMII_BURST_WINDOW_SECONDS,
      // A model labels better than the rules: by default it sees every member's message.
      candidates: e.JAMII_DRAFT_CANDIDATES ?? (e.JAMII_LLM === 'openai' ? 'all' : 'labelled'),
    },
    knowledge: { syncIntervalSeconds: e.JAMII_KNOWLEDGE_SYNC_SECONDS },
    feeds: feedsConfig(e),
    shutdownTimeoutMs: e.JAMII_SHUTDOWN_TIMEOUT_MS,
    configFile,
    communities,
    people,
    secrets: [...new Set(secrets.filter((s) => s.length >= 4))],
  };
}

