/**
 * Telegram ids as Jamii stores them: decimal strings. Chat ids of supergroups and channels are
 * negative (`-100…`), a private chat's id is the user's id; all fit in 52 bits, so they convert
 * to the numbers the Bot API takes without loss. Forum topics are the `message_thread_id`.
 */
import { JamiiError } from '../../core/errors.js';
import type { ChatRef } from '../../core/types.js';

const INTEGER_ID = /^-?[1-9]\d{0,15}$/;

/** A Bot API integer id → Jamii's string form. */
export function idToString(id: number): string {
  if (!Number.isSafeInteger(id) || id === 0) throw new JamiiError('invalid_input', `not a Telegram id: ${id}`);
  return String(id);
}

/** Jamii's string form → the Bot API integer. Refuses anything that would not round-trip. */
export function idFromString(id: string): number {
  if (!INTEGER_ID.test(id)) throw new JamiiError('invalid_input', `not a Telegram id: "${id}"`);
  const n = Number(id);
  if (!Number.isSafeInteger(n)) throw new JamiiError('invalid_input', `Telegram id out of range: "${id}"`);
  return n;
}

/** The chat (and forum topic) a message lives in. */
export function chatRefOf(chat: { id: number }, threadId?: number | undefined): ChatRef {
  return { platform: 'telegram', chatId: idToString(chat.id), ...(threadId !== undefined ? { threadId: idToString(threadId) } : {}) };
}

/** Where the Bot API should post for a ChatRef: `chat_id` and, in a forum topic, `message_thread_id`. */
export function apiTarget(ref: ChatRef): { chat_id: number; message_thread_id?: number } {
  if (ref.platform !== 'telegram') throw new JamiiError('invalid_input', `not a Telegram chat: ${ref.platform}`);
  const chat_id = idFromString(ref.chatId);
  return ref.threadId ? { chat_id, message_thread_id: idFromString(ref.threadId) } : { chat_id };
}

/** The inverse of {@link apiTarget}. */
export function chatRefFromTarget(target: { chat_id: number; message_thread_id?: number | undefined }): ChatRef {
  return chatRefOf({ id: target.chat_id }, target.message_thread_id);
}

/** A private chat's id is its user's id: where a manager gets cards and private refusals. */
export function privateChatOf(userId: string): ChatRef {
  return { platform: 'telegram', chatId: userId };
}

/** Groups, supergroups and channels have negative ids; users (private chats) positive. */
export function isGroupChatId(chatId: string): boolean {
  return chatId.startsWith('-');
}
