/**
 * Telegram updates → core events. Pure functions over the Bot API's JSON: a message becomes an
 * InboundMessage (forum topic → threadId, captions read, service messages and bots marked), a
 * typed manager command becomes a command line, a button press becomes a card action, and
 * membership changes become chat and member events. Nothing here talks to the network.
 */
import type { CallbackQuery, Chat, ChatMember, ChatMemberUpdated, Message, ReactionType, Update, User } from 'grammy/types';
import { parseCommandLine, type CommandLine } from '../../core/commands/command-parser.js';
import type { MemberEvent } from '../../core/ports.js';
import type { Author, ChatRef, InboundMessage, Invoker, ReactionUpdate } from '../../core/types.js';
import { chatRefOf, idToString } from './ids.js';
import { parseEditPrompt } from './render.js';

export type ChatKind = 'private' | 'group' | 'supergroup' | 'channel';

/** A file sent as a document: what is needed to check it and fetch it. */
export interface TelegramDocument {
  fileId: string;
  fileName: string | null;
  mimeType: string | null;
  /** Bytes, when Telegram says. */
  size: number | null;
}

/** A typed command, with the bot it was addressed to (`/pending@JamiiBot`), if any. */
export interface TelegramCommand extends CommandLine {
  addressedTo: string | null;
}

export type TelegramEvent =
  | {
      kind: 'message';
      chatKind: ChatKind;
      inbound: InboundMessage;
      /** Set when the text is a `/command`. */
      command: TelegramCommand | null;
      /** The draft whose edit prompt this message replies to (force-reply), when it does. */
      editOfDraft: number | null;
      /** The id of the user who replied, for checking the prompt was the bot's own. */
      repliedToBotId: string | null;
      /** Joins and leaves announced as service messages. */
      memberEvents: MemberEvent[];
      /** The group became a supergroup with this id (service message in the old group). */
      migratedTo: ChatRef | null;
      /** A document sent with the message (an admin's long prompt text, for one). */
      document: TelegramDocument | null;
    }
  | { kind: 'edited'; chatKind: ChatKind; inbound: InboundMessage; editedAt: Date }
  | { kind: 'callback'; queryId: string; invoker: Invoker; data: string | null; chat: ChatRef | null; messageId: string | null }
  | { kind: 'bot_membership'; chat: ChatRef; chatKind: ChatKind; chatTitle: string | undefined; active: boolean; status: ChatMember['status']; by: Invoker; at: Date }
  | { kind: 'member'; event: MemberEvent }
  | { kind: 'admin_change'; chat: ChatRef }
  | { kind: 'reaction'; update: ReactionUpdate }
  | { kind: 'ignored'; reason: string };

/** Fields that make a message a member's content; a message with none of them is a service message. */
const CONTENT_FIELDS = [
  'text', 'caption', 'photo', 'video', 'document', 'audio', 'voice', 'sticker', 'animation', 'video_note',
  'poll', 'contact', 'location', 'venue', 'dice', 'game', 'story', 'paid_media', 'checklist', 'live_photo',
] as const;

export function displayName(user: Pick<User, 'first_name' | 'last_name' | 'username'>): string {
  const name = [user.first_name, user.last_name].filter((p) => p && p.trim()).join(' ').trim();
  return name || (user.username ? `@${user.username}` : 'unknown');
}

function authorOf(user: User): Author {
  return { id: idToString(user.id), displayName: displayName(user), isBot: user.is_bot };
}

export function invokerOf(user: User): Invoker {
  return { platform: 'telegram', userId: idToString(user.id), displayName: displayName(user) };
}

function chatTitle(chat: Chat): string | undefined {
  if ('title' in chat && chat.title) return chat.title;
  return undefined;
}

function isServiceMessage(message: Message): boolean {
  return !CONTENT_FIELDS.some((f) => f in message);
}

