/**
 * Discord gateway dispatches → Jamii events. Works on the raw payloads (what discord.js emits
 * as `raw`), so nothing depends on discord.js having cached a channel or member first, and the
 * recorded payloads under test/fixtures/discord parse the same way. The one thing a payload
 * does not say is whether its channel is a thread: `parentOf` answers from the gateway's state.
 */
import { ChannelType, InteractionContextType, InteractionType, MessageType, type APIInteraction } from 'discord.js';
import { JamiiError } from '../../core/errors.js';
import type { MemberEvent } from '../../core/ports.js';
import type { Author, ChatRef, InboundMessage, Invoker, ReactionUpdate } from '../../core/types.js';
import { chatRefOf, snowflake } from './ids.js';
import { EDIT_MODAL_PREFIX, EDIT_MODAL_TEXT_INPUT_ID } from './render.js';

/** The slash command every manager command hangs under: `/jamii pending`. */
export const JAMII_COMMAND_NAME = 'jamii';
/** The one string option of each subcommand: the rest of the typed command. */
export const JAMII_COMMAND_INPUT_OPTION = 'input';

/** What the gateway knows about channels that a message payload does not carry. */
export interface ChannelLookup {
  /** The parent channel of a thread or forum post; null for a plain channel (or unknown). */
  parentOf(channelId: string): string | null;
  /** A channel's name, for chat titles. */
  nameOf(channelId: string): string | undefined;
}

/** The handle to answer an interaction with (valid 15 minutes). */
export interface InteractionHandle {
  id: string;
  token: string;
  applicationId: string;
}

export type DiscordEvent =
  | { kind: 'message'; guildId: string | null; inbound: InboundMessage }
  | { kind: 'edited'; guildId: string | null; inbound: InboundMessage; editedAt: Date }
  | { kind: 'deleted'; chat: ChatRef; messageIds: string[] }
  | { kind: 'member'; event: MemberEvent }
  | { kind: 'reaction'; update: ReactionUpdate }
  | { kind: 'guild'; guildId: string; name: string | null; active: boolean; channels: Array<{ ref: ChatRef; title: string | undefined }> }
  | { kind: 'command'; interaction: InteractionHandle; invoker: Invoker; roleIds: string[]; permissions: string | null; name: string; args: string; channel: ChatRef | null; direct: boolean }
  | { kind: 'button'; interaction: InteractionHandle; invoker: Invoker; roleIds: string[]; permissions: string | null; customId: string; channel: ChatRef | null; messageId: string | null }
  | { kind: 'modal'; interaction: InteractionHandle; invoker: Invoker; roleIds: string[]; permissions: string | null; customId: string; text: string; channel: ChatRef | null; messageId: string | null }
  | { kind: 'ignored'; reason: string };

/** Message types written by a person (everything else is a system message). */
const MEMBER_MESSAGE_TYPES = new Set<number>([MessageType.Default, MessageType.Reply]);
/** Text channel, announcement channel, forum, media channel: where Jamii listens. */
const LISTENED_CHANNEL_TYPES = new Set<number>([0, 5, 15, 16]);

interface RawUser {
  id: string;
  username?: string;
  global_name?: string | null;
  bot?: boolean;
  system?: boolean;
}
interface RawMember {
  nick?: string | null;
  user?: RawUser;
  roles?: string[];
}
interface RawMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author?: RawUser;
  member?: RawMember;
  content?: string;
  timestamp?: string;
  edited_timestamp?: string | null;
  type?: number;
  webhook_id?: string;
  message_reference?: { message_id?: string };
}

