/**
 * Keeps posts to one Slack channel about a second apart (chat.postMessage's per-channel limit),
 * before Slack has to answer 429: each post reserves the next free slots of its channel, every
 * part of a split post at once, and only when the last part can go within a bounded wait. A
 * channel further behind refuses the post with the time it frees up, so the post waits in the
 * queue rather than in a send job that would outlive its expiry.
 */
import { PostingLimitReached } from '../posting-limit.js';
import { sleepUnlessAborted } from '../send-deadline.js';
import { SLACK_CHANNEL_MESSAGES_PER_SECOND } from './limits.js';

export interface ChannelLimiter {
  /**
   * Reserves `count` consecutive messages to `channel`: one wait per message, in order, each
   * resolving at its slot. Throws PostingLimitReached, reserving nothing, when the last slot is more
   * than `maxWaitMs` away (a post too long to ever fit waits for the channel to be free). A wait
   * given its send's deadline signal ends (rejecting) when the deadline passes.
   */
  reserve(channel: string, count: number, maxWaitMs: number): Array<(signal?: AbortSignal) => Promise<void>>;
}

export function createChannelLimiter(options: { perSecond?: number; now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {}): ChannelLimiter {
  const spacingMs = 1000 / (options.perSecond ?? SLACK_CHANNEL_MESSAGES_PER_SECOND);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepUnlessAborted;
  /** The next free slot per channel. */
  const next = new Map<string, number>();
  return {
    reserve(channel, count, maxWaitMs) {
      const t = now();
      for (const [c, at] of next) if (at <= t) next.delete(c);
      const first = Math.max(t, next.get(channel) ?? t);
      const n = Math.max(1, Math.floor(count));
      const last = first + (n - 1) * spacingMs;
      // A post too long to ever fit in the wait goes once the channel is free.
      if (first - t > Math.max(0, maxWaitMs - (n - 1) * spacingMs)) throw new PostingLimitReached(channel, last - t);
      next.set(channel, last + spacingMs);
      return Array.from({ length: n }, (_, i) => async (signal?: AbortSignal) => {
        const wait = first + i * spacingMs - now();
        if (wait > 0) await sleep(wait, signal);
      });
    },
  };
}
