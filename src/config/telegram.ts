/** Telegram: the bot token, polling or webhook, the desk chats. Parsed from the environment record `src/config.ts` reads; never from `process.env` itself. */
import { z } from 'zod';
import { urlSetting } from './env-values.js';
import type { CommunityConfig } from '../config.js';

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

export const telegramChatIdSchema = z.string().trim().regex(/^-?[1-9]\d{0,15}$/, 'expected a Telegram chat id, e.g. -1001234567890');

export const telegramEnv = {
  TELEGRAM_BOT_TOKEN: z.string().trim().regex(/^\d+:[A-Za-z0-9_-]+$/, 'expected a bot token from @BotFather, e.g. 123456789:AA…').optional(),
  TELEGRAM_API_ROOT: urlSetting().default(TELEGRAM_DEFAULT_API_ROOT),
  JAMII_TELEGRAM_WEBHOOK_URL: urlSetting().optional(),
  // Trimmed like every secret (a CRLF .env file ends each value in \r): the trimmed value is the one
  // registered with setWebhook, so it is the one Telegram sends back and the one compared.
  JAMII_TELEGRAM_WEBHOOK_SECRET: z.string().trim().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 letters, digits, "_" or "-"').optional(),
  JAMII_TELEGRAM_DESK_CHAT: telegramChatIdSchema.optional(),
  JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .transform((v) => ['on', 'true', '1'].includes(v))
    .default(false),
};

/** Problems only visible across variables. */
export function telegramProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.JAMII_TELEGRAM_WEBHOOK_URL && !env.JAMII_TELEGRAM_WEBHOOK_SECRET) {
    problems.push('JAMII_TELEGRAM_WEBHOOK_SECRET: required with JAMII_TELEGRAM_WEBHOOK_URL (Telegram sends it with every update; generate one with `openssl rand -hex 32`)');
  }
  if ((env.JAMII_TELEGRAM_WEBHOOK_URL || env.JAMII_TELEGRAM_DESK_CHAT) && !env.TELEGRAM_BOT_TOKEN) {
    problems.push('TELEGRAM_BOT_TOKEN: required when other TELEGRAM variables are set');
  }
  return problems;
}

export function telegramConfig(e: z.infer<z.ZodObject<typeof telegramEnv>>): TelegramConfig | null {
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
export function addTelegramDesks(communities: CommunityConfig[], telegram: TelegramConfig): void {
  for (const c of communities) {
    const configured = c.desk.telegram === undefined ? [] : typeof c.desk.telegram === 'string' ? [c.desk.telegram] : c.desk.telegram;
    const people = [...c.managers, ...c.admins].filter((p) => p.platform === 'telegram').map((p) => p.userId);
    const desks = [...new Set([...configured, ...(telegram.deskChat ? [telegram.deskChat] : []), ...people])];
    if (desks.length > 0) c.desk.telegram = desks;
  }
}
