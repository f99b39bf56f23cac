/** Discord: the bot token and application, the desk channel, roles that manage. Parsed from the environment record `src/config.ts` reads; never from `process.env` itself. */
import { z } from 'zod';
import { urlSetting } from './env-values.js';
import type { CommunityConfig } from '../config.js';

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

export const discordSnowflakeSchema = (example: string) => z.string().trim().regex(/^[1-9]\d{5,19}$/, `expected a Discord id (a snowflake), e.g. ${example}`);

export const discordEnv = {
  DISCORD_TOKEN: z.string().trim().regex(/^[A-Za-z0-9_.-]{20,}$/, 'expected the bot token from the Developer Portal (Bot → Reset Token)').optional(),
  DISCORD_APPLICATION_ID: discordSnowflakeSchema('1234567890123456789').optional(),
  DISCORD_API_ROOT: urlSetting().default(DISCORD_DEFAULT_API_ROOT),
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
export function discordProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
    problems.push('DISCORD_APPLICATION_ID: required with DISCORD_TOKEN (Developer Portal → General Information → Application ID)');
  }
  if ((env.DISCORD_APPLICATION_ID || env.JAMII_DISCORD_DESK_CHANNEL || env.JAMII_DISCORD_GUILD_ID) && !env.DISCORD_TOKEN) {
    problems.push('DISCORD_TOKEN: required when other DISCORD variables are set');
  }
  return problems;
}

export const roleIdList = (value: string | undefined) => (value ? value.split(',').map((r) => r.trim()) : []);

export function discordConfig(e: z.infer<z.ZodObject<typeof discordEnv>>): DiscordConfig | null {
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
export function addDiscordDesks(communities: CommunityConfig[], discord: DiscordConfig): void {
  const c = communities.find((x) => x.isDefault);
  if (c && discord.deskChannel && c.desk.discord === undefined) c.desk.discord = discord.deskChannel;
}
