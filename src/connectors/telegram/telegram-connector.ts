/**
 * The Telegram connector: one grammY Bot talking to the Bot API (or a self-hosted Bot API
 * server), fed by durable long polling or by a webhook on Jamii's own HTTP server. Outgoing
 * calls pass, in this order, through the outbound limiter (stay under Telegram's limits) and
 * the auto-retry plugin (wait out a 429 Telegram still sends); network failures are never
 * retried blindly, since a send may have arrived.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, Bot, webhookCallback } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { COMMANDS, commandSummary, type CommandDispatcher } from '../../core/commands/command-registry.js';
import { deskChatIds, type CommunityDirectory } from '../../core/communities.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, PlatformSender, Store } from '../../core/ports.js';
import type { ChatRef } from '../../core/types.js';
import type { Route } from '../../http/http-server.js';
import { describeTelegramError } from './errors.js';
import { idFromString, idToString, isGroupChatId } from './ids.js';
import { TELEGRAM_COMMAND_DESCRIPTION_MAX_CHARS } from './limits.js';
import { parseUpdate } from './parse.js';
import { createPolling, TELEGRAM_ALLOWED_UPDATES, type Polling } from './polling.js';
import { createGroupAdminSync } from './group-admins.js';
import { createOutboundLimiter } from './rate-limiter.js';
import { createTelegramSender } from './telegram-sender.js';
import { createDocumentReader } from './documents.js';
import { createUpdateHandler } from './update-handler.js';

/**
 * Longest 429 wait the auto-retry plugin sits out inside one call. A longer one hands a post back
 * to the queue for that long (errors.ts): a send job must finish well inside its expiry.
 */
export const TELEGRAM_RETRY_AFTER_MAX_SECONDS = 10;
export const TELEGRAM_RETRY_MAX_ATTEMPTS = 3;
/** Longest one Bot API request may take (getUpdates long polls for 30 s of it). */
export const TELEGRAM_REQUEST_TIMEOUT_SECONDS = 45;
/**
 * Longest one post or card edit may take. Posts go through an Api of their own, without the long
 * poll's allowance: a stalled post becomes an unknown outcome for a human within a send job's
 * time, instead of holding its claim for most of the job's expiry.
 */
export const TELEGRAM_SEND_TIMEOUT_SECONDS = 15;
/**
 * How long a send may go on past its deadline: none. The request in flight is aborted, and so
 * are the limiter's wait for a slot and auto-retry's wait after a 429.
 */
export const TELEGRAM_DEADLINE_OVERRUN_MS = 0;
/** Telegram gives up on a webhook after 60 s; answer (or fail, so it redelivers) well before. */
export const TELEGRAM_WEBHOOK_TIMEOUT_MS = 50_000;

/** The Telegram part of Jamii's configuration. */
export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Set: webhook mode at this public URL, secured by `webhookSecret`. Unset: long polling. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Administrators of a community's groups are its managers too. */
  groupAdminsAreManagers: boolean;
}

export interface TelegramConnector {
  sender: PlatformSender;
  /** The webhook route (webhook mode only). */
  routes: Route[];
  /** Starts polling, or sets the webhook; learning who the bot is and publishing the command lists happen as soon as the Bot API answers. */
  start(): Promise<void>;
  /** Stops polling after the batch in hand is stored. Idempotent. */
  stop(): Promise<void>;
}

