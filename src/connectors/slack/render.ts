/**
 * Core views → Slack messages. A card is Block Kit: a header, the member's words and the exact
 * reply as plain_text sections (shown literally: no markup, no mentions), the card fields, the
 * footer, and one actions block whose action ids are the card's action ids. Replies and notices
 * are mrkdwn `text` with `&`, `<` and `>` escaped, so `<!channel>`, `<!here>`, `<!everyone>`,
 * `<!subteam^…>` and `<@U…>` can never form, split at Slack's recommended 4,000 characters.
 */
import type { types } from '@slack/bolt';
import type { CardAction, CardView } from '../../core/types.js';
import {
  SLACK_ACTION_ID_MAX_CHARS,
  SLACK_ACTIONS_ELEMENTS_MAX,
  SLACK_BUTTON_TEXT_MAX_CHARS,
  SLACK_CONTEXT_TEXT_MAX_CHARS,
  SLACK_HEADER_TEXT_MAX_CHARS,
  SLACK_INPUT_LABEL_MAX_CHARS,
  SLACK_MESSAGE_MAX_BLOCKS,
  SLACK_MESSAGE_TEXT_MAX_CHARS,
  SLACK_SECTION_FIELD_MAX_CHARS,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX_CHARS,
  SLACK_TEXT_INPUT_MAX_CHARS,
  SLACK_VIEW_TITLE_MAX_CHARS,
} from './limits.js';

type KnownBlock = types.KnownBlock;
type PlainTextElement = types.PlainTextElement;
type View = types.View;

/** One Slack message to post or to update in place. */
export interface SlackMessagePart {
  /** mrkdwn; with blocks, the notification fallback. */
  text: string;
  blocks?: KnownBlock[] | undefined;
}

/** Prefix of the Edit modal's callback id: `edit-modal:12`. */
export const EDIT_MODAL_PREFIX = 'edit-modal';
/** The input block (and its element) holding the new reply text. */
export const EDIT_MODAL_INPUT_ID = 'text';

