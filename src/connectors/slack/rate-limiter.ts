/**
 * Keeps posts to one Slack channel about a second apart (chat.postMessage's per-channel limit),
 * before Slack has to answer 429: each post reserves the next free slot of its channel.
 */
import { SLACK_CHANNEL_MESSAGES_PER_SECOND } from './limits.js';

export interface ChannelLimiter {
  /** Waits until a message to `channel` may go out, and reserves that slot. */
  acquire(channel: string): Promise<void>;
}

export function createChannelLimiter(options: { perSecond?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {}): ChannelLimiter {
  const spacingMs = 1000 / (options.perSecond ?? SLACK_CHANNEL_MESSAGES_PER_SECOND);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  /** The next free slot per channel. */
  const next = new Map<string, number>();
  return {
    async acquire(channel) {
      const t = now();
      for (const [c, at] of next) if (at <= t) next.delete(c);
      const at = Math.max(t, next.get(channel) ?? t);
      next.set(channel, at + spacingMs);
      if (at > t) await sleep(at - t);
    },
  };
}
