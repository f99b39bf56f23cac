/**
 * Keeps outbound posts within Telegram's limits before Telegram has to say 429: at most
 * 20 messages a minute to one group, about 30 a second overall. Installed as a grammY API
 * transformer, so every send (workers, prompts, answers) goes through it.
 */
import type { Transformer } from 'grammy';
import { TELEGRAM_GROUP_MESSAGES_PER_MINUTE, TELEGRAM_MESSAGES_PER_SECOND } from './limits.js';

/** Methods that post a new message into a chat. */
const POSTING_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'sendPoll', 'copyMessage', 'forwardMessage']);

export interface OutboundLimiter {
  /** Waits until a message to `chatId` may go out, and reserves that slot. */
  acquire(chatId: string): Promise<void>;
  transformer: Transformer;
}

export function createOutboundLimiter(options: {
  groupPerMinute?: number;
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
} = {}): OutboundLimiter {
  const groupPerMinute = options.groupPerMinute ?? TELEGRAM_GROUP_MESSAGES_PER_MINUTE;
  const spacingMs = 1000 / (options.perSecond ?? TELEGRAM_MESSAGES_PER_SECOND);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  /** Reserved send times per group (ascending), and overall. */
  const groups = new Map<string, number[]>();
  let reserved: number[] = [];

  const reserve = (chatId: string): number => {
    const t = now();
    let at = t;
    if (chatId.startsWith('-')) {
      const times = (groups.get(chatId) ?? []).filter((x) => x > t - 60_000);
      const last = times.at(-1);
      if (last !== undefined) at = Math.max(at, last);
      if (times.length >= groupPerMinute) at = Math.max(at, times[times.length - groupPerMinute]! + 60_000);
      times.push(at);
      groups.set(chatId, times);
    }
    reserved = reserved.filter((x) => x > t - 1_000).sort((a, b) => a - b);
    // The first free slot at or after `at`, `spacingMs` from every other reservation.
    for (const r of reserved) if (Math.abs(r - at) < spacingMs) at = r + spacingMs;
    reserved.push(at);
    if (chatId.startsWith('-')) {
      const times = groups.get(chatId)!;
      times[times.length - 1] = at;
    }
    return at - t;
  };

  const acquire = async (chatId: string) => {
    const wait = reserve(chatId);
    if (wait > 0) await sleep(wait);
  };

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (POSTING_METHODS.has(method) && (typeof chatId === 'number' || typeof chatId === 'string')) await acquire(String(chatId));
    return prev(method, payload, signal);
  };

  return { acquire, transformer };
}
