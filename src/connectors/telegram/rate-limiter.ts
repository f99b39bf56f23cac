/**
 * Keeps outbound posts within Telegram's limits before Telegram has to say 429: at most
 * 20 messages a minute to one group, about 30 a second overall. Installed as a grammY API
 * transformer, so every send (workers, prompts, answers) goes through it.
 *
 * Outbox sends reserve their slots up front (`withSlots`): every part of a split post at once,
 * and only when the last part can go within a bounded wait. A chat further behind than that is
 * refused with the time its slots free up, so the post waits in the queue, not in a send job
 * that would outlive its expiry. A one-part post's call retried after a 429 gets a new slot
 * within the same bound, or is refused the same way. A call's abort signal (a send's deadline)
 * ends its wait for a slot, and no call goes out once it has aborted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transformer } from 'grammy';
import { PostingLimitReached } from '../posting-limit.js';
import { checkDeadline, sleepUnlessAborted, untilDeadline } from '../send-deadline.js';
import { TELEGRAM_GROUP_MESSAGES_PER_MINUTE, TELEGRAM_MESSAGES_PER_SECOND } from './limits.js';

/** Methods that post a new message into a chat. */
const POSTING_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'sendPoll', 'copyMessage', 'forwardMessage']);

export interface OutboundLimiter {
  /** Waits until a message to `chatId` may go out, and reserves that slot. */
  acquire(chatId: string): Promise<void>;
  /**
   * Reserves `parts` messages to `chatId` and runs `post`, whose posting calls to that chat take
   * the reserved slots in order. Throws PostingLimitReached, reserving nothing, when the last
   * slot is more than `maxWaitMs` away (unless `parts` exceeds a minute's quota and can never fit).
   */
  withSlots<T>(chatId: string, parts: number, maxWaitMs: number, post: () => Promise<T>): Promise<T>;
  transformer: Transformer;
}

interface Plan {
  at: number;
  /** Send times of the planned messages, ascending. */
  slots: number[];
  group: number[] | null;
  overall: number[];
}

export function createOutboundLimiter(options: {
  groupPerMinute?: number;
  perSecond?: number;
  now?: () => number;
  /** Given the call's deadline signal when there is one: a sleep that honours it clears its timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
} = {}): OutboundLimiter {
  const groupPerMinute = options.groupPerMinute ?? TELEGRAM_GROUP_MESSAGES_PER_MINUTE;
  const spacingMs = 1000 / (options.perSecond ?? TELEGRAM_MESSAGES_PER_SECOND);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepUnlessAborted;
  /** Reserved send times per group (ascending), and overall (ascending). */
  const groups = new Map<string, number[]>();
  let reserved: number[] = [];
  /**
   * Slots a `withSlots` post holds for its chat, for the transformer to take, and the longest a
   * call beyond them (a retry after a 429) may wait for a new one.
   */
  const held = new AsyncLocalStorage<{ chatId: string; slots: number[]; maxWaitMs: number }>();

  /** The next `count` free send times for `chatId`, on copies of the reservations. */
  const plan = (chatId: string, count: number): Plan => {
    const t = now();
    const group = chatId.startsWith('-') ? (groups.get(chatId) ?? []).filter((x) => x > t - 60_000) : null;
    const overall = reserved.filter((x) => x > t - 1_000);
    const slots: number[] = [];
    for (let i = 0; i < count; i++) {
      let at = t;
      if (group) {
        const last = group.at(-1);
        if (last !== undefined) at = Math.max(at, last);
        if (group.length >= groupPerMinute) at = Math.max(at, group[group.length - groupPerMinute]! + 60_000);
      }
      // The first free slot at or after `at`, `spacingMs` from every other reservation.
      for (const r of overall) if (Math.abs(r - at) < spacingMs) at = r + spacingMs;
      const index = overall.findIndex((r) => r > at);
      overall.splice(index === -1 ? overall.length : index, 0, at);
      group?.push(at);
      slots.push(at);
    }
    return { at: t, slots, group, overall };
  };

  const commit = (chatId: string, p: Plan) => {
    if (p.group) groups.set(chatId, p.group);
    reserved = p.overall;
  };

  const waitUntil = async (slot: number, signal?: AbortSignal) => {
    const wait = slot - now();
    if (wait > 0) await untilDeadline(sleep(wait, signal), signal);
  };

  const acquire = async (chatId: string) => {
    const p = plan(chatId, 1);
    commit(chatId, p);
    await waitUntil(p.slots[0]!);
  };

  const withSlots = async <T>(chatId: string, parts: number, maxWaitMs: number, post: () => Promise<T>): Promise<T> => {
    const count = Math.max(1, Math.floor(parts));
    const p = plan(chatId, count);
    const lastWait = p.slots.at(-1)! - p.at;
    const fits = count <= groupPerMinute;
    if (lastWait > maxWaitMs && fits) throw new PostingLimitReached(chatId, lastWait);
    commit(chatId, p);
    // A one-part post's retried call has posted nothing yet: it may be refused like the post. In
    // a split post a call beyond the reserved slots may follow parts already out: it waits its
    // turn, so the reply is completed rather than left half posted.
    const retryWaitMs = fits && count === 1 ? maxWaitMs : Number.POSITIVE_INFINITY;
    return held.run({ chatId, slots: [...p.slots], maxWaitMs: retryWaitMs }, post);
  };

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    // grammY's Node build types its signal with the abort-controller package's declaration.
    const deadline = signal as unknown as AbortSignal | undefined;
    if (POSTING_METHODS.has(method) && (typeof chatId === 'number' || typeof chatId === 'string')) {
      const mine = held.getStore();
      const own = mine?.chatId === String(chatId) ? mine : undefined;
      const slot = own?.slots.shift();
      if (slot !== undefined) {
        await waitUntil(slot, deadline);
      } else if (own) {
        // A call beyond the reserved parts (a retry after a 429) takes a new slot, within the
        // post's bound: further off, a one-part post goes back to the queue (nothing of it is out).
        const p = plan(String(chatId), 1);
        const wait = p.slots[0]! - p.at;
        if (wait > own.maxWaitMs) throw new PostingLimitReached(String(chatId), wait);
        commit(String(chatId), p);
        await waitUntil(p.slots[0]!, deadline);
      } else {
        await acquire(String(chatId));
      }
      // A retry auto-retry makes after its own wait: past the deadline, it never goes out.
      checkDeadline(deadline);
    }
    return prev(method, payload, signal);
  };

  return { acquire, withSlots, transformer };
}