/** A short label for a service message, stored as its text. */
function serviceText(message: Message): string {
  if (message.new_chat_members) return `[joined: ${message.new_chat_members.map(displayName).join(', ')}]`;
  if (message.left_chat_member) return `[left: ${displayName(message.left_chat_member)}]`;
  if (message.new_chat_title) return `[title changed: ${message.new_chat_title}]`;
  if (message.pinned_message) return '[message pinned]';
  if (message.migrate_to_chat_id !== undefined) return '[group upgraded to a supergroup]';
  if (message.forum_topic_created) return `[topic created: ${message.forum_topic_created.name}]`;
  const key = Object.keys(message).find((k) => !['message_id', 'from', 'sender_chat', 'chat', 'date', 'message_thread_id', 'is_topic_message'].includes(k));
  return `[${key ?? 'service'}]`;
}

/** The topic a message belongs to: only real forum topics, not reply threads of ordinary groups. */
function threadOf(message: Message): number | undefined {
  return message.is_topic_message && message.message_thread_id !== undefined ? message.message_thread_id : undefined;
}

/**
 * The message this one replies to. In a forum topic every message "replies" to the topic's
 * creation message; that is not a reply.
 */
function replyTarget(message: Message): Message | undefined {
  const target = message.reply_to_message;
  if (!target) return undefined;
  if (target.forum_topic_created || (message.is_topic_message && target.message_id === message.message_thread_id)) return undefined;
  return target;
}

export function toInbound(message: Message): InboundMessage {
  const service = isServiceMessage(message);
  const author: Author = message.sender_chat
    ? { id: idToString(message.sender_chat.id), displayName: chatTitle(message.sender_chat) ?? 'channel', isBot: false }
    : message.from
      ? authorOf(message.from)
      : { id: 'unknown', displayName: 'unknown', isBot: false };
  const reply = replyTarget(message);
  return {
    chat: chatRefOf(message.chat, threadOf(message)),
    chatTitle: chatTitle(message.chat),
    messageId: idToString(message.message_id),
    author,
    text: service ? serviceText(message) : (message.text ?? message.caption ?? ''),
    replyToMessageId: reply ? idToString(reply.message_id) : undefined,
    sentAt: new Date(message.date * 1000),
    isService: service || undefined,
  };
}

function commandOf(message: Message): TelegramCommand | null {
  // A command may also be the caption of a document (`/prompt set NAME` with the text attached).
  const text = message.text ?? message.caption;
  const entities = message.text !== undefined ? message.entities : message.caption_entities;
  if (!text || !entities?.some((e) => e.type === 'bot_command' && e.offset === 0)) return null;
  const line = parseCommandLine(text);
  if (!line) return null;
  const addressed = /^\/[A-Za-z0-9_-]+@([A-Za-z0-9_]+)/.exec(text);
  return { ...line, addressedTo: addressed ? addressed[1]! : null };
}

function isMember(m: ChatMember): boolean {
  return m.status === 'creator' || m.status === 'administrator' || m.status === 'member' || (m.status === 'restricted' && m.is_member);
}

function isAdmin(m: ChatMember): boolean {
  return m.status === 'creator' || m.status === 'administrator';
}

function memberChange(update: ChatMemberUpdated): MemberEvent | null {
  const was = isMember(update.old_chat_member);
  const is = isMember(update.new_chat_member);
  if (was === is) return null;
  return { chat: chatRefOf(update.chat), member: authorOf(update.new_chat_member.user), kind: is ? 'joined' : 'left', at: new Date(update.date * 1000) };
}

function parseMessage(message: Message): TelegramEvent {
  const inbound = toInbound(message);
  const at = inbound.sentAt;
  const ref = chatRefOf(message.chat);
  const memberEvents: MemberEvent[] = [
    ...(message.new_chat_members ?? []).map((u): MemberEvent => ({ chat: ref, member: authorOf(u), kind: 'joined', at })),
    ...(message.left_chat_member ? [{ chat: ref, member: authorOf(message.left_chat_member), kind: 'left' as const, at }] : []),
  ];
  const reply = replyTarget(message);
  return {
    kind: 'message',
    chatKind: message.chat.type,
    inbound,
    command: commandOf(message),
    document: message.document
      ? { fileId: message.document.file_id, fileName: message.document.file_name ?? null, mimeType: message.document.mime_type ?? null, size: message.document.file_size ?? null }
      : null,
    editOfDraft: reply ? parseEditPrompt(reply.text) : null,
    repliedToBotId: reply?.from?.is_bot ? idToString(reply.from.id) : null,
    memberEvents,
    migratedTo: message.migrate_to_chat_id !== undefined ? chatRefOf({ id: message.migrate_to_chat_id }) : null,
  };
}

