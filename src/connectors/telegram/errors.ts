/**
 * Bot API failures → Jamii's error taxonomy. The question for every failed send is whether the
 * message may exist anyway: an answer from Telegram (GrammyError) means it does not; a network
 * failure before the request left means it does not; anything after it left is `unknown`.
 */
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError, errorCauseCodes, neverConnected } from '../../core/errors.js';
import { PostingLimitReached } from '../posting-limit.js';

/** Why a chat can no longer be posted to: the bot was kicked or blocked, or the chat is gone. */
export type ChatGoneReason = 'forbidden' | 'chat_not_found';

export interface TelegramFailure {
  error: DeliveryError;
  /** Set when the chat should be marked inactive. */
  chatGone: ChatGoneReason | null;
  /** A group that became a supergroup answers with its new id. */
  migrateToChatId: number | null;
  /** Seconds Telegram asked us to wait (a 429 the auto-retry plugin did not wait out). */
  retryAfterSeconds: number | null;
}

/** A short, token-free description of a Bot API failure (for outbox rows, audit and logs). */
export function describeTelegramError(error: unknown): string {
  if (error instanceof GrammyError) return `telegram ${error.method}: ${error.error_code} ${error.description}`;
  if (error instanceof HttpError) {
    const codes = errorCauseCodes(error);
    return `telegram network error${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Classifies a failed send or edit. */
export function classifyTelegramError(error: unknown): TelegramFailure {
  const why = describeTelegramError(error);
  const base = { chatGone: null, migrateToChatId: null, retryAfterSeconds: null };
  if (error instanceof PostingLimitReached) {
    // Refused before any request: the chat's slots are taken for a while; the post waits in the queue.
    const retryAfterSeconds = Math.ceil(error.retryAfterMs / 1000);
    return { ...base, retryAfterSeconds, error: new DeliveryError('not_sent', true, why, { cause: error, retryAfterMs: error.retryAfterMs }) };
  }
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = error.description.toLowerCase();
    if (code === 429) {
      const retryAfterSeconds = error.parameters.retry_after ?? null;
      const retryAfterMs = retryAfterSeconds === null ? null : retryAfterSeconds * 1000;
      return { ...base, retryAfterSeconds, error: new DeliveryError('not_sent', true, why, { cause: error, details: { retryAfterSeconds }, retryAfterMs }) };
    }
    if (code === 403) {
      return { ...base, chatGone: 'forbidden', error: new DeliveryError('not_sent', false, why, { cause: error, details: { chatGone: true } }) };
    }
    if (error.parameters.migrate_to_chat_id !== undefined) {
      return { ...base, migrateToChatId: error.parameters.migrate_to_chat_id, error: new DeliveryError('not_sent', true, why, { cause: error }) };
    }
    if (code === 400 && description.includes('chat not found')) {
      return { ...base, chatGone: 'chat_not_found', error: new DeliveryError('not_sent', false, why, { cause: error, details: { chatGone: true } }) };
    }
    if (code >= 500) {
      // The Bot API server failed while handling it: it may have posted.
      return { ...base, error: new DeliveryError('unknown', false, why, { cause: error }) };
    }
    return { ...base, error: new DeliveryError('not_sent', false, why, { cause: error }) };
  }
  if (error instanceof HttpError && neverConnected(error)) {
    return { ...base, error: new DeliveryError('not_sent', true, why, { cause: error }) };
  }
  return { ...base, error: new DeliveryError('unknown', false, why, { cause: error }) };
}

/** Editing a card to what it already shows is not a failure. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}
