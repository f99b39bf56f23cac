/**
 * Slack request bodies → Jamii events. Works on the raw bodies Slack sends (Events API
 * callbacks, slash commands, block actions, view submissions), the same in HTTP and Socket
 * Mode, so the recorded payloads under test/fixtures/slack parse the same way. Events carry user
 * and channel ids only; the handler looks their names up.
 */
import { JamiiError } from '../../core/errors.js';
import type { MemberEvent } from '../../core/ports.js';
import type { ChatRef, InboundMessage, Invoker, ReactionUpdate } from '../../core/types.js';
import { channelId, chatRefOf, isChannelId, isDirectMessageId, messageTs, userId } from './ids.js';
import { EDIT_MODAL_INPUT_ID, EDIT_MODAL_PREFIX, unescapeMrkdwn } from './render.js';

/** The slash command every manager command hangs under: `/jamii pending`. */
export const JAMII_SLASH_COMMAND = '/jamii';

export type SlackEvent =
  | { kind: 'message'; inbound: InboundMessage }
  | { kind: 'edited'; inbound: InboundMessage; editedAt: Date }
  | { kind: 'deleted'; chat: ChatRef; messageIds: string[] }
  | { kind: 'member'; event: MemberEvent }
  | { kind: 'reaction'; update: ReactionUpdate }
  | { kind: 'command'; invoker: Invoker; name: string; args: string; channel: ChatRef | null; direct: boolean; triggerId: string | null; responseUrl: string | null }
  | { kind: 'button'; invoker: Invoker; actionId: string; channel: ChatRef | null; messageTs: string | null; triggerId: string | null }
  | { kind: 'modal'; invoker: Invoker; callbackId: string; text: string; channel: ChatRef | null }
  | { kind: 'ignored'; reason: string };

/** Message subtypes written by a person (everything else is a system message or a bot's). */
const MEMBER_SUBTYPES = new Set<string | undefined>([undefined, 'thread_broadcast', 'file_share', 'me_message']);
/** Channel kinds Jamii listens in: public and private channels (not direct messages). */
const LISTENED_CHANNEL_TYPES = new Set<string | undefined>([undefined, 'channel', 'group']);

interface RawMessage {
  type?: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  edited?: { user?: string; ts?: string };
  message?: RawMessage;
  previous_message?: RawMessage;
  deleted_ts?: string;
  event_ts?: string;
}

