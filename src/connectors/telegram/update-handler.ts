/**
 * What Jamii does with each Telegram event. Handlers only store and enqueue: messages go to
 * ingest, commands and button presses to the core dispatcher, answers into the outbox (keyed by
 * the update id, so a redelivered update posts nothing twice). The one direct call is
 * answerCallbackQuery, which Telegram needs within seconds and which posts nothing.
 */
import type { Api, RawApi } from 'grammy';
import { parseCardAction } from '../../core/card-actions.js';
import { queueCommandReply } from '../../core/command-replies.js';
import { COMMANDS, type CommandDispatcher } from '../../core/commands/command-registry.js';
import type { CommunityDirectory } from '../../core/communities.js';
import { isJamiiError, userMessage } from '../../core/errors.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, Store } from '../../core/ports.js';
import type { ChatRef, CommandReply, Invoker } from '../../core/types.js';
import { describeTelegramError } from './errors.js';
import { privateChatOf } from './ids.js';
import { TELEGRAM_CALLBACK_ANSWER_MAX_CHARS } from './limits.js';
import type { TelegramDocument, TelegramEvent } from './parse.js';
import { editPromptText } from './render.js';

const MANAGER_COMMANDS = new Set<string>(COMMANDS.map((c) => c.name));
const PRIVATE_HINT = 'Jamii posts draft cards here. Send /pending for the drafts waiting, or /help for every command.';