function parseCallback(query: CallbackQuery): TelegramEvent {
  const message = query.message;
  // An inaccessible message (too old) has date 0 and no text, but still names its chat.
  return {
    kind: 'callback',
    queryId: query.id,
    invoker: invokerOf(query.from),
    data: query.data ?? null,
    chat: message ? chatRefOf(message.chat, 'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined) : null,
    messageId: message ? idToString(message.message_id) : null,
  };
}

/** One update → the event it stands for. Unknown kinds are `ignored`, never an error. */
export function parseUpdate(update: Update): TelegramEvent {
  if (update.message) return parseMessage(update.message);
  if (update.edited_message) {
    const m = update.edited_message;
    return { kind: 'edited', chatKind: m.chat.type, inbound: toInbound(m), editedAt: new Date((m.edit_date ?? m.date) * 1000) };
  }
  if (update.callback_query) return parseCallback(update.callback_query);
  if (update.my_chat_member) {
    const u = update.my_chat_member;
    return {
      kind: 'bot_membership',
      chat: chatRefOf(u.chat),
      chatKind: u.chat.type,
      chatTitle: chatTitle(u.chat),
      active: isMember(u.new_chat_member),
      status: u.new_chat_member.status,
      by: invokerOf(u.from),
      at: new Date(u.date * 1000),
    };
  }
  if (update.chat_member) {
    const event = memberChange(update.chat_member);
    if (event) return { kind: 'member', event };
    if (isAdmin(update.chat_member.old_chat_member) !== isAdmin(update.chat_member.new_chat_member)) return { kind: 'admin_change', chat: chatRefOf(update.chat_member.chat) };
    return { kind: 'ignored', reason: 'chat_member without a join, leave or promotion' };
  }
  if (update.message_reaction) {
    const u = update.message_reaction;
    if (u.user?.is_bot) return { kind: 'ignored', reason: 'a bot reacted' };
    const who = u.user?.id ?? u.actor_chat?.id;
    // A member's whole new list replaces their old one; an anonymous change arrives as totals instead.
    if (who === undefined) return { kind: 'ignored', reason: 'reaction without a reactor' };
    const reactions = u.new_reaction.map((r) => ({ emoji: reactionKey(r), count: 1 }));
    return { kind: 'reaction', update: { kind: 'set', chat: chatRefOf(u.chat), messageId: String(u.message_id), userId: idToString(who), reactions } };
  }
  if (update.message_reaction_count) {
    const u = update.message_reaction_count;
    const reactions = u.reactions.map((r) => ({ emoji: reactionKey(r.type), count: r.total_count }));
    return { kind: 'reaction', update: { kind: 'set', chat: chatRefOf(u.chat), messageId: String(u.message_id), userId: null, reactions } };
  }
  const kind = Object.keys(update).find((k) => k !== 'update_id') ?? 'empty';
  return { kind: 'ignored', reason: `unhandled update kind ${kind}` };
}

/** One key per kind of reaction: the emoji itself, a custom emoji's id, or "paid" (a star reaction). */
function reactionKey(r: ReactionType): string {
  if (r.type === 'emoji') return r.emoji;
  if (r.type === 'custom_emoji') return `custom:${r.custom_emoji_id}`;
  return r.type;
}

/** The chat an update belongs to, for handling one chat's updates in order. */
export function updateChatKey(update: Update): string {
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat ??
    update.message_reaction?.chat ??
    update.message_reaction_count?.chat;
  if (chat) return `chat:${chat.id}`;
  const from = update.callback_query?.from;
  return from ? `user:${from.id}` : `update:${update.update_id}`;
}
