/**
 * What Jamii does with each Slack event. Events only store (ingest, edits, deletions, member
 * events, channel registration); the model and the outbox workers do the rest later.
 * Interactions go to the core dispatcher and are acknowledged within Slack's 3 seconds: a slash
 * command is answered in its acknowledgement when the core is quick, otherwise acknowledged
 * empty and answered through its response_url; a button press is acknowledged at once and the
 * presser told the outcome privately (chat.postEphemeral), while the card itself is updated in
 * place for everyone. Cards a command shows are queued in the outbox keyed by the trigger, so
 * they are posted once and can be updated in place.
 */
import type { webApi } from '@slack/bolt';
import { parseCardAction } from '../../core/card-actions.js';
import { queueCommandReply } from '../../core/command-replies.js';
import type { CommandDispatcher } from '../../core/commands/command-registry.js';
import { parseDraftId } from '../../core/commands/command-parser.js';
import type { CommunityDirectory } from '../../core/communities.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, Store } from '../../core/ports.js';
import type { ChatRef, CommandReply, InboundMessage, Invoker } from '../../core/types.js';
import type { SlackDirectory } from './directory.js';
import { describeSlackError } from './errors.js';
import { SLACK_ACK_DEADLINE_MS } from './limits.js';
import type { SlackEvent } from './parse.js';
import { EDIT_MODAL_PREFIX, renderEditModal, renderText } from './render.js';
import type { SlackRoleGrants } from './role-grants.js';

const FAILED = 'Something went wrong; nothing was changed. Try again in a moment.';
/** Work that takes longer than this is acknowledged empty first and answered through response_url. */
export const SLACK_ANSWER_IN_ACK_WITHIN_MS = SLACK_ACK_DEADLINE_MS - 1000;

/** How the connector lets the handler answer one interaction. */
export interface SlackInteraction {
  /** The acknowledgement (once, within 3 s); a slash command's may carry its answer. */
  ack(answer?: { text: string; response_type: 'ephemeral' | 'in_channel' }): Promise<void>;
  /** A slash command's later answer (through its response_url). */
  respond(answer: { text: string; response_type: 'ephemeral' | 'in_channel' }): Promise<void>;
}

export interface SlackEventHandlerDeps {
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  client: webApi.WebClient;
  directory: SlackDirectory;
  roleGrants: SlackRoleGrants;
  /** The bot's own user id, once auth.test answered. */
  botUserId: () => string | null;
  clock: () => Date;
}

