/**
 * The outbound half: posts outbox rows through the Bot API and edits cards in place. Replies
 * answer the member's message (reply_parameters, allowed without it) in the member's topic,
 * link previews off. Failures become DeliveryErrors; a chat that refuses the bot (403) is
 * reported so it is marked inactive, and the core hands the draft back to the desk.
 */
import { GrammyError, HttpError, InputFile, type Api, type Bot, type RawApi } from 'grammy';
import { postBody } from '../../core/desk-cards.js';
import { DeliveryError } from '../../core/errors.js';
import type { Logger, PlatformSender, SendOptions } from '../../core/ports.js';
import type { ChatRef, ImageAttachment, OutboundPost } from '../../core/types.js';
import { classifyTelegramError, describeTelegramError, isNotModified, type ChatGoneReason } from './errors.js';
import { apiTarget, chatRefOf, idFromString, idToString } from './ids.js';
import { PostingLimitReached } from '../posting-limit.js';
import { checkDeadline, deadlinePassed } from '../send-deadline.js';
import type { OutboundLimiter } from './rate-limiter.js';
import { renderCard, renderPhoto, renderPoll, renderText, type TelegramMessagePart, type TelegramPollPart } from './render.js';

/** grammY's Node build types its signals with the abort-controller package's declaration. */
type GrammySignal = NonNullable<Parameters<Bot['init']>[0]>;

/**
 * One message of a post, sent to `target` in answer to `replyTo`. `signal` (the send's deadline)
 * aborts the request, and the limiter's wait before it.
 */
type SendStep = (target: ChatRef, replyTo: string | null, signal: GrammySignal | undefined) => Promise<{ message_id: number }>;

/**
 * The longest a post waits for its chat's slots inside a send job. A chat further behind (a
 * desk that got more than 20 cards this minute) hands the post back to the queue until then,
 * so a send job never outlives its expiry waiting on the limiter.
 */
export const TELEGRAM_SEND_MAX_WAIT_MS = 10_000;

export interface TelegramSenderDeps {
  api: Api<RawApi>;
  /** The limiter installed on `api`: a post reserves all its parts' slots before the first goes. */
  limiter: Pick<OutboundLimiter, 'withSlots'>;
  log: Logger;
  /** The chat refused the bot: mark it inactive. */
  onChatGone(chat: ChatRef, reason: ChatGoneReason, why: string): Promise<void>;
  /** The group became a supergroup: move its history to the new id. */
  onChatMigrated(from: ChatRef, to: ChatRef): Promise<void>;
}

const NO_PREVIEW = { is_disabled: true } as const;

export function createTelegramSender(deps: TelegramSenderDeps): PlatformSender {
  const { api, log } = deps;

  /** Where and in answer to what a message goes: the topic, and the message it replies to. */
  const placement = (target: ChatRef, replyTo: string | null) => {
    const { message_thread_id } = apiTarget(target);
    return {
      ...(message_thread_id !== undefined ? { message_thread_id } : {}),
      ...(replyTo ? { reply_parameters: { message_id: idFromString(replyTo), allow_sending_without_reply: true } } : {}),
    };
  };

  const textStep = (part: TelegramMessagePart): SendStep => (target, replyTo, signal) => {
    const hasMarkup = part.replyMarkup && !('inline_keyboard' in part.replyMarkup && part.replyMarkup.inline_keyboard.length === 0);
    return api.sendMessage(
      apiTarget(target).chat_id,
      part.text,
      {
        ...placement(target, replyTo),
        ...(part.parseMode ? { parse_mode: part.parseMode } : {}),
        ...(hasMarkup ? { reply_markup: part.replyMarkup } : {}),
        link_preview_options: NO_PREVIEW,
      },
      signal,
    );
  };

  const pollStep = (poll: TelegramPollPart): SendStep => (target, replyTo, signal) =>
    api.sendPoll(
      apiTarget(target).chat_id,
      poll.question,
      poll.options,
      {
        ...placement(target, replyTo),
        ...(poll.description ? { description: poll.description } : {}),
      },
      signal,
    );

  const photoStep = (image: ImageAttachment, caption: string | undefined): SendStep => (target, replyTo, signal) =>
    api.sendPhoto(
      apiTarget(target).chat_id,
      new InputFile(Buffer.from(image.dataBase64, 'base64'), image.filename),
      {
        ...placement(target, replyTo),
        ...(caption ? { caption } : {}),
      },
      signal,
    );

  /** The steps of one post: text parts; or a native poll (text as its description); or a photo (text as its caption). */
  const stepsOf = (outbound: OutboundPost): SendStep[] => {
    if (outbound.card) return [textStep(renderCard(outbound.card))];
    const poll = outbound.poll ? renderPoll(outbound.poll, outbound.text) : null;
    if (poll) return [...poll.before.map(textStep), pollStep(poll.poll)];
    if (outbound.poll) return renderText(postBody(outbound)).map(textStep);
    if (outbound.image) {
      const photo = renderPhoto(outbound.text);
      return [...photo.before.map(textStep), photoStep(outbound.image, photo.caption)];
    }
    return renderText(outbound.text).map(textStep);
  };

  /** Runs every step; the first answers `replyTo`, later ones follow in order. */
  const postAll = async (target: ChatRef, steps: SendStep[], replyTo: string | null, signal: AbortSignal | undefined): Promise<string> => {
    let first: string | null = null;
    for (const step of steps) {
      try {
        // Past the deadline no part starts (a later one: the parts already out make it unknown).
        checkDeadline(signal);
        const sent = await step(target, first === null ? replyTo : first, signal as GrammySignal | undefined);
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

    async send(outbound: OutboundPost, options?: SendOptions) {
      const steps = stepsOf(outbound);
      const signal = options?.signal;
      let target = outbound.target;
      for (let attempt = 0; ; attempt++) {
        try {
          const chatId = String(apiTarget(target).chat_id);
          const messageId = await deps.limiter.withSlots(chatId, steps.length, TELEGRAM_SEND_MAX_WAIT_MS, () => postAll(target, steps, outbound.replyToMessageId, signal));
          return { messageId };
        } catch (error) {
          if (error instanceof DeliveryError) throw error;
          // The deadline ended a wait between tries (auto-retry's, after a 429): nothing went out.
          // A request it cut short in flight is an HttpError, classified below as unknown.
          if (signal?.aborted && !(error instanceof HttpError) && !(error instanceof GrammyError) && !(error instanceof PostingLimitReached)) throw deadlinePassed();
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