const ELLIPSIS = '…';
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes mrkdwn control characters, so text shows as written and never forms a mention or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cuts at `max` code units without splitting a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${cutAt(text, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * Splits raw text into parts whose escaped form fits `max`, at a line break or a space in the
 * last fifth of the window when there is one, never inside a surrogate pair.
 */
export function splitRaw(text: string, max: number, weigh: (c: string) => number = (c) => ENTITIES[c]?.length ?? c.length): string[] {
  const parts: string[] = [];
  let rest = text;
  while ([...rest].reduce((n, c) => n + weigh(c), 0) > max) {
    let end = 0;
    let size = 0;
    while (end < rest.length) {
      const step = isHighSurrogate(rest.charCodeAt(end)) ? 2 : 1;
      const w = weigh(rest.slice(end, end + step));
      if (size + w > max) break;
      size += w;
      end += step;
    }
    const window = rest.slice(0, end);
    const floor = Math.floor(end * 0.8);
    let at = window.lastIndexOf('\n');
    if (at < floor) at = window.lastIndexOf(' ');
    const separator = at >= floor && at > 0;
    if (!separator) at = end;
    parts.push(rest.slice(0, at));
    rest = rest.slice(separator ? at + 1 : at);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** A reply, notice or command answer: escaped mrkdwn, one message per 4,000 characters. */
export function renderText(text: string): SlackMessagePart[] {
  return splitRaw(text, SLACK_MESSAGE_TEXT_MAX_CHARS).map((part) => ({ text: escapeMrkdwn(part) }));
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: true });

/** A plain_text section per `SLACK_SECTION_TEXT_MAX_CHARS` of `text` (Slack refuses empty text). */
function plainSections(text: string, maxBlocks: number): KnownBlock[] {
  const chunks = splitRaw(text || ELLIPSIS, SLACK_SECTION_TEXT_MAX_CHARS, (c) => c.length).filter((c) => c.length > 0);
  const kept = chunks.slice(0, Math.max(1, maxBlocks));
  if (kept.length < chunks.length) kept[kept.length - 1] = clip(`${kept.at(-1)!}`, SLACK_SECTION_TEXT_MAX_CHARS - ELLIPSIS.length) + ELLIPSIS;
  return kept.map((chunk) => ({ type: 'section', text: plain(chunk) }));
}

const BUTTON_STYLES = { primary: 'primary', danger: 'danger', secondary: undefined } as const satisfies Record<CardAction['style'], 'primary' | 'danger' | undefined>;

function actionsBlocks(actions: CardAction[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < actions.length; i += SLACK_ACTIONS_ELEMENTS_MAX) {
    blocks.push({
      type: 'actions',
      elements: actions.slice(i, i + SLACK_ACTIONS_ELEMENTS_MAX).map((a) => {
        if (a.id.length > SLACK_ACTION_ID_MAX_CHARS) throw new RangeError(`action id over ${SLACK_ACTION_ID_MAX_CHARS} characters: ${a.id}`);
        const style = BUTTON_STYLES[a.style];
        return { type: 'button' as const, action_id: a.id, value: a.id, text: plain(clip(a.label, SLACK_BUTTON_TEXT_MAX_CHARS)), ...(style ? { style } : {}) };
      }),
    });
  }
  return blocks;
}

/** A card: Block Kit with the exact reply text in full (split over sections), and a text fallback. */
export function renderCard(view: CardView): SlackMessagePart {
  const head: KnownBlock[] = [{ type: 'header', text: plain(clip(view.title, SLACK_HEADER_TEXT_MAX_CHARS)) }];
  const fields = view.fields.slice(0, SLACK_SECTION_FIELDS_MAX).map((f) => ({ type: 'mrkdwn' as const, text: clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_SECTION_FIELD_MAX_CHARS) }));
  const tail: KnownBlock[] = [
    ...(fields.length > 0 ? [{ type: 'section' as const, fields }] : []),
    ...(view.footer ? [{ type: 'context' as const, elements: [plain(clip(view.footer, SLACK_CONTEXT_TEXT_MAX_CHARS))] }] : []),
    ...actionsBlocks(view.actions),
  ];
  const quoteHeading: KnownBlock = { type: 'context', elements: [plain(clip(`${view.quoteLabel}:`, SLACK_CONTEXT_TEXT_MAX_CHARS))] };
  const replyHeading: KnownBlock = { type: 'context', elements: [plain(clip(`${view.bodyLabel}:`, SLACK_CONTEXT_TEXT_MAX_CHARS))] };
  const room = SLACK_MESSAGE_MAX_BLOCKS - head.length - tail.length - 2;
  // The member's quote gets one section; the reply text the rest of the room.
  const quote = plainSections(clip(view.quote, SLACK_SECTION_TEXT_MAX_CHARS), 1);
  const body = plainSections(view.body, room - quote.length);
  const fallback = clip(`${view.title}\n${view.quoteLabel}: ${view.quote}`, SLACK_SECTION_TEXT_MAX_CHARS);
  return { text: escapeMrkdwn(fallback), blocks: [...head, quoteHeading, ...quote, replyHeading, ...body, ...tail] };
}

/** Text of a plain_text or mrkdwn object, as a reader sees it. */
function shown(t: { type: string; text: string }): string {
  return t.type === 'mrkdwn' ? unescapeMrkdwn(t.text) : t.text;
}

/** What a reader sees of a part (blocks when there are any, else the text), markup entities removed. */
export function visibleText(part: SlackMessagePart): string {
  if (!part.blocks || part.blocks.length === 0) return unescapeMrkdwn(part.text);
  const pieces: string[] = [];
  for (const b of part.blocks) {
    if (b.type === 'header') pieces.push(b.text.text);
    if (b.type === 'section') {
      if (b.text) pieces.push(shown(b.text));
      for (const f of b.fields ?? []) pieces.push(shown(f));
    }
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) pieces.push(shown(e));
    if (b.type === 'actions') for (const e of b.elements) if (e.type === 'button') pieces.push(e.text.text);
  }
  return pieces.join('\n');
}

/** Action ids of a part's buttons, in order. */
export function actionIdsOf(part: SlackMessagePart): string[] {
  return (part.blocks ?? []).flatMap((b) => (b.type === 'actions' ? b.elements.flatMap((e) => (e.type === 'button' && e.action_id ? [e.action_id] : [])) : []));
}

/** The Edit modal, prefilled with the draft's current text; `metadata` rides along to the submission. */
export function renderEditModal(draftId: number, text: string, metadata: string): View {
  return {
    type: 'modal',
    callback_id: `${EDIT_MODAL_PREFIX}:${draftId}`,
    private_metadata: metadata,
    title: plain(clip(`Edit draft #${draftId}`, SLACK_VIEW_TITLE_MAX_CHARS)),
    submit: plain('Approve edit'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: EDIT_MODAL_INPUT_ID,
        label: plain(clip('Reply to post', SLACK_INPUT_LABEL_MAX_CHARS)),
        element: {
          type: 'plain_text_input',
          action_id: EDIT_MODAL_INPUT_ID,
          multiline: true,
          initial_value: cutAt(text, SLACK_TEXT_INPUT_MAX_CHARS),
          max_length: SLACK_TEXT_INPUT_MAX_CHARS,
        },
      },
    ],
  };
}