export function createTelegramConnector(deps: {
  settings: TelegramSettings;
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  log: Logger;
}): TelegramConnector {
  const { settings, store, log } = deps;
  const bot = new Bot(settings.token, { client: { apiRoot: settings.apiRoot, timeoutSeconds: TELEGRAM_REQUEST_TIMEOUT_SECONDS } });
  const limiter = createOutboundLimiter();
  const outbound = (api: Api) => {
    // Transformers run last-installed first: auto-retry wraps the limiter, so a retried call queues again.
    api.config.use(limiter.transformer);
    api.config.use(
      autoRetry({ maxDelaySeconds: TELEGRAM_RETRY_AFTER_MAX_SECONDS, maxRetryAttempts: TELEGRAM_RETRY_MAX_ATTEMPTS, rethrowHttpErrors: true, rethrowInternalServerErrors: true }),
    );
    return api;
  };
  outbound(bot.api);
  // One limiter for both: a group's 20 messages a minute count every post, whichever Api sends it.
  const sendApi = outbound(new Api(settings.token, { apiRoot: settings.apiRoot, timeoutSeconds: TELEGRAM_SEND_TIMEOUT_SECONDS }));

  const me = () => ({ id: idToString(bot.botInfo.id), username: bot.botInfo.username });
  const groupAdmins = settings.groupAdminsAreManagers ? createGroupAdminSync({ api: bot.api, store, communities: deps.communities, log }) : null;
  const handle = createUpdateHandler({
    api: bot.api,
    store,
    ingest: deps.ingest,
    commands: deps.commands,
    communities: deps.communities,
    me,
    onAdminsChanged: groupAdmins ? () => groupAdmins.touch() : undefined,
    readDocument: createDocumentReader({ api: bot.api, apiRoot: settings.apiRoot, token: settings.token }),
  });

  // One middleware, one error boundary: a parse failure skips the update (logged); a failure to
  // store propagates, so the update is not confirmed and comes again.
  bot.use(async (ctx) => {
    const updateLog = log.child({ updateId: ctx.update.update_id, chat: ctx.chat?.id });
    let event;
    try {
      event = parseUpdate(ctx.update);
    } catch (error) {
      updateLog.error({ err: error }, 'telegram.update_unparsable');
      return;
    }
    await handle(event, ctx.update.update_id, updateLog);
  });

  const sender = createTelegramSender({
    api: sendApi,
    limiter,
    log,
    async onChatGone(chat: ChatRef, reason, why) {
      const ref = { platform: chat.platform, chatId: chat.chatId };
      await store.chats.setActive(ref, false);
      await store.audit.write({ communityId: null, actor: 'telegram', action: 'chat.deactivated', subject: `telegram:${chat.chatId}`, details: { reason, why } });
      if (isGroupChatId(chat.chatId)) log.warn({ chat: chat.chatId, reason }, 'telegram.chat_gone');
      // A private chat refuses until its person opens the bot and presses Start (or unblocks it).
      else log.warn({ chat: chat.chatId, reason, hint: 'this person must open the bot in Telegram and press Start' }, 'telegram.person_unreachable');
    },
    async onChatMigrated(from, to) {
      await store.transaction(async (tx) => {
        await tx.chats.migrate({ platform: from.platform, chatId: from.chatId }, { platform: to.platform, chatId: to.chatId });
        await tx.audit.write({ communityId: null, actor: 'telegram', action: 'chat.migrated', subject: `telegram:${from.chatId}`, details: { to: to.chatId } });
      });
    },
  });

  const publishCommands = async () => {
    const list: BotCommand[] = COMMANDS.map((c) => ({ command: c.name, description: commandSummary(c).slice(0, TELEGRAM_COMMAND_DESCRIPTION_MAX_CHARS) }));
    // Scoped to the managers' chats: members in community groups see no manager commands.
    const deskChats = new Set(deps.communities.list().flatMap((c) => deskChatIds(c, 'telegram')));
    for (const chatId of deskChats) {
      try {
        await bot.api.setMyCommands(list, { scope: { type: 'chat', chat_id: idFromString(chatId) } });
      } catch (error) {
        // A manager who never opened the bot has no chat yet; the list appears after their /start.
        log.warn({ chat: chatId, why: describeTelegramError(error) }, 'telegram.commands_not_published');
      }
    }
  };

  const webhookPath = settings.webhookUrl ? new URL(settings.webhookUrl).pathname : null;
  const routes: Route[] = [];
  if (webhookPath) {
    const callback = webhookCallback(bot, 'http', { secretToken: settings.webhookSecret, onTimeout: 'throw', timeoutMilliseconds: TELEGRAM_WEBHOOK_TIMEOUT_MS });
    routes.push({
      method: 'POST',
      path: webhookPath,
      // The update is stored before the response: a failure answers 500 and Telegram redelivers.
      handler: async (req, res) => {
        await callback(req, res);
      },
    });
  }

  let polling: Polling | null = null;
  let stopped: Promise<void> | null = null;
  let webhookSetup: { stop(): Promise<void> } | null = null;

  /** Runs `task` until it succeeds (backing off) or the connector stops. */
  const retryUntil = (task: () => Promise<void>) => {
    let active = true;
    let wake: () => void = () => undefined;
    const done = (async () => {
      for (let delay = 1000; active; delay = Math.min(delay * 2, 60_000)) {
        try {
          await task();
          return;
        } catch (error) {
          log.error({ why: describeTelegramError(error), retryInMs: delay }, 'telegram.webhook_not_set');
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, delay).unref();
          });
        }
      }
    })();
    return {
      async stop() {
        active = false;
        wake();
        await done;
      },
    };
  };

  return {
    sender,
    routes,
    async start() {
      // Connecting never holds up Jamii's start: without the network, polling keeps retrying
      // (a refused token is logged as an error on every attempt).
      const connected = async () => {
        log.info({ bot: bot.botInfo.username, mode: webhookPath ? 'webhook' : 'polling', apiRoot: settings.apiRoot }, 'telegram.connected');
        await publishCommands();
        groupAdmins?.start();
      };
      if (settings.webhookUrl) {
        const url = settings.webhookUrl;
        webhookSetup = retryUntil(async () => {
          if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
          await bot.api.setWebhook(url, { secret_token: settings.webhookSecret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES], drop_pending_updates: false });
          await connected();
        });
        return;
      }
      polling = createPolling({ bot, log, onConnected: connected });
      polling.start();
    },
    stop() {
      stopped ??= Promise.all([polling?.stop(), webhookSetup?.stop(), groupAdmins?.stop()]).then(() => undefined);
      return stopped;
    },
  };
}