export function createSlackEventHandler(deps: SlackEventHandlerDeps) {
  const { store, ingest, commands, communities, client, directory } = deps;
  const isDesk = (chat: ChatRef | null) => chat !== null && communities.desksAt('slack', chat.chatId).length > 0;
  const visibility = (ephemeral: boolean) => (ephemeral ? 'ephemeral' : 'in_channel') as 'ephemeral' | 'in_channel';

  async function withNames(inbound: InboundMessage): Promise<InboundMessage> {
    const [name, title] = await Promise.all([inbound.author.isBot ? inbound.author.displayName : directory.userName(inbound.author.id), directory.channelName(inbound.chat.chatId)]);
    return { ...inbound, author: { ...inbound.author, displayName: name }, ...(title ? { chatTitle: title } : {}) };
  }

  /** Tells the invoker alone: in the channel they acted in, else in a direct message. */
  async function tellPrivately(invoker: Invoker, channel: ChatRef | null, text: string, log: Logger): Promise<void> {
    try {
      for (const part of renderText(text)) {
        if (channel) await client.chat.postEphemeral({ channel: channel.chatId, user: invoker.userId, text: part.text });
        else await client.chat.postMessage({ channel: invoker.userId, text: part.text, unfurl_links: false, unfurl_media: false });
      }
    } catch (error) {
      log.warn({ why: describeSlackError(error) }, 'slack.answer_not_sent');
    }
  }

  const safely = (work: () => Promise<CommandReply>, log: Logger): Promise<CommandReply> =>
    work().catch((error: unknown) => {
      log.error({ err: error }, 'slack.interaction_failed');
      return { text: FAILED, ephemeral: true } satisfies CommandReply;
    });

  /** Opens the Edit modal prefilled with the draft, if the invoker may see the draft. */
  async function openEditModal(invoker: Invoker, channel: ChatRef | null, triggerId: string | null, draftId: number, log: Logger) {
    const shown = await safely(() => commands.dispatch(invoker, 'show', String(draftId)), log);
    const card = shown.cards?.[0];
    if (shown.ephemeral || !card || !triggerId) return tellPrivately(invoker, channel, shown.text, log);
    try {
      await client.views.open({ trigger_id: triggerId, view: renderEditModal(draftId, card.editText ?? card.body, JSON.stringify({ channel: channel?.chatId ?? null })) });
    } catch (error) {
      log.warn({ why: describeSlackError(error) }, 'slack.modal_not_opened');
      await tellPrivately(invoker, channel, `The editor could not open (${describeSlackError(error)}). Use /jamii edit ${draftId} <new text>.`, log);
    }
  }

  async function onCommand(e: Extract<SlackEvent, { kind: 'command' }>, i: SlackInteraction, log: Logger) {
    const onlyId = e.name === 'edit' ? parseDraftId(e.args) : null;
    if (onlyId !== null) {
      await i.ack();
      await deps.roleGrants.observe(e.invoker, e.channel);
      return openEditModal(e.invoker, e.channel, e.triggerId, onlyId, log);
    }
    // Outside a desk channel every answer is for the invoker's eyes only, and no card is posted there.
    const inDesk = isDesk(e.channel);
    const running = safely(async () => {
      await deps.roleGrants.observe(e.invoker, e.channel);
      return commands.dispatch(e.invoker, e.name, e.args, e.channel ? { ...e.channel, direct: e.direct } : undefined);
    }, log);
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), SLACK_ANSWER_IN_ACK_WITHIN_MS);
    });
    const first = await Promise.race([running, slow]);
    clearTimeout(timer);
    let reply: CommandReply;
    try {
      if (first !== 'slow') {
        reply = first;
        await i.ack({ text: renderText(reply.text)[0]!.text, response_type: visibility(!inDesk || Boolean(reply.ephemeral)) });
      } else {
        await i.ack();
        reply = await running;
        await i.respond({ text: renderText(reply.text)[0]!.text, response_type: visibility(!inDesk || Boolean(reply.ephemeral)) });
      }
    } catch (error) {
      log.warn({ why: describeSlackError(error) }, 'slack.command_not_answered');
      return;
    }
    if (inDesk && !reply.ephemeral && reply.cards && reply.cards.length > 0) {
      await queueCommandReply(store, { target: e.channel!, replyToMessageId: null, reply: { text: '', cards: reply.cards }, dedupeKey: `slack:command:${e.triggerId ?? `${e.invoker.userId}:${Date.now()}`}` });
    }
  }

  async function onButton(e: Extract<SlackEvent, { kind: 'button' }>, i: SlackInteraction, log: Logger) {
    await i.ack();
    const action = parseCardAction(e.actionId);
    if (action?.command === 'edit') return openEditModal(e.invoker, e.channel, e.triggerId, action.draftId, log);
    const reply = await safely(() => commands.dispatchAction(e.invoker, e.actionId), log);
    await tellPrivately(e.invoker, e.channel, reply.text, log);
  }

  async function onModal(e: Extract<SlackEvent, { kind: 'modal' }>, i: SlackInteraction, log: Logger) {
    // An empty acknowledgement closes the modal; the outcome follows privately.
    await i.ack();
    const id = parseDraftId(e.callbackId.slice(EDIT_MODAL_PREFIX.length + 1));
    if (id === null) return;
    const reply = await safely(() => commands.dispatch(e.invoker, 'edit', `${id} ${e.text}`), log);
    await tellPrivately(e.invoker, e.channel, reply.text, log);
  }

  /** Handles one parsed event; throws only when something could not be stored. */
  return async function handle(event: SlackEvent, interaction: SlackInteraction | null, log: Logger): Promise<void> {
    switch (event.kind) {
      case 'message': {
        if (event.inbound.author.id === deps.botUserId()) return;
        // Managers talk among themselves in the desk; they act through /jamii and the buttons.
        if (isDesk(event.inbound.chat)) return;
        const outcome = await ingest.ingest(await withNames(event.inbound));
        log.debug({ messageId: outcome.messageId, stored: outcome.stored, draftDue: outcome.draftDue }, 'slack.ingested');
        return;
      }
      case 'edited':
        if (event.inbound.author.id === deps.botUserId() || isDesk(event.inbound.chat)) return;
        await ingest.applyEdit(await withNames(event.inbound), event.editedAt);
        return;
      case 'deleted':
        if (isDesk(event.chat)) return;
        await ingest.applyDeletion(event.chat, event.messageIds, deps.clock());
        return;
      case 'reaction':
        // Counted for measuring posts; the bot's own reactions are not.
        if ((event.update.kind === 'added' || event.update.kind === 'removed') && event.update.userId === deps.botUserId()) return;
        await store.reactions.apply([event.update], deps.clock());
        return;
      case 'member': {
        const { chat, member, kind } = event.event;
        if (member.id === deps.botUserId()) {
          // The bot itself joined or left: the channel is listened to, or no longer.
          const title = await directory.channelName(chat.chatId);
          await store.chats.ensure([{ ref: chat, title }], (ref) => communities.communityOf(ref.platform, ref.chatId));
          await store.chats.setActive(chat, kind === 'joined');
          await store.audit.write({ communityId: null, actor: 'slack', action: kind === 'joined' ? 'chat.activated' : 'chat.deactivated', subject: `slack:${chat.chatId}`, details: { title } });
          return;
        }
        if (isDesk(chat)) return;
        await store.memberEvents.record([{ ...event.event, member: { ...member, displayName: await directory.userName(member.id) } }]);
        return;
      }
      case 'command':
      case 'button':
      case 'modal': {
        if (!interaction) return;
        if (event.kind === 'command') return onCommand(event, interaction, log);
        // Acknowledged first: the answer does not ride on the acknowledgement.
        await interaction.ack();
        await deps.roleGrants.observe(event.invoker, event.channel);
        if (event.kind === 'button') return onButton(event, interaction, log);
        return onModal(event, interaction, log);
      }
      case 'ignored':
        log.debug({ reason: event.reason }, 'slack.event_ignored');
        return;
    }
  };
}

export type SlackEventHandler = ReturnType<typeof createSlackEventHandler>;
