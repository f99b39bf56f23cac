/**
 * The outbound half: posts outbox rows through the Bot API and edits cards in place. Replies
 * answer the member's message (reply_parameters, allowed without it) in the member's topic,
 * link previews off. Failures become DeliveryErrors; a chat that refuses the bot (403) is
 * reported so it is marked inactive, and the core hands the draft back to the desk.
 */
import type { Api, RawApi } from 'grammy';
import type { Message } from 'grammy/types';
import { DeliveryError } from '../../core/errors.js';
import type { Logger, PlatformSender } from '../../core/ports.js';
import type { ChatRef, OutboundPost } from '../../core/types.js';
import { classifyTelegramError, describeTelegramError, isNotModified, type ChatGoneReason } from './errors.js';
import { apiTarget, chatRefOf, idFromString, idToString } from './ids.js';
import { renderCard, renderText, type TelegramMessagePart } from './render.js';

export interface TelegramSenderDeps {
  api: Api<RawApi>;
  log: Logger;
  /** The chat refused the bot: mark it inactive. */
  onChatGone(chat: ChatRef, reason: ChatGoneReason, why: string): Promise<void>;
  /** The group became a supergroup: move its history to the new id. */
  onChatMigrated(from: ChatRef, to: ChatRef): Promise<void>;
}

const NO_PREVIEW = { is_disabled: true } as const;

export function createTelegramSender(deps: TelegramSenderDeps): PlatformSender {
  const { api, log } = deps;

  const post = async (target: ChatRef, part: TelegramMessagePart, replyTo: string | null): Promise<Message.TextMessage> => {
    const { chat_id, message_thread_id } = apiTarget(target);
    const hasMarkup = part.replyMarkup && !('inline_keyboard' in part.replyMarkup && part.replyMarkup.inline_keyboard.length === 0);
    return api.sendMessage(chat_id, part.text, {
      ...(message_thread_id !== undefined ? { message_thread_id } : {}),
      ...(part.parseMode ? { parse_mode: part.parseMode } : {}),
      ...(hasMarkup ? { reply_markup: part.replyMarkup } : {}),
      ...(replyTo ? { reply_parameters: { message_id: idFromString(replyTo), allow_sending_without_reply: true } } : {}),
      link_preview_options: NO_PREVIEW,
    });
  };

  /** Posts every part; the first part answers `replyTo`, later parts follow in order. */
  const postAll = async (target: ChatRef, parts: TelegramMessagePart[], replyTo: string | null): Promise<string> => {
    let first: string | null = null;
    for (const part of parts) {
      try {
        const sent = await post(target, part, first === null ? replyTo : first);
        first ??= idToString(sent.message_id);
      } catch (error) {
        if (first !== null) {
          // Part of a long reply is out: sending it all again would repeat that part.
          throw new DeliveryError('unknown', false, `only part of a split reply was posted: ${describeTelegramError(error)}`, { cause: error });
        }
        throw error;
      }
    }
    return first!;
  };

  return {
    platform: 'telegram',
    // Telegram has no idempotency key: a send interrupted mid-flight must not be repeated blindly.
    idempotentSend: false,

    async send(outbound: OutboundPost) {
      const parts = outbound.card ? [renderCard(outbound.card)] : renderText(outbound.text);
      let target = outbound.target;
      for (let attempt = 0; ; attempt++) {
        try {
          return { messageId: await postAll(target, parts, outbound.replyToMessageId) };
        } catch (error) {
          if (error instanceof DeliveryError) throw error;
          const failure = classifyTelegramError(error);
          const why = describeTelegramError(error);
          if (failure.migrateToChatId !== null && attempt === 0) {
            const to = chatRefOf({ id: failure.migrateToChatId }, target.threadId ? Number(target.threadId) : undefined);
            await deps.onChatMigrated(target, to);
            log.info({ outboxId: outbound.id, from: target.chatId, to: to.chatId }, 'telegram.chat_migrated');
            target = to;
            continue;
          }
          if (failure.chatGone) await deps.onChatGone(target, failure.chatGone, why);
          throw failure.error;
        }
      }
    },

    async updateCard(target, messageId, card) {
      const part = renderCard(card);
      const { chat_id } = apiTarget(target);
      try {
        await api.editMessageText(chat_id, idFromString(messageId), part.text, {
          ...(part.parseMode ? { parse_mode: part.parseMode } : {}),
          // An empty keyboard removes the buttons once the draft is decided.
          reply_markup: part.replyMarkup && 'inline_keyboard' in part.replyMarkup ? part.replyMarkup : { inline_keyboard: [] },
          link_preview_options: NO_PREVIEW,
        });
      } catch (error) {
        if (isNotModified(error)) return;
        const failure = classifyTelegramError(error);
        if (failure.chatGone) {
          await deps.onChatGone(target, failure.chatGone, describeTelegramError(error));
          return;
        }
        if (failure.error.outcome === 'not_sent' && !failure.error.retryable) {
          // The card was deleted or is too old to edit: nothing to update, nothing to retry.
          log.warn({ chat: target.chatId, messageId, why: describeTelegramError(error) }, 'telegram.card_not_updated');
          return;
        }
        throw failure.error;
      }
    },
  };
}
