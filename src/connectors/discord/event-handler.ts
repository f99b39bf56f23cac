/**
 * What Jamii does with each Discord event. Gateway events only store (ingest, edits, member
 * events, channel registration); the model and the outbox workers do the rest later.
 * Interactions go to the core dispatcher and are answered within Discord's 3 seconds: at once
 * when the core is quick, otherwise deferred and then edited. Cards a command shows are queued
 * in the outbox keyed by the interaction id, so they are posted once and can be updated in place.
 */
import { parseCardAction } from '../../core/card-actions.js';
import { queueCommandReply } from '../../core/command-replies.js';
import type { CommandDispatcher } from '../../core/commands/command-registry.js';
import { parseDraftId } from '../../core/commands/command-parser.js';
import type { CommunityDirectory } from '../../core/communities.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, Store } from '../../core/ports.js';
import type { ChatRef, CommandReply } from '../../core/types.js';
import { describeDiscordError } from './errors.js';
import { DISCORD_DEFER_AFTER_MS, type InteractionResponder } from './interactions.js';
import type { DiscordEvent, InteractionHandle } from './parse.js';
import type { RoleGrants } from './role-grants.js';
import { EDIT_MODAL_PREFIX, renderEditModal } from './render.js';

const FAILED = 'Something went wrong; nothing was changed. Try again in a moment.';

export interface EventHandlerDeps {
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  responder: InteractionResponder;
  /** The bot's own user id, once the gateway is ready. */
  botUserId: () => string | null;
  /** Keeps grants from Discord roles in line with what each interaction reports. */
  roleGrants: RoleGrants;
  /** Listened channels of a guild, as far as the gateway told us. */
  channelsOfGuild: (guildId: string) => ChatRef[];
}

type Interactive = Extract<DiscordEvent, { kind: 'command' | 'button' | 'modal' }>;

