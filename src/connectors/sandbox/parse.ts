/** Sandbox HTTP bodies → validated core input. Every problem is a 400 with a stable code. */
import { parseCardAction } from '../../core/card-actions.js';
import { JamiiError } from '../../core/errors.js';
import type { InboundMessage } from '../../core/types.js';
import { roomNameProblem } from './room-name.js';
import { reservedNameProblem, sandboxUserId } from './user-name.js';

/** Telegram's limit on a message's text, which it counts (as JavaScript's `length` does) in UTF-16 code units. */
export const SANDBOX_TEXT_MAX_UTF16_UNITS = 4096;
export const SANDBOX_NAME_MAX_UTF16_UNITS = 64;

export interface SandboxPost {
  chat: string;
  user: string;
  text: string;
  /** The sandbox message id this one replies to (a member answering another). */
  replyTo: number | null;
}

const UNITS_NOTE = '(most characters are one unit; emoji and other characters beyond U+FFFF are two)';

/** Null when `chat` (in a body or a query) is a room name, else the `invalid_input` to answer. */
export function roomNameError(chat: string): JamiiError | null {
  const problem = roomNameProblem(chat);
  return problem ? new JamiiError('invalid_input', `"chat": ${problem}.`) : null;
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) throw new JamiiError('invalid_input', `"${name}" is required.`);
  if (typeof value !== 'string') throw new JamiiError('invalid_input', `"${name}" must be a string.`);
  if (value.trim() === '') throw new JamiiError('invalid_input', `"${name}" must not be empty.`);
  // Postgres stores no NUL in text: refused here rather than failing the insert with a 500.
  if (value.includes('\u0000')) throw new JamiiError('invalid_input', `"${name}" must not contain a NUL character (U+0000).`);
  return value;
}

/** A name that would pass for the bot or the staff is refused (see user-name.ts). */
function userNameCheck(user: string, staff: ReadonlySet<string>): void {
  const problem = reservedNameProblem(user, staff);
  if (problem) throw new JamiiError('invalid_input', `"user": ${problem}.`);
}

export function parseSandboxPost(body: unknown, staff: ReadonlySet<string>): SandboxPost {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new JamiiError('invalid_input', 'The body must be a JSON object with "chat", "user" and "text".');
  const b = body as Record<string, unknown>;
  const chat = field(b, 'chat').trim();
  const user = field(b, 'user').trim();
  const text = field(b, 'text');
  const roomError = roomNameError(chat);
  if (roomError) throw roomError;
  if (user.length > SANDBOX_NAME_MAX_UTF16_UNITS) throw new JamiiError('invalid_input', `"user" must be at most ${SANDBOX_NAME_MAX_UTF16_UNITS} UTF-16 code units long.`);
  userNameCheck(user, staff);
  if (text.length > SANDBOX_TEXT_MAX_UTF16_UNITS) throw new JamiiError('text_too_long', `"text" is ${text.length} UTF-16 code units long; the limit is ${SANDBOX_TEXT_MAX_UTF16_UNITS} ${UNITS_NOTE}.`);
  let replyTo: number | null = null;
  if (b.replyTo !== undefined && b.replyTo !== null) {
    // Digits only: Number() would read "1e3" as 1000 and " 7 " as 7.
    const raw = typeof b.replyTo === 'string' ? (/^[1-9][0-9]*$/.test(b.replyTo) ? Number(b.replyTo) : Number.NaN) : b.replyTo;
    if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0) throw new JamiiError('invalid_input', '"replyTo" must be the id of a sandbox message.');
    replyTo = raw;
  }
  return { chat, user, text, replyTo };
}

export interface SandboxAction {
  user: string;
  action: string;
  text?: string | undefined;
}

export function parseSandboxAction(body: unknown, staff: ReadonlySet<string>): SandboxAction {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new JamiiError('invalid_input', 'The body must be a JSON object with "user" and "action".');
  const b = body as Record<string, unknown>;
  const user = field(b, 'user').trim();
  userNameCheck(user, staff);
  const action = field(b, 'action').trim();
  if (!parseCardAction(action)) throw new JamiiError('invalid_input', '"action" must look like "approve:12".');
  const text = b.text === undefined ? undefined : field(b, 'text');
  if (text !== undefined && text.length > SANDBOX_TEXT_MAX_UTF16_UNITS) throw new JamiiError('text_too_long', `"text" is ${text.length} UTF-16 code units long; the limit is ${SANDBOX_TEXT_MAX_UTF16_UNITS} ${UNITS_NOTE}.`);
  return { user, action, text };
}

export function toInbound(row: { id: number; chat: string; userName: string; text: string; replyTo: number | null; createdAt: Date }): InboundMessage {
  return {
    chat: { platform: 'sandbox', chatId: row.chat },
    chatTitle: row.chat,
    messageId: String(row.id),
    author: { id: sandboxUserId(row.userName), displayName: row.userName, isBot: false },
    text: row.text,
    replyToMessageId: row.replyTo === null ? undefined : String(row.replyTo),
    sentAt: row.createdAt,
  };
}
