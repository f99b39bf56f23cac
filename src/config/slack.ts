/** Slack: the bot token, HTTP mode (signing secret) or Socket Mode (app token), the desk channel, user groups that manage. Parsed from the environment record `src/config.ts` reads; never from `process.env` itself. */
import { z } from 'zod';
import { urlSetting } from './env-values.js';
import type { CommunityConfig } from '../config.js';

export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

/** The Slack connector's settings. */
export interface SlackConfig {
  botToken: string;
  /** HTTP mode: Slack signs every request to /slack/events with it. */
  signingSecret: string | undefined;
  /** Socket Mode (preferred when set): the app-level token. */
  appToken: string | undefined;
  /** The Web API root, or a proxy's. */
  apiUrl: string;
  /** The default community's desk channel. */
  deskChannel: string | undefined;
  /** Members of this user group are managers (admins) of the community they act in. */
  managerGroupId: string | undefined;
  adminGroupId: string | undefined;
}

const slackChannelSchema = z.string().trim().regex(/^[CG][A-Z0-9]{5,20}$/, 'expected a Slack channel id (channel details → About → Channel ID), e.g. C0123456789');
const slackGroupSchema = z.string().trim().regex(/^S[A-Z0-9]{5,20}$/, 'expected a Slack user group id, e.g. S0123456789');

export const slackEnv = {
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-[A-Za-z0-9-]+$/, 'expected the Bot User OAuth Token (OAuth & Permissions), e.g. xoxb-…').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().regex(/^[A-Za-z0-9]{16,128}$/, 'expected the Signing Secret (Basic Information → App Credentials)').optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-[A-Za-z0-9-]+$/, 'expected an app-level token with connections:write (Basic Information → App-Level Tokens), e.g. xapp-…').optional(),
  SLACK_API_URL: urlSetting().default(SLACK_DEFAULT_API_URL),
  JAMII_SLACK_DESK_CHANNEL: slackChannelSchema.optional(),
  JAMII_SLACK_MANAGER_GROUP: slackGroupSchema.optional(),
  JAMII_SLACK_ADMIN_GROUP: slackGroupSchema.optional(),
};

/** Problems only visible across variables. */
export function slackProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN for HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode');
  }
  const others = ['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'JAMII_SLACK_DESK_CHANNEL', 'JAMII_SLACK_MANAGER_GROUP', 'JAMII_SLACK_ADMIN_GROUP'];
  if (others.some((n) => env[n]) && !env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required when other SLACK variables are set');
  return problems;
}

export function slackConfig(e: z.infer<z.ZodObject<typeof slackEnv>>): SlackConfig | null {
  if (!e.SLACK_BOT_TOKEN || (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)) return null;
  return {
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN,
    apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    deskChannel: e.JAMII_SLACK_DESK_CHANNEL,
    managerGroupId: e.JAMII_SLACK_MANAGER_GROUP,
    adminGroupId: e.JAMII_SLACK_ADMIN_GROUP,
  };
}

/** JAMII_SLACK_DESK_CHANNEL is the default community's desk unless its file names one. */
export function addSlackDesks(communities: CommunityConfig[], slack: SlackConfig): void {
  const c = communities.find((x) => x.isDefault);
  if (c && slack.deskChannel && c.desk.slack === undefined) c.desk.slack = slack.deskChannel;
}