export function createEventHandler(deps: EventHandlerDeps) {
  const { store, ingest, commands, communities, responder } = deps;
  const isDesk = (chat: ChatRef | null) => chat !== null && communities.desksAt('discord', chat.chatId).length > 0;
  const audit = (action: string, subject: string, details: Record<string, unknown>) =>
    store.audit.write({ communityId: null, actor: 'discord', action, subject, details });

  /**
   * Runs `work` and answers with its reply: directly when it is done before the deadline
   * margin, otherwise after a deferral. `ephemeral` decides the deferral's visibility.
   */
  async function answer(i: InteractionHandle, ephemeral: boolean, work: () => Promise<CommandReply>, log: Logger): Promise<CommandReply | null> {
    const running = work().catch((error: unknown) => {
      log.error({ err: error }, 'discord.interaction_failed');
      return { text: FAILED, ephemeral: true } satisfies CommandReply;
    });
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), DISCORD_DEFER_AFTER_MS);
    });
    const first = await Promise.race([running, slow]);
    clearTimeout(timer);
    try {
      if (first !== 'slow') {
        await responder.reply(i, first.text, ephemeral || Boolean(first.ephemeral));
        return first;
      }
      await responder.defer(i, ephemeral);
      const reply = await running;
      // A deferral's visibility is fixed: a private answer after a public one replaces it.
      if (reply.ephemeral && !ephemeral) await responder.replaceWithPrivate(i, reply.text);
      else await responder.editReply(i, reply.text, ephemeral || Boolean(reply.ephemeral));
      return reply;
    } catch (error) {
      // A replayed or expired interaction can no longer be answered; what the core did stands.
      log.warn({ why: describeDiscordError(error) }, 'discord.interaction_not_answered');
      return null;
    }
  }

  /** Opens the Edit modal prefilled with the draft, if the invoker may see the draft. */
  async function openEditModal(e: Interactive, draftId: number, log: Logger) {
    const shown = await commands.dispatch(e.invoker, 'show', String(draftId));
    const card = shown.cards?.[0];
    try {
      if (shown.ephemeral || !card) await responder.reply(e.interaction, shown.text, true);
      else await responder.modal(e.interaction, renderEditModal(draftId, card.editText ?? card.body));
    } catch (error) {
      log.warn({ why: describeDiscordError(error) }, 'discord.interaction_not_answered');
    }
  }

  async function onCommand(e: Extract<DiscordEvent, { kind: 'command' }>, log: Logger) {
    const onlyId = e.name === 'edit' ? parseDraftId(e.args) : null;
    if (onlyId !== null) return openEditModal(e, onlyId, log);
    // Outside a desk channel every answer is for the invoker's eyes only, and no card is posted there.
    const inDesk = isDesk(e.channel);
    const reply = await answer(e.interaction, !inDesk, () => commands.dispatch(e.invoker, e.name, e.args, e.channel ? { ...e.channel, direct: e.direct } : undefined), log);
    if (reply && inDesk && !reply.ephemeral && reply.cards && reply.cards.length > 0) {
      await queueCommandReply(store, { target: e.channel!, replyToMessageId: null, reply: { text: '', cards: reply.cards }, dedupeKey: `discord:interaction:${e.interaction.id}` });
    }
  }

  async function onButton(e: Extract<DiscordEvent, { kind: 'button' }>, log: Logger) {
    const action = parseCardAction(e.customId);
    if (action?.command === 'edit') return openEditModal(e, action.draftId, log);
    // The card itself is updated in place for everyone; the presser gets a private confirmation.
    await answer(e.interaction, true, () => commands.dispatchAction(e.invoker, e.customId), log);
  }

  async function onModal(e: Extract<DiscordEvent, { kind: 'modal' }>, log: Logger) {
    const id = parseDraftId(e.customId.slice(EDIT_MODAL_PREFIX.length + 1));
    if (id === null) return;
    await answer(e.interaction, true, () => commands.dispatch(e.invoker, 'edit', `${id} ${e.text}`), log);
  }

  /** Handles one parsed event; throws only when something could not be stored. */
  return async function handle(event: DiscordEvent, log: Logger): Promise<void> {
    switch (event.kind) {
      case 'message': {
        const { inbound } = event;
        if (inbound.author.id === deps.botUserId()) return;
        // Managers talk among themselves in the desk; they act through /jamii and the buttons.
        if (isDesk(inbound.chat)) return;
        const outcome = await ingest.ingest(inbound);
        log.debug({ messageId: outcome.messageId, stored: outcome.stored, draftDue: outcome.draftDue }, 'discord.ingested');
        return;
      }
      case 'edited':
        if (event.inbound.author.id === deps.botUserId() || isDesk(event.inbound.chat)) return;
        await ingest.applyEdit(event.inbound, event.editedAt);
        return;
      case 'deleted':
        if (isDesk(event.chat)) return;
        // Stored messages are marked deleted (and their pending cards say so); unknown ids are ignored.
        await ingest.applyDeletion(event.chat, event.messageIds, new Date());
        return;
      case 'reaction':
        if ((event.update.kind === 'added' || event.update.kind === 'removed') && event.update.userId === deps.botUserId()) return;
        await store.reactions.apply([event.update], new Date());
        return;
      case 'member':
        await store.memberEvents.record([event.event]);
        return;
      case 'guild': {
        if (event.active) {
          await store.chats.ensure(event.channels, (ref) => communities.communityOf(ref.platform, ref.chatId));
          for (const c of event.channels) await store.chats.setActive(c.ref, true);
        } else {
          for (const ref of deps.channelsOfGuild(event.guildId)) await store.chats.setActive(ref, false);
        }
        await audit(event.active ? 'chat.activated' : 'chat.deactivated', `discord:guild:${event.guildId}`, { name: event.name, channels: event.channels.length });
        log.info({ guild: event.guildId, active: event.active }, 'discord.guild_membership');
        return;
      }
      case 'command':
      case 'button':
      case 'modal':
        try {
          await deps.roleGrants.observe(event.invoker, event.roleIds, event.permissions, event.channel);
        } catch (error) {
          // The configured grants still apply; a role-based one waits for the next interaction.
          log.error({ err: error }, 'discord.role_sync_failed');
        }
        if (event.kind === 'command') return onCommand(event, log);
        if (event.kind === 'button') return onButton(event, log);
        return onModal(event, log);
      case 'ignored':
        log.debug({ reason: event.reason }, 'discord.event_ignored');
        return;
    }
  };
}

export type EventHandler = ReturnType<typeof createEventHandler>;
