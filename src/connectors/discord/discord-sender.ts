/**
 * The outbound half: posts outbox rows through Discord's REST API and edits cards in place.
 * Replies reference the member's message (posted anyway if it was deleted) in the same channel
 * or thread; mentions are parsed from nothing, so a reply can never ping @everyone, @here or a
 * role; link embeds are suppressed. discord.js' REST queue waits out 429s. A channel that
 * refuses the bot (403, unknown channel) is reported so it is marked inactive, and the core
 * hands the draft back to the desk.
 */
import { MessageFlags, Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { DeliveryError } from '../../core/errors.js';
import { postBody } from '../../core/desk-cards.js';
import type { Logger, PlatformSender, SendOptions } from '../../core/ports.js';
import type { ChatRef, OutboundPost } from '../../core/types.js';
import { checkDeadline, deadlinePassed, untilDeadline } from '../send-deadline.js';
import { classifyDiscordError, describeDiscordError, DISCORD_SEND_MAX_WAIT_MS, isUnknownMessage, trackPost, type ChannelGoneReason } from './errors.js';
import { channelOf, snowflake } from './ids.js';
import { renderCard, renderImage, renderPoll, renderText, type DiscordMessagePart } from './render.js';

/** The messages of one post: a card; text parts; a native poll under its text; or text with the image attached. */
function partsOf(outbound: OutboundPost): DiscordMessagePart[] {
  if (outbound.card) return [renderCard(outbound.card)];
  if (outbound.poll) return renderPoll(outbound.poll, outbound.text) ?? renderText(postBody(outbound));
  if (outbound.image) return renderImage(outbound.image, outbound.text);
  return renderText(outbound.text);
}

/** Discord's `nonce` is at most 25 characters. */
const NONCE_MAX_CHARS = 25;

export interface DiscordSenderDeps {
  rest: REST;
  log: Logger;
  /** The channel refused the bot or is gone: mark it inactive. */
  onChannelGone(chat: ChatRef, reason: ChannelGoneReason, why: string): Promise<void>;
  /** The longest a post waits for an earlier one to its channel (DISCORD_SEND_MAX_WAIT_MS). */
  turnMaxWaitMs?: number;
}

function nonceOf(outboxId: number, part: number): string {
  return `jamii-${outboxId}-${part}`.slice(0, NONCE_MAX_CHARS);
}

export function createDiscordSender(deps: DiscordSenderDeps): PlatformSender {
  const { rest, log } = deps;

  /**
   * This process's posts and card edits to one channel, one after another. After a 429
   * discord.js may hold a channel's later requests in a queue that no abort signal or rate-limit
   * check reaches; with one request of ours at a time per channel, a post never waits there. A
   * post waits for its turn at most DISCORD_SEND_MAX_WAIT_MS (then it goes back to the queue, not
   * counted as a failure) and never past its deadline (nothing sent).
   */
  const turns = new Map<string, Promise<void>>();
  const inTurn = async <T>(channelId: string, signal: AbortSignal | undefined, run: () => Promise<T>, maxWaitMs = Number.POSITIVE_INFINITY): Promise<T> => {
    const previous = turns.get(channelId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    // Settles when every turn before this one and this one are over, whatever happens to this one.
    const tail = previous.then(() => mine);
    turns.set(channelId, tail);
    try {
      let timer: NodeJS.Timeout | undefined;
      const busy = new Promise<'busy'>((resolve) => {
        if (Number.isFinite(maxWaitMs)) timer = setTimeout(() => resolve('busy'), maxWaitMs);
      });
      const turn = await untilDeadline(Promise.race([previous.then(() => 'free' as const), busy]), signal).finally(() => clearTimeout(timer));
      if (turn === 'busy') {
        throw new DeliveryError('not_sent', true, `another post of ours to this channel is still on its way after ${Math.round(maxWaitMs / 1000)} s`, { retryAfterMs: maxWaitMs });
      }
      return await run();
    } finally {
      done();
      // The entry goes only once the whole chain is over: a turn given up early (deadline, busy)
      // must not let the next post start while an earlier one is still running.
      void tail.then(() => {
        if (turns.get(channelId) === tail) turns.delete(channelId);
      });
    }
  };

  const post = async (channelId: string, part: DiscordMessagePart, replyTo: string | null, nonce: string, pingReplied: boolean, options: SendOptions | undefined): Promise<string> => {
    const body: RESTPostAPIChannelMessageJSONBody = {
      ...(part.content !== undefined ? { content: part.content } : {}),
      ...(part.embeds ? { embeds: part.embeds } : {}),
      ...(part.components && part.components.length > 0 ? { components: part.components } : {}),
      ...(part.poll ? { poll: part.poll } : {}),
      ...(part.files ? { attachments: part.files.map((f, id) => ({ id, filename: f.name, description: f.description })) } : {}),
      ...(replyTo ? { message_reference: { message_id: snowflake(replyTo), fail_if_not_exists: false } } : {}),
      allowed_mentions: { parse: [], replied_user: pingReplied },
      // Discord drops a second message with the same nonce sent within minutes.
      nonce,
      enforce_nonce: true,
      ...(part.embeds ? {} : { flags: MessageFlags.SuppressEmbeds }),
    };
    // With files, discord.js sends multipart/form-data: the body as payload_json, each file as files[n].
    const files = part.files?.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType }));
    // Past the deadline no part starts; one under way is aborted, in discord.js' queue or in
    // flight, and a rate-limit wait longer than what is left is refused before it starts.
    checkDeadline(options?.signal);
    // A signal of its own per part: discord.js adds an abort listener on every try and never
    // removes it, so a long post's tries would pile them up on the send's signal.
    const signal = options?.signal ? AbortSignal.any([options.signal]) : undefined;
    const request = () => rest.post(Routes.channelMessages(channelId), { body, ...(files ? { files } : {}), ...(signal ? { signal } : {}) });
    const { tries, result } = trackPost(options?.deadlineAt, request);
    try {
      return ((await result) as { id: string }).id;
    } catch (error) {
      // Whatever the post ended with, a try that may have reached Discord makes it unknown.
      if (tries.mayHaveLanded) throw new DeliveryError('unknown', false, `a try may have posted it before it failed: ${describeDiscordError(error)}`, { cause: error });
      // No try went out unanswered: stopped by the deadline (in discord.js' queue, or between
      // tries after a 429), nothing was posted.
      if (signal?.aborted && (error as { name?: unknown } | null)?.name === 'AbortError') throw deadlinePassed();
      throw error;
    }
  };

  /** Every part of a post in turn; the first answers the member's message, later ones follow it. */
  const sendParts = async (outbound: OutboundPost, parts: DiscordMessagePart[], channelId: string, options: SendOptions | undefined): Promise<{ messageId: string }> => {
    let first: string | null = null;
    for (const [i, part] of parts.entries()) {
      try {
        const id = await post(channelId, part, first ?? outbound.replyToMessageId, nonceOf(outbound.id, i), outbound.kind === 'reply' && first === null, options);
        first ??= id;
      } catch (error) {
        const why = describeDiscordError(error);
        if (error instanceof DeliveryError && first === null) throw error;
        if (first !== null) {
          // Part of a long reply is out: sending it all again would repeat that part.
          throw new DeliveryError('unknown', false, `only part of a split reply was posted: ${why}`, { cause: error });
        }
        const failure = classifyDiscordError(error);
        if (failure.channelGone) await deps.onChannelGone(outbound.target, failure.channelGone, why);
        throw failure.error;
      }
    }
    return { messageId: first! };
  };

  return {
    platform: 'discord',
    // Discord's nonce dedupes only for a few minutes: an interrupted send still needs a human.
    idempotentSend: false,

    async send(outbound: OutboundPost, options?: SendOptions) {
      const parts = partsOf(outbound);
      const channelId = channelOf(outbound.target);
      return inTurn(channelId, options?.signal, () => sendParts(outbound, parts, channelId, options), deps.turnMaxWaitMs ?? DISCORD_SEND_MAX_WAIT_MS);
    },

    async updateCard(target, messageId, card) {
      const part = renderCard(card);
      const channelId = channelOf(target);
      try {
        // In the channel's turn too: discord.js may queue a message edit with the channel's posts.
        await inTurn(channelId, undefined, () =>
          rest.patch(Routes.channelMessage(channelId, snowflake(messageId)), {
            // No buttons once the draft is decided: an empty list removes them.
            body: { embeds: part.embeds, components: part.components ?? [], allowed_mentions: { parse: [] } },
          }),
        );
      } catch (error) {
        const why = describeDiscordError(error);
        if (isUnknownMessage(error)) {
          log.warn({ chat: target.chatId, messageId, why }, 'discord.card_not_updated');
          return;
        }
        const failure = classifyDiscordError(error);
        if (failure.channelGone) {
          await deps.onChannelGone(target, failure.channelGone, why);
          return;
        }
        throw failure.error;
      }
    },
  };
}