function bad(what: string): never {
  throw new JamiiError('invalid_input', `unexpected Discord payload: ${what}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(what);
  return value as Record<string, unknown>;
}

function displayName(user: RawUser, member?: RawMember | undefined): string {
  return member?.nick || user.global_name || user.username || user.id;
}

function authorOf(user: RawUser, member: RawMember | undefined, webhook: boolean): Author {
  return { id: snowflake(user.id), displayName: displayName(user, member), isBot: Boolean(user.bot || user.system || webhook) };
}

function inboundOf(m: RawMessage, lookup: ChannelLookup): InboundMessage {
  if (typeof m.id !== 'string' || typeof m.channel_id !== 'string' || !m.author) bad('message without id, channel or author');
  const chat = chatRefOf(m.channel_id, lookup.parentOf(m.channel_id));
  const title = lookup.nameOf(chat.chatId);
  const type = m.type ?? MessageType.Default;
  return {
    chat,
    ...(title !== undefined ? { chatTitle: title } : {}),
    messageId: snowflake(m.id),
    author: authorOf(m.author, m.member, Boolean(m.webhook_id)),
    text: m.content ?? '',
    ...(m.message_reference?.message_id ? { replyToMessageId: snowflake(m.message_reference.message_id) } : {}),
    sentAt: new Date(m.timestamp ?? Date.now()),
    ...(MEMBER_MESSAGE_TYPES.has(type) ? {} : { isService: true }),
  };
}

function invokerOf(i: Record<string, unknown>): { invoker: Invoker; roleIds: string[]; permissions: string | null } {
  const member = i.member as (RawMember & { permissions?: string }) | undefined;
  const user = member?.user ?? (i.user as RawUser | undefined);
  if (!user) bad('interaction without a user');
  return { invoker: { platform: 'discord', userId: snowflake(user.id), displayName: displayName(user, member) }, roleIds: member?.roles ?? [], permissions: member?.permissions ?? null };
}

function interactionChannel(i: Record<string, unknown>, lookup: ChannelLookup): ChatRef | null {
  const id = typeof i.channel_id === 'string' ? i.channel_id : (i.channel as { id?: string } | undefined)?.id;
  return id ? chatRefOf(id, lookup.parentOf(id)) : null;
}

/** Used in the invoker's DM with the bot: not in a guild, nor in a DM or group DM of theirs with other people. */
function inBotDm(i: Record<string, unknown>): boolean {
  if (i.guild_id !== undefined) return false;
  if (typeof i.context === 'number') return i.context === InteractionContextType.BotDM;
  return (i.channel as { type?: unknown } | undefined)?.type === ChannelType.DM;
}

function parseInteraction(d: unknown, lookup: ChannelLookup): DiscordEvent {
  const i = record(d, 'interaction');
  const raw = i as unknown as APIInteraction;
  if (typeof raw.id !== 'string' || typeof raw.token !== 'string' || typeof raw.application_id !== 'string') bad('interaction without id or token');
  const interaction: InteractionHandle = { id: raw.id, token: raw.token, applicationId: raw.application_id };
  const who = invokerOf(i);
  const channel = interactionChannel(i, lookup);
  const data = record(i.data ?? {}, 'interaction data');
  const messageId = (i.message as { id?: string } | undefined)?.id ?? null;
  switch (raw.type) {
    case InteractionType.ApplicationCommand: {
      if (data.name !== JAMII_COMMAND_NAME) return { kind: 'ignored', reason: `command ${String(data.name)}` };
      const sub = (data.options as Array<{ name: string; options?: Array<{ name: string; value?: unknown }> }> | undefined)?.[0];
      if (!sub) bad('/jamii without a subcommand');
      const input = sub.options?.find((o) => o.name === JAMII_COMMAND_INPUT_OPTION)?.value;
      return { kind: 'command', interaction, ...who, name: sub.name, args: typeof input === 'string' ? input.trim() : '', channel, direct: inBotDm(i) };
    }
    case InteractionType.MessageComponent:
      if (typeof data.custom_id !== 'string') bad('button without a custom id');
      return { kind: 'button', interaction, ...who, customId: data.custom_id, channel, messageId };
    case InteractionType.ModalSubmit: {
      if (typeof data.custom_id !== 'string' || !data.custom_id.startsWith(`${EDIT_MODAL_PREFIX}:`)) return { kind: 'ignored', reason: 'unknown modal' };
      const inputs = ((data.components as Array<{ components?: Array<{ custom_id?: string; value?: string }>; component?: { custom_id?: string; value?: string } }> | undefined) ?? []).flatMap(
        (row) => row.components ?? (row.component ? [row.component] : []),
      );
      const text = inputs.find((c) => c.custom_id === EDIT_MODAL_TEXT_INPUT_ID)?.value;
      if (typeof text !== 'string') bad('edit modal without its text');
      return { kind: 'modal', interaction, ...who, customId: data.custom_id, text, channel, messageId };
    }
    default:
      return { kind: 'ignored', reason: `interaction type ${String(raw.type)}` };
  }
}

/** Turns one gateway dispatch (`t` and `d`) into a Jamii event; throws on a payload it cannot read. */
export function parseDispatch(packet: { t: string | null; d: unknown }, lookup: ChannelLookup): DiscordEvent {
  switch (packet.t) {
    case 'MESSAGE_CREATE': {
      const m = record(packet.d, 'message') as unknown as RawMessage;
      return { kind: 'message', guildId: m.guild_id ?? null, inbound: inboundOf(m, lookup) };
    }
    case 'MESSAGE_UPDATE': {
      const m = record(packet.d, 'message') as unknown as RawMessage;
      // Embeds unfurling and pins arrive as updates too; only a changed text is an edit.
      if (typeof m.content !== 'string' || !m.edited_timestamp || !m.author) return { kind: 'ignored', reason: 'update without new text' };
      return { kind: 'edited', guildId: m.guild_id ?? null, inbound: inboundOf(m, lookup), editedAt: new Date(m.edited_timestamp) };
    }
    case 'MESSAGE_DELETE':
    case 'MESSAGE_DELETE_BULK': {
      const d = record(packet.d, 'deletion') as { id?: string; ids?: string[]; channel_id?: string };
      if (typeof d.channel_id !== 'string') bad('deletion without a channel');
      const ids = d.ids ?? (d.id ? [d.id] : []);
      return { kind: 'deleted', chat: chatRefOf(d.channel_id, lookup.parentOf(d.channel_id)), messageIds: ids.map(snowflake) };
    }
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
    case 'MESSAGE_REACTION_REMOVE_ALL':
    case 'MESSAGE_REACTION_REMOVE_EMOJI': {
      const d = record(packet.d, 'reaction') as { channel_id?: string; message_id?: string; user_id?: string; member?: { user?: RawUser }; emoji?: { id?: string | null; name?: string | null } };
      if (typeof d.channel_id !== 'string' || typeof d.message_id !== 'string') bad('reaction without channel or message');
      const chat = chatRefOf(d.channel_id, lookup.parentOf(d.channel_id));
      const messageId = snowflake(d.message_id);
      // A custom emoji by its id (its name can change), a standard one by itself.
      const emoji = d.emoji ? (d.emoji.id ?? d.emoji.name ?? null) : null;
      if (packet.t === 'MESSAGE_REACTION_REMOVE_ALL') return { kind: 'reaction', update: { kind: 'cleared', chat, messageId, emoji: null } };
      if (emoji === null) bad('reaction without an emoji');
      if (packet.t === 'MESSAGE_REACTION_REMOVE_EMOJI') return { kind: 'reaction', update: { kind: 'cleared', chat, messageId, emoji } };
      if (typeof d.user_id !== 'string') bad('reaction without a user');
      if (d.member?.user?.bot) return { kind: 'ignored', reason: 'a bot reacted' };
      return { kind: 'reaction', update: { kind: packet.t === 'MESSAGE_REACTION_ADD' ? 'added' : 'removed', chat, messageId, userId: snowflake(d.user_id), emoji } };
    }
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_REMOVE': {
      const d = record(packet.d, 'member') as { guild_id?: string; user?: RawUser; nick?: string | null; joined_at?: string };
      if (typeof d.guild_id !== 'string' || !d.user) bad('member event without guild or user');
      const joined = packet.t === 'GUILD_MEMBER_ADD';
      return {
        kind: 'member',
        event: {
          chat: { platform: 'discord', chatId: snowflake(d.guild_id) },
          member: authorOf(d.user, d, false),
          kind: joined ? 'joined' : 'left',
          at: joined && d.joined_at ? new Date(d.joined_at) : new Date(),
        },
      };
    }
    case 'GUILD_CREATE': {
      const d = record(packet.d, 'guild') as { id?: string; name?: string; unavailable?: boolean; channels?: Array<{ id: string; type: number; name?: string }> };
      if (typeof d.id !== 'string') bad('guild without id');
      if (d.unavailable) return { kind: 'ignored', reason: 'guild unavailable' };
      const channels = (d.channels ?? []).filter((c) => LISTENED_CHANNEL_TYPES.has(c.type)).map((c) => ({ ref: chatRefOf(c.id), title: c.name }));
      return { kind: 'guild', guildId: snowflake(d.id), name: d.name ?? null, active: true, channels };
    }
    case 'GUILD_DELETE': {
      const d = record(packet.d, 'guild') as { id?: string; unavailable?: boolean };
      if (typeof d.id !== 'string') bad('guild without id');
      // `unavailable` is an outage: the bot is still a member.
      if (d.unavailable) return { kind: 'ignored', reason: 'guild outage' };
      return { kind: 'guild', guildId: snowflake(d.id), name: null, active: false, channels: [] };
    }
    case 'INTERACTION_CREATE':
      return parseInteraction(packet.d, lookup);
    default:
      return { kind: 'ignored', reason: `dispatch ${String(packet.t)}` };
  }
}
