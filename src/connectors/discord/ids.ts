/**
 * Discord ids as Jamii stores them: snowflakes as decimal strings, never numbers (they pass
 * 2^53). A message in a thread or forum post lives in the thread's own channel: the ChatRef's
 * chat is the parent channel and `threadId` the thread, so drafts group by channel while replies
 * go back into the thread.
 */
import { JamiiError } from '../../core/errors.js';
import type { ChatRef } from '../../core/types.js';

const SNOWFLAKE = /^[1-9]\d{0,19}$/;
const SNOWFLAKE_MAX = 2n ** 64n - 1n;

export function isSnowflake(id: string): boolean {
  return SNOWFLAKE.test(id) && BigInt(id) <= SNOWFLAKE_MAX;
}

/** Checks a snowflake and returns it unchanged; refuses anything Discord never produces. */
export function snowflake(id: string): string {
  if (!isSnowflake(id)) throw new JamiiError('invalid_input', `not a Discord id: "${id}"`);
  return id;
}

/** The chat of a message: its channel, or the parent channel and the thread. */
export function chatRefOf(channelId: string, threadParentId?: string | null | undefined): ChatRef {
  return threadParentId
    ? { platform: 'discord', chatId: snowflake(threadParentId), threadId: snowflake(channelId) }
    : { platform: 'discord', chatId: snowflake(channelId) };
}

/** The channel to post in for a ChatRef: the thread when there is one. */
export function channelOf(ref: ChatRef): string {
  if (ref.platform !== 'discord') throw new JamiiError('invalid_input', `not a Discord chat: ${ref.platform}`);
  snowflake(ref.chatId);
  return ref.threadId ? snowflake(ref.threadId) : ref.chatId;
}

/** The inverse of {@link channelOf}, given the thread's parent when the channel is a thread. */
export function chatRefFromChannel(channelId: string, parentId: string | null): ChatRef {
  return chatRefOf(channelId, parentId);
}
