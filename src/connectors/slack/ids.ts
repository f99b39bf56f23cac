/**
 * Slack ids as Jamii stores them. A channel id (`C…` public, `G…` private, `D…` direct) is the
 * chat; a thread is its parent message's `ts` (`1712345678.123456`), kept as the ChatRef's
 * `threadId`, so a thread's messages group in their channel and replies go back into the thread.
 * Message ids are `ts` strings, never numbers (a float would lose the microseconds).
 */
import { JamiiError } from '../../core/errors.js';
import type { ChatRef } from '../../core/types.js';

const CHANNEL_ID = /^[CDG][A-Z0-9]{5,20}$/;
const USER_ID = /^[UWB][A-Z0-9]{5,20}$/;
const TS = /^\d{9,11}\.\d{6}$/;

export function isChannelId(id: string): boolean {
  return CHANNEL_ID.test(id);
}

/**
 * A direct message (`D…`): one person and one other. A command typed in one that is a desk is
 * typed in the bot's own IM with the invoker (the bot can post cards in no other DM).
 */
export function isDirectMessageId(id: string): boolean {
  return id.startsWith('D') && CHANNEL_ID.test(id);
}

/** Checks a channel id and returns it unchanged; refuses anything Slack never produces. */
export function channelId(id: string): string {
  if (!CHANNEL_ID.test(id)) throw new JamiiError('invalid_input', `not a Slack channel id: "${id}"`);
  return id;
}

export function userId(id: string): string {
  if (!USER_ID.test(id)) throw new JamiiError('invalid_input', `not a Slack user id: "${id}"`);
  return id;
}

/** Checks a message timestamp (Slack's message id) and returns it unchanged. */
export function messageTs(ts: string): string {
  if (!TS.test(ts)) throw new JamiiError('invalid_input', `not a Slack message ts: "${ts}"`);
  return ts;
}

/** The chat of a message: its channel, and the thread when it is a reply in one. */
export function chatRefOf(channel: string, threadTs?: string | null | undefined): ChatRef {
  return threadTs ? { platform: 'slack', chatId: channelId(channel), threadId: messageTs(threadTs) } : { platform: 'slack', chatId: channelId(channel) };
}

/** Where to post for a ChatRef: the channel, and the thread's ts when there is one. */
export function destinationOf(ref: ChatRef): { channel: string; threadTs: string | undefined } {
  if (ref.platform !== 'slack') throw new JamiiError('invalid_input', `not a Slack chat: ${ref.platform}`);
  return { channel: channelId(ref.chatId), threadTs: ref.threadId ? messageTs(ref.threadId) : undefined };
}
