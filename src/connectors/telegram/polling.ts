/**
 * Long polling that never confirms an update before it is stored. grammY's built-in `bot.start`
 * moves the offset past an update whose handler failed, and its `stop` confirms an update still
 * being handled; this loop uses grammY's own getUpdates and handleUpdate but confirms a batch
 * (the next getUpdates' offset) only after every update in it was handled. A failed batch is
 * fetched and handled again; redelivered updates are no-ops downstream.
 */
import { GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../core/ports.js';
import { describeTelegramError } from './errors.js';
import { updateChatKey } from './parse.js';

/** Reactions arrive only for chats where the bot is an administrator (Telegram's rule). */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member', 'chat_member', 'message_reaction', 'message_reaction_count'] as const;
/** Seconds one getUpdates long poll waits for updates. */
export const TELEGRAM_POLL_TIMEOUT_SECONDS = 30;
export const TELEGRAM_POLL_LIMIT = 100;
const BACKOFF_MIN_MS = 500;

/** grammY's Node build types its signals with the abort-controller package's declaration. */
type GrammySignal = NonNullable<Parameters<Bot['init']>[0]>;
const BACKOFF_MAX_MS = 30_000;

export interface Polling {
  start(): void;
  /** Ends the long poll, waits for the batch being handled, and confirms what was handled. */
  stop(): Promise<void>;
}

/**
 * Handles a batch: updates of one chat in order, different chats concurrently (ingest commits
 * concurrent messages together). Rejects if any update could not be handled.
 */
export async function handleBatch(bot: Bot, updates: Update[]): Promise<void> {
  const byChat = new Map<string, Update[]>();
  for (const u of updates) {
    const key = updateChatKey(u);
    const list = byChat.get(key);
    if (list) list.push(u);
    else byChat.set(key, [u]);
  }
  const results = await Promise.allSettled(
    [...byChat.values()].map(async (list) => {
      for (const u of list) await bot.handleUpdate(u);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export function createPolling(deps: {
  bot: Bot;
  log: Logger;
  /** Runs once the Bot API answered (getMe), before the first poll; a failure is retried. */
  onConnected?: () => Promise<void>;
  timeoutSeconds?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}): Polling {
  const { bot, log } = deps;
  const timeout = deps.timeoutSeconds ?? TELEGRAM_POLL_TIMEOUT_SECONDS;
  let running = false;
  let loop: Promise<void> | null = null;
  let abort = new AbortController();
  /** The offset that confirms everything handled so far (undefined: nothing yet this run). */
  let offset: number | undefined;

  const sleep = deps.sleep ?? ((ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }));

  const run = async () => {
    let backoff = BACKOFF_MIN_MS;
    const failed = async (what: string, error: unknown) => {
      const conflict = error instanceof GrammyError && (error.error_code === 409 || error.error_code === 401);
      log[conflict ? 'error' : 'warn']({ why: describeTelegramError(error), retryInMs: backoff }, what);
      await sleep(backoff, abort.signal);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    };
    let connected = false;
    while (running) {
      if (!connected) {
        try {
          // getMe directly: bot.init() retries network failures forever without a word.
          if (!bot.isInited()) bot.botInfo = await bot.api.getMe(abort.signal as unknown as GrammySignal);
          // Polling and a webhook exclude each other; keep pending updates.
          await bot.api.deleteWebhook({ drop_pending_updates: false }, abort.signal as unknown as GrammySignal);
          await deps.onConnected?.();
          connected = true;
        } catch (error) {
          if (running) await failed('telegram.init_failed', error);
          continue;
        }
      }
      let updates: Update[];
      try {
        updates = await bot.api.getUpdates({ offset, limit: TELEGRAM_POLL_LIMIT, timeout, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }, abort.signal as unknown as GrammySignal);
      } catch (error) {
        if (running) await failed('telegram.poll_failed', error);
        continue;
      }
      if (updates.length === 0) continue;
      try {
        await handleBatch(bot, updates);
      } catch (error) {
        // Not confirmed: the same updates come again, and what was stored is skipped then.
        await failed('telegram.batch_failed', error);
        continue;
      }
      offset = updates[updates.length - 1]!.update_id + 1;
      backoff = BACKOFF_MIN_MS;
      log.debug({ count: updates.length, offset }, 'telegram.batch_handled');
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      abort = new AbortController();
      loop = run().catch((error: unknown) => log.error({ why: describeTelegramError(error) }, 'telegram.polling_stopped'));
    },
    async stop() {
      if (!running) return;
      running = false;
      abort.abort();
      await loop;
      if (offset !== undefined) {
        // Confirm what was handled, so a restart does not fetch it again (it would be skipped anyway).
        await bot.api.getUpdates({ offset, limit: 1, timeout: 0 }).catch(() => undefined);
      }
    },
  };
}
