/**
 * Answering interactions: the first answer within Discord's 3 seconds (a message, a modal, or a
 * deferral), then edits of that answer and follow-ups through the interaction webhook, which
 * needs no bot token and lives 15 minutes.
 */
import {
  InteractionResponseType,
  MessageFlags,
  Routes,
  type APIModalInteractionResponseCallbackData,
  type REST,
} from 'discord.js';
import type { InteractionHandle } from './parse.js';
import { splitText } from './render.js';

/** Work that takes longer than this is deferred first, leaving a margin under the 3 s deadline. */
export const DISCORD_DEFER_AFTER_MS = 2000;

const NO_PINGS = { parse: [] as never[] };

export interface InteractionResponder {
  /** Answers at once with a message (ephemeral: only the invoker sees it). */
  reply(i: InteractionHandle, text: string, ephemeral: boolean): Promise<void>;
  /** Acknowledges now; the answer follows with {@link editReply}. */
  defer(i: InteractionHandle, ephemeral: boolean): Promise<void>;
  /** Replaces the deferred (or first) answer; text over 2000 characters continues in follow-ups. */
  editReply(i: InteractionHandle, text: string, ephemeral: boolean): Promise<void>;
  modal(i: InteractionHandle, modal: APIModalInteractionResponseCallbackData): Promise<void>;
  /** Removes a public deferred answer and sends `text` to the invoker alone (a refusal after a public deferral). */
  replaceWithPrivate(i: InteractionHandle, text: string): Promise<void>;
}

export function createInteractionResponder(rest: REST): InteractionResponder {
  const callback = (i: InteractionHandle, body: unknown) => rest.post(Routes.interactionCallback(i.id, i.token), { body, auth: false });
  const followUps = async (i: InteractionHandle, parts: string[], ephemeral: boolean) => {
    for (const content of parts) {
      await rest.post(Routes.webhook(i.applicationId, i.token), {
        body: { content, allowed_mentions: NO_PINGS, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) },
        auth: false,
      });
    }
  };
  return {
    async reply(i, text, ephemeral) {
      const [first = '', ...rest] = splitText(text);
      await callback(i, {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: first, allowed_mentions: NO_PINGS, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) },
      });
      await followUps(i, rest, ephemeral);
    },
    async defer(i, ephemeral) {
      await callback(i, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: ephemeral ? { flags: MessageFlags.Ephemeral } : {} });
    },
    async editReply(i, text, ephemeral) {
      const [first = '', ...more] = splitText(text);
      await rest.patch(Routes.webhookMessage(i.applicationId, i.token, '@original'), { body: { content: first, allowed_mentions: NO_PINGS }, auth: false });
      await followUps(i, more, ephemeral);
    },
    async modal(i, modal) {
      await callback(i, { type: InteractionResponseType.Modal, data: modal });
    },
    async replaceWithPrivate(i, text) {
      await rest.delete(Routes.webhookMessage(i.applicationId, i.token, '@original'), { auth: false });
      await followUps(i, splitText(text), true);
    },
  };
}