export interface UpdateHandlerDeps {
  api: Api<RawApi>;
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  /** The bot's own user id and username, once known. */
  me: () => { id: string; username: string };
  /** A group's administrators (or the bot's own membership) changed. */
  onAdminsChanged?: (() => void) | undefined;
  /** Reads a text file attached to a command (its text is the rest of the command). */
  readDocument: (doc: TelegramDocument) => Promise<string>;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function createUpdateHandler(deps: UpdateHandlerDeps) {
  const { store, ingest, commands, communities } = deps;

  const answer = (target: ChatRef, replyTo: string | null, reply: CommandReply, updateId: number) =>
    queueCommandReply(store, { target, replyToMessageId: replyTo, reply, dedupeKey: `telegram:update:${updateId}` });

  /** Private chats with the bot and desk groups: where managers work. */
  const isDeskChat = (event: { chatKind: string; inbound: { chat: ChatRef } }) =>
    event.chatKind === 'private' || communities.desksAt('telegram', event.inbound.chat.chatId).length > 0;

  const audit = (action: string, subject: string, details: Record<string, unknown>) =>
    store.audit.write({ communityId: null, actor: 'telegram', action, subject, details });

  async function onDeskMessage(event: Extract<TelegramEvent, { kind: 'message' }>, updateId: number, invoker: Invoker, log: Logger) {
    const { inbound, command } = event;
    const here = { ...inbound.chat };
    // Only the member and the bot read a private chat: a command there covers all their communities.
    const origin = { ...here, direct: event.chatKind === 'private' };
    /** Answers where the command was typed; in a desk group a refusal goes to the person privately. */
    const respond = (reply: CommandReply) =>
      reply.ephemeral && event.chatKind !== 'private' ? answer(privateChatOf(invoker.userId), null, reply, updateId) : answer(here, inbound.messageId, reply, updateId);
    if (event.editOfDraft !== null && event.repliedToBotId === deps.me().id) {
      await respond(await commands.dispatch(invoker, 'edit', `${event.editOfDraft} ${inbound.text}`, origin));
      return;
    }
    if (command && (command.addressedTo === null || command.addressedTo.toLowerCase() === deps.me().username.toLowerCase())) {
      if (command.name === 'start') {
        if (event.chatKind === 'private') await store.chats.setActive(here, true);
        await respond(await commands.dispatch(invoker, 'help', ''));
        return;
      }
      let args = command.args;
      if (event.document) {
        // A text file sent with the command is the rest of it: `/prompt set NAME` + prompt.md.
        try {
          args = `${args}\n${await deps.readDocument(event.document)}`;
        } catch (error) {
          if (!isJamiiError(error)) throw error;
          log.warn({ code: error.code }, 'telegram.command_file_refused');
          await respond({ text: userMessage(error), ephemeral: true });
          return;
        }
      }
      // The desk it was typed in tells commands which community they act on (/prompt, reports).
      await respond(await commands.dispatch(invoker, command.name, args, origin));
      return;
    }
    // Chatter in a desk group is the managers' own conversation; a private message gets a hint.
    if (event.chatKind === 'private') await answer(here, inbound.messageId, { text: PRIVATE_HINT }, updateId);
    log.debug({}, 'telegram.desk_chatter');
  }

  async function onGroupMessage(event: Extract<TelegramEvent, { kind: 'message' }>, updateId: number, invoker: Invoker, log: Logger) {
    const { inbound, command } = event;
    if (event.migratedTo) {
      // The announcement is the old group's last message: stored there, then the history moves.
      await ingest.ingest(inbound);
      await store.transaction(async (tx) => {
        await tx.chats.migrate({ platform: 'telegram', chatId: inbound.chat.chatId }, event.migratedTo!);
        await tx.audit.write({ communityId: null, actor: 'telegram', action: 'chat.migrated', subject: `telegram:${inbound.chat.chatId}`, details: { to: event.migratedTo!.chatId } });
      });
      return;
    }
    if (event.memberEvents.length > 0) await store.memberEvents.record(event.memberEvents);
    const forUs = command && (command.addressedTo === null || command.addressedTo.toLowerCase() === deps.me().username.toLowerCase());
    if (command && forUs && MANAGER_COMMANDS.has(command.name)) {
      // Manager commands are never answered in a community group: the answer (or refusal) is private.
      const reply = await commands.dispatch(invoker, command.name, command.args);
      await answer(privateChatOf(invoker.userId), null, reply, updateId);
      return;
    }
    const outcome = await ingest.ingest(inbound);
    log.debug({ messageId: outcome.messageId, stored: outcome.stored, draftDue: outcome.draftDue }, 'telegram.ingested');
  }

  async function onCallback(event: Extract<TelegramEvent, { kind: 'callback' }>, updateId: number, log: Logger) {
    const reply = async (text: string, alert: boolean) => {
      try {
        await deps.api.answerCallbackQuery(event.queryId, { text: clip(text, TELEGRAM_CALLBACK_ANSWER_MAX_CHARS), show_alert: alert });
      } catch (error) {
        // A redelivered or stale query can no longer be answered; the decision itself stands.
        log.debug({ why: describeTelegramError(error) }, 'telegram.callback_answer_failed');
      }
    };
    const action = event.data ? parseCardAction(event.data) : null;
    if (!action) return reply('That button is not recognised.', true);
    if (action.command === 'edit') {
      const id = action.draftId;
      // Only a manager of the draft's community gets the prompt; `show` checks (and audits) that.
      const allowed = await commands.dispatch(event.invoker, 'show', String(id));
      if (allowed.ephemeral) return reply(allowed.text, true);
      const where = event.chat ?? privateChatOf(event.invoker.userId);
      await answer(where, event.messageId, { text: editPromptText(id) }, updateId);
      return reply(`Reply to the prompt with the new text for draft #${id}.`, false);
    }
    const result = await commands.dispatchAction(event.invoker, event.data!);
    return reply(result.text, Boolean(result.ephemeral));
  }

  /** Handles one parsed event; throws only when something could not be stored (the update is then redelivered). */
  return async function handle(event: TelegramEvent, updateId: number, log: Logger): Promise<void> {
    switch (event.kind) {
      case 'message': {
        const invoker: Invoker = { platform: 'telegram', userId: event.inbound.author.id, displayName: event.inbound.author.displayName };
        if (isDeskChat(event)) return onDeskMessage(event, updateId, invoker, log);
        if (event.chatKind === 'channel') return;
        return onGroupMessage(event, updateId, invoker, log);
      }
      case 'edited':
        if (isDeskChat(event) || event.chatKind === 'channel') return;
        await ingest.applyEdit(event.inbound, event.editedAt);
        return;
      case 'callback':
        return onCallback(event, updateId, log);
      case 'bot_membership': {
        if (event.chatKind !== 'private') {
          await store.chats.ensure([{ ref: event.chat, title: event.chatTitle }], (ref) => communities.communityOf(ref.platform, ref.chatId));
        }
        await store.chats.setActive(event.chat, event.active);
        await audit(event.active ? 'chat.activated' : 'chat.deactivated', `telegram:${event.chat.chatId}`, { status: event.status, by: event.by.userId });
        log.info({ chat: event.chat.chatId, status: event.status, active: event.active }, 'telegram.bot_membership');
        if (event.chatKind !== 'private') deps.onAdminsChanged?.();
        return;
      }
      case 'admin_change':
        deps.onAdminsChanged?.();
        return;
      case 'member':
        await store.memberEvents.record([event.event]);
        return;
      case 'reaction':
        await store.reactions.apply([event.update], new Date());
        return;
      case 'ignored':
        log.debug({ reason: event.reason }, 'telegram.update_ignored');
        return;
    }
  };
}

export type UpdateHandler = ReturnType<typeof createUpdateHandler>;
