/**
 * Core views → Telegram messages. Cards are HTML (every piece of text escaped) with an inline
 * keyboard whose callback data is the card action id; replies and notices are plain text, split
 * at Telegram's 4096-character limit. Lengths are counted as Telegram counts them: after the
 * HTML is parsed away.
 */
import type { ForceReply, InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { CardView, PollSpec } from '../../core/types.js';
import {
  TELEGRAM_CALLBACK_DATA_MAX_BYTES,
  TELEGRAM_CAPTION_MAX_CHARS,
  TELEGRAM_KEYBOARD_ROW_MAX_BUTTONS,
  TELEGRAM_MESSAGE_TEXT_MAX_CHARS,
  TELEGRAM_PLACEHOLDER_MAX_CHARS,
  TELEGRAM_POLL_DESCRIPTION_MAX_CHARS,
  TELEGRAM_POLL_OPTION_MAX_CHARS,
  TELEGRAM_POLL_OPTIONS_MAX,
  TELEGRAM_POLL_OPTIONS_MIN,
  TELEGRAM_POLL_QUESTION_MAX_CHARS,
} from './limits.js';

/** One Telegram message to send or to edit in place. */
export interface TelegramMessagePart {
  text: string;
  parseMode?: 'HTML' | undefined;
  replyMarkup?: InlineKeyboardMarkup | ForceReply | undefined;
}

/** The quote is clipped before the reply text when a card would be too long. */
const CARD_QUOTE_MIN_CHARS = 120;
const ELLIPSIS = '…';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts at `max` code units without splitting a surrogate pair. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${cutAt(text, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * Splits text into parts of at most `max` characters, at a line break or a space when one is
 * in the last fifth of the window, never inside a surrogate pair.
 */
export function splitText(text: string, max = TELEGRAM_MESSAGE_TEXT_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = cutAt(rest, max);
    const floor = Math.floor(max * 0.8);
    let at = window.lastIndexOf('\n');
    if (at < floor) at = window.lastIndexOf(' ');
    // The separator a part ends at is dropped; a hard cut drops nothing.
    const skip = at >= floor ? 1 : 0;
    if (at < floor) at = window.length;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + skip);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** A text segment with an optional HTML tag; plain length is what Telegram counts. */
type Segment = { text: string; tag?: 'b' | 'i' | 'blockquote' | undefined };

function cardSegments(view: CardView, quote: string, body: string): Segment[] {
  const segments: Segment[] = [
    { text: view.title, tag: 'b' },
    { text: '\n' },
    { text: `${view.quoteLabel}:`, tag: 'i' },
    { text: '\n' },
    { text: quote, tag: 'blockquote' },
    { text: '\n' },
    { text: `${view.bodyLabel}:`, tag: 'b' },
    { text: '\n' },
    { text: body },
    { text: '\n' },
  ];
  for (const f of view.fields) segments.push({ text: '\n' }, { text: `${f.label}:`, tag: 'b' }, { text: ` ${f.value}` });
  if (view.footer) segments.push({ text: '\n\n' }, { text: view.footer, tag: 'i' });
  return segments;
}

const plainLength = (segments: Segment[]) => segments.reduce((n, s) => n + s.text.length, 0);

function toHtml(segments: Segment[]): string {
  return segments.map((s) => (s.tag && s.text ? `<${s.tag}>${escapeHtml(s.text)}</${s.tag}>` : escapeHtml(s.text))).join('');
}

/** The inline keyboard of a card: one row of its actions; none once the card is decided. */
export function cardKeyboard(view: CardView): InlineKeyboardMarkup {
  const buttons: InlineKeyboardButton[] = view.actions
    .filter((a) => Buffer.byteLength(a.id, 'utf8') <= TELEGRAM_CALLBACK_DATA_MAX_BYTES)
    .map((a) => ({ text: a.label, callback_data: a.id }));
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += TELEGRAM_KEYBOARD_ROW_MAX_BUTTONS) rows.push(buttons.slice(i, i + TELEGRAM_KEYBOARD_ROW_MAX_BUTTONS));
  return { inline_keyboard: rows };
}

/**
 * A card as one HTML message (a card is edited in place, so it never splits): when too long,
 * the member's quote is shortened first, then the reply text.
 */
export function renderCard(view: CardView, max = TELEGRAM_MESSAGE_TEXT_MAX_CHARS): TelegramMessagePart {
  let quote = view.quote;
  let body = view.body;
  let segments = cardSegments(view, quote, body);
  let over = plainLength(segments) - max;
  if (over > 0) {
    quote = clip(quote, Math.max(CARD_QUOTE_MIN_CHARS, quote.length - over));
    segments = cardSegments(view, quote, body);
    over = plainLength(segments) - max;
  }
  if (over > 0) {
    body = clip(body, Math.max(0, body.length - over));
    segments = cardSegments(view, quote, body);
    over = plainLength(segments) - max;
  }
  if (over > 0) {
    // Extreme field values: fall back to clipped plain text, still within the limit.
    return { text: clip(segments.map((s) => s.text).join(''), max), replyMarkup: cardKeyboard(view) };
  }
  return { text: toHtml(segments), parseMode: 'HTML', replyMarkup: cardKeyboard(view) };
}

// ---------------------------------------------------------------- edit prompts

const EDIT_PROMPT = /^✏️ Edit draft #(\d{1,9}):/u;

/**
 * The force-reply prompt the Edit button posts. Its text names the draft, so the manager's
 * reply identifies the draft by the message it replies to — nothing to remember across restarts.
 */
export function editPromptText(draftId: number): string {
  return `✏️ Edit draft #${draftId}: reply to this message with the new text of the reply. It is posted as soon as you send it.`;
}

/** The draft an edit prompt (the replied-to message's text) is about, or null. */
export function parseEditPrompt(text: string | undefined): number | null {
  const m = text ? EDIT_PROMPT.exec(text) : null;
  return m ? Number(m[1]) : null;
}

function editPromptMarkup(draftId: number): ForceReply {
  // Not `selective`: the prompt replies to the bot's own card, so selective would target no one
  // in a desk group. Any manager there may answer it; the answer is checked like any command.
  return { force_reply: true, input_field_placeholder: clip(`New text for draft #${draftId}`, TELEGRAM_PLACEHOLDER_MAX_CHARS) };
}

/**
 * Plain text (a reply to a member, a notice, a command's answer) as one or more messages. An
 * edit prompt gets its force-reply markup.
 */
export function renderText(text: string): TelegramMessagePart[] {
  const parts = splitText(text).map((t): TelegramMessagePart => ({ text: t }));
  const promptFor = parseEditPrompt(text);
  if (promptFor !== null && parts[0]) parts[0].replyMarkup = editPromptMarkup(promptFor);
  return parts;
}

/** Plain text Telegram shows for a part (HTML tags removed, entities decoded): for limit checks. */
export function visibleText(part: TelegramMessagePart): string {
  if (part.parseMode !== 'HTML') return part.text;
  return part.text.replace(/<\/?(?:b|i|blockquote)>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A native poll as sendPoll takes it; `description` is the post text above it. */
export interface TelegramPollPart {
  question: string;
  options: Array<{ text: string }>;
  description?: string | undefined;
}

/**
 * A poll post: the poll, with the post text as its description when it fits, else the text as
 * messages before it. Null when the options cannot make a poll (fewer than two after clipping
 * and de-duplicating): the caller posts it as text.
 */
export function renderPoll(poll: PollSpec, text: string): { before: TelegramMessagePart[]; poll: TelegramPollPart } | null {
  const question = clip(poll.question.replace(/\s+/g, ' ').trim(), TELEGRAM_POLL_QUESTION_MAX_CHARS);
  const options = [...new Set(poll.options.map((o) => clip(o.replace(/\s+/g, ' ').trim(), TELEGRAM_POLL_OPTION_MAX_CHARS)).filter(Boolean))].slice(0, TELEGRAM_POLL_OPTIONS_MAX);
  if (question === '' || options.length < TELEGRAM_POLL_OPTIONS_MIN) return null;
  const intro = text.trim();
  const fits = intro.length <= TELEGRAM_POLL_DESCRIPTION_MAX_CHARS;
  return {
    before: fits || intro === '' ? [] : renderText(intro),
    poll: { question, options: options.map((o) => ({ text: o })), ...(fits && intro !== '' ? { description: intro } : {}) },
  };
}

/** A photo post: the text as its caption when it fits, else the text as messages before it. */
export function renderPhoto(text: string): { before: TelegramMessagePart[]; caption: string | undefined } {
  const caption = text.trim();
  if (caption === '') return { before: [], caption: undefined };
  return caption.length <= TELEGRAM_CAPTION_MAX_CHARS ? { before: [], caption } : { before: renderText(caption), caption: undefined };
}