function bad(what: string): never {
  throw new JamiiError('invalid_input', `unexpected Slack payload: ${what}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(what);
  return value as Record<string, unknown>;
}

/** Slack's ts is seconds since the epoch with microseconds: `1712345678.123456`. */
export function dateOfTs(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

function inboundOf(channel: string, m: RawMessage): InboundMessage {
  if (typeof m.ts !== 'string') bad('message without ts');
  const author = m.user ?? m.bot_id;
  if (typeof author !== 'string') bad('message without a user');
  const inThread = typeof m.thread_ts === 'string' && m.thread_ts !== m.ts;
  return {
    chat: chatRefOf(channel, inThread ? m.thread_ts : undefined),
    messageId: messageTs(m.ts),
    // Names are looked up by the handler; the id stands in until then.
    author: { id: author, displayName: m.username ?? author, isBot: Boolean(m.bot_id) || m.subtype === 'bot_message' },
    // Slack sends "&", "<" and ">" a member typed as entities; Jamii stores what they typed.
    text: unescapeMrkdwn(m.text ?? ''),
    // A thread reply answers the thread's parent: drafting groups them.
    ...(inThread ? { replyToMessageId: messageTs(m.thread_ts!) } : {}),
    sentAt: dateOfTs(m.ts),
    ...(MEMBER_SUBTYPES.has(m.subtype) ? {} : { isService: true }),
  };
}

function parseMessageEvent(e: RawMessage): SlackEvent {
  if (!LISTENED_CHANNEL_TYPES.has(e.channel_type)) return { kind: 'ignored', reason: `message in ${String(e.channel_type)}` };
  if (typeof e.channel !== 'string') bad('message without a channel');
  const channel = channelId(e.channel);
  switch (e.subtype) {
    case 'message_changed': {
      const m = e.message;
      // Link unfurls arrive as changes too; only a changed text is an edit.
      if (!m || !m.edited || m.text === e.previous_message?.text) return { kind: 'ignored', reason: 'change without new text' };
      return { kind: 'edited', inbound: inboundOf(channel, m), editedAt: dateOfTs(m.edited.ts ?? e.event_ts ?? e.ts ?? String(Date.now() / 1000)) };
    }
    case 'message_deleted': {
      const ts = e.deleted_ts ?? e.previous_message?.ts;
      if (typeof ts !== 'string') bad('deletion without ts');
      const thread = e.previous_message?.thread_ts;
      return { kind: 'deleted', chat: chatRefOf(channel, thread && thread !== ts ? thread : undefined), messageIds: [messageTs(ts)] };
    }
    case 'message_replied':
      return { kind: 'ignored', reason: 'thread summary update' };
    default:
      return { kind: 'message', inbound: inboundOf(channel, e) };
  }
}

function parseEventCallback(body: Record<string, unknown>): SlackEvent {
  const e = record(body.event, 'event') as RawMessage & { type?: string; user?: string; channel?: string };
  switch (e.type) {
    case 'message':
      return parseMessageEvent(e);
    case 'member_joined_channel':
    case 'member_left_channel': {
      if (typeof e.user !== 'string' || typeof e.channel !== 'string') bad('member event without user or channel');
      const joined = e.type === 'member_joined_channel';
      const at = typeof body.event_time === 'number' ? new Date(body.event_time * 1000) : new Date();
      return { kind: 'member', event: { chat: chatRefOf(e.channel), member: { id: userId(e.user), displayName: e.user, isBot: false }, kind: joined ? 'joined' : 'left', at } };
    }
    case 'reaction_added':
    case 'reaction_removed': {
      const r = e as unknown as { user?: string; reaction?: string; item?: { type?: string; channel?: string; ts?: string } };
      if (r.item?.type !== 'message') return { kind: 'ignored', reason: `reaction to a ${String(r.item?.type)}` };
      if (typeof r.user !== 'string' || typeof r.reaction !== 'string' || typeof r.item.channel !== 'string' || typeof r.item.ts !== 'string') bad('reaction without user, emoji or message');
      const kind = e.type === 'reaction_added' ? 'added' : 'removed';
      return { kind: 'reaction', update: { kind, chat: chatRefOf(r.item.channel), messageId: messageTs(r.item.ts), userId: userId(r.user), emoji: r.reaction } };
    }
    default:
      return { kind: 'ignored', reason: `event ${String(e.type)}` };
  }
}

function invokerOf(user: unknown, fallbackName?: unknown): Invoker {
  const u = record(user, 'user') as { id?: string; username?: string; name?: string };
  if (typeof u.id !== 'string') bad('interaction without a user id');
  return { platform: 'slack', userId: userId(u.id), displayName: u.name ?? u.username ?? (typeof fallbackName === 'string' ? fallbackName : u.id) };
}

const channelRef = (id: unknown): ChatRef | null => (typeof id === 'string' && id.length > 0 ? chatRefOf(id) : null);

function parseCommand(body: Record<string, unknown>): SlackEvent {
  if (body.command !== JAMII_SLASH_COMMAND) return { kind: 'ignored', reason: `command ${String(body.command)}` };
  // Escaped like message text: "/jamii edit 12 Tom &amp; Jerry" is the manager's "Tom & Jerry".
  const text = typeof body.text === 'string' ? unescapeMrkdwn(body.text).trim() : '';
  const at = text.search(/\s/);
  const name = (at < 0 ? text : text.slice(0, at)).replace(/^\//, '').toLowerCase() || 'help';
  const args = at < 0 ? '' : text.slice(at + 1).trim();
  return {
    kind: 'command',
    invoker: invokerOf({ id: body.user_id, name: body.user_name }),
    name,
    args,
    channel: channelRef(body.channel_id),
    direct: typeof body.channel_id === 'string' && isDirectMessageId(body.channel_id),
    triggerId: typeof body.trigger_id === 'string' ? body.trigger_id : null,
    responseUrl: typeof body.response_url === 'string' ? body.response_url : null,
  };
}

function parseBlockActions(body: Record<string, unknown>): SlackEvent {
  const action = (body.actions as Array<{ action_id?: string }> | undefined)?.[0];
  if (!action || typeof action.action_id !== 'string') bad('block action without an action id');
  const container = (body.container ?? {}) as { channel_id?: string; message_ts?: string };
  const channel = (body.channel as { id?: string } | undefined)?.id ?? container.channel_id;
  const ts = (body.message as { ts?: string } | undefined)?.ts ?? container.message_ts ?? null;
  return {
    kind: 'button',
    invoker: invokerOf(body.user),
    actionId: action.action_id,
    channel: channelRef(channel),
    messageTs: ts,
    triggerId: typeof body.trigger_id === 'string' ? body.trigger_id : null,
  };
}

/** The channel the modal was opened from, which Jamii put in its private_metadata; null when absent or not ours. */
function modalChannel(metadata: string | undefined): ChatRef | null {
  try {
    const channel = (JSON.parse(metadata || '{}') as { channel?: unknown }).channel;
    return typeof channel === 'string' && isChannelId(channel) ? chatRefOf(channel) : null;
  } catch {
    return null;
  }
}

function parseViewSubmission(body: Record<string, unknown>): SlackEvent {
  const view = record(body.view, 'view') as { callback_id?: string; private_metadata?: string; state?: { values?: Record<string, Record<string, { value?: string | null }>> } };
  if (typeof view.callback_id !== 'string' || !view.callback_id.startsWith(`${EDIT_MODAL_PREFIX}:`)) return { kind: 'ignored', reason: 'unknown view' };
  const text = view.state?.values?.[EDIT_MODAL_INPUT_ID]?.[EDIT_MODAL_INPUT_ID]?.value;
  if (typeof text !== 'string') bad('edit modal without its text');
  return { kind: 'modal', invoker: invokerOf(body.user), callbackId: view.callback_id, text, channel: modalChannel(view.private_metadata) };
}

/** Turns one request body (event callback, slash command, interaction payload) into a Jamii event. */
export function parseSlackBody(raw: unknown): SlackEvent {
  const body = record(raw, 'body');
  if (typeof body.command === 'string') return parseCommand(body);
  switch (body.type) {
    case 'event_callback':
      return parseEventCallback(body);
    case 'block_actions':
      return parseBlockActions(body);
    case 'view_submission':
      return parseViewSubmission(body);
    default:
      return { kind: 'ignored', reason: `type ${String(body.type)}` };
  }
}
