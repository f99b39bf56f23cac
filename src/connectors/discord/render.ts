/**
 * Core views → Discord messages. A card is one embed (the draft's reply text in the
 * description, the member's words and the card fields as embed fields) with one row of buttons
 * whose custom ids are the card's action ids; replies and notices are plain content split at
 * Discord's 2000 characters. Text Jamii quotes on a card is escaped so it reads exactly as
 * written; a reply's text goes out as the manager approved it.
 */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  type RESTAPIPoll,
} from 'discord.js';
import type { CardAction, CardView, ImageAttachment, PollSpec } from '../../core/types.js';
import {
  DISCORD_BUTTON_LABEL_MAX_CHARS,
  DISCORD_CUSTOM_ID_MAX_CHARS,
  DISCORD_EMBED_DESCRIPTION_MAX_CHARS,
  DISCORD_EMBED_FIELD_NAME_MAX_CHARS,
  DISCORD_EMBED_FIELD_VALUE_MAX_CHARS,
  DISCORD_EMBED_FIELDS_MAX,
  DISCORD_EMBED_FOOTER_MAX_CHARS,
  DISCORD_EMBED_TITLE_MAX_CHARS,
  DISCORD_EMBED_TOTAL_MAX_CHARS,
  DISCORD_MESSAGE_CONTENT_MAX_CHARS,
  DISCORD_MODAL_TITLE_MAX_CHARS,
  DISCORD_ATTACHMENT_DESCRIPTION_MAX_CHARS,
  DISCORD_POLL_ANSWER_MAX_CHARS,
  DISCORD_POLL_ANSWERS_MAX,
  DISCORD_POLL_ANSWERS_MIN,
  DISCORD_POLL_DURATION_HOURS,
  DISCORD_POLL_DURATION_MAX_HOURS,
  DISCORD_POLL_DURATION_MIN_HOURS,
  DISCORD_POLL_QUESTION_MAX_CHARS,
  DISCORD_ROW_MAX_BUTTONS,
  DISCORD_TEXT_INPUT_MAX_CHARS,
} from './limits.js';

/** One Discord message to send or to edit in place. */
export interface DiscordMessagePart {
  content?: string | undefined;
  embeds?: APIEmbed[] | undefined;
  components?: Array<APIActionRowComponent<APIButtonComponentWithCustomId>> | undefined;
  /** A native message poll (posts only). */
  poll?: RESTAPIPoll | undefined;
  /** Files to upload with the message; `attachments` in the body names them. */
  files?: Array<{ name: string; data: Buffer; contentType: string; description: string }> | undefined;
}

/** The text input of the Edit modal; its value is the new reply text. */
export const EDIT_MODAL_TEXT_INPUT_ID = 'text';
/** Prefix of the Edit modal's custom id: `edit-modal:12`. */
export const EDIT_MODAL_PREFIX = 'edit-modal';

const ELLIPSIS = '…';
const MARKDOWN = /[\\*_~`|>#[\]()<@:-]/g;
const ESCAPED = /\\([\\*_~`|>#[\]()<@:-])/g;

/** Backslash-escapes Discord markdown (and mention syntax) so text shows as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, (c) => `\\${c}`);
}

export function unescapeMarkdown(text: string): string {
  return text.replace(ESCAPED, '$1');
}

/** Cuts at `max` code units without splitting a surrogate pair or leaving a dangling escape. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  let cut = text.slice(0, end);
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return cut;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${cutAt(text, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * Splits text into parts of at most `max` characters, at a line break or a space in the last
 * fifth of the window when there is one, never inside a surrogate pair.
 */
export function splitText(text: string, max = DISCORD_MESSAGE_CONTENT_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let window = rest.slice(0, max);
    const last = window.charCodeAt(window.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) window = window.slice(0, -1);
    const floor = Math.floor(max * 0.8);
    let at = window.lastIndexOf('\n');
    if (at < floor) at = window.lastIndexOf(' ');
    const separator = at >= floor;
    if (!separator) at = window.length;
    parts.push(rest.slice(0, at));
    rest = rest.slice(separator ? at + 1 : at);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

const BUTTON_STYLES = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, danger: ButtonStyle.Danger } as const satisfies Record<CardAction['style'], ButtonStyle>;

function buttonRows(actions: CardAction[]): Array<APIActionRowComponent<APIButtonComponentWithCustomId>> {
  const rows: Array<APIActionRowComponent<APIButtonComponentWithCustomId>> = [];
  for (let i = 0; i < actions.length; i += DISCORD_ROW_MAX_BUTTONS) {
    rows.push({
      type: ComponentType.ActionRow,
      components: actions.slice(i, i + DISCORD_ROW_MAX_BUTTONS).map((a) => {
        if (a.id.length > DISCORD_CUSTOM_ID_MAX_CHARS) throw new RangeError(`custom id over ${DISCORD_CUSTOM_ID_MAX_CHARS} characters: ${a.id}`);
        return { type: ComponentType.Button, style: BUTTON_STYLES[a.style], label: clip(a.label, DISCORD_BUTTON_LABEL_MAX_CHARS), custom_id: a.id };
      }),
    });
  }
  return rows;
}

/** Characters Discord counts toward the 6000 of a message's embeds. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** A card: one embed and its buttons. The reply text is clipped last, and only when the whole card cannot fit. */
export function renderCard(view: CardView): DiscordMessagePart {
  const fields: NonNullable<APIEmbed['fields']> = [
    { name: clip(view.quoteLabel, DISCORD_EMBED_FIELD_NAME_MAX_CHARS), value: clip(escapeMarkdown(view.quote), DISCORD_EMBED_FIELD_VALUE_MAX_CHARS) || ELLIPSIS },
    ...view.fields.map((f) => ({
      name: clip(f.label, DISCORD_EMBED_FIELD_NAME_MAX_CHARS),
      value: clip(escapeMarkdown(f.value), DISCORD_EMBED_FIELD_VALUE_MAX_CHARS) || ELLIPSIS,
      inline: f.label === 'Status',
    })),
  ].slice(0, DISCORD_EMBED_FIELDS_MAX);
  const embed: APIEmbed = {
    title: clip(view.title, DISCORD_EMBED_TITLE_MAX_CHARS),
    fields,
    ...(view.footer ? { footer: { text: clip(view.footer, DISCORD_EMBED_FOOTER_MAX_CHARS) } } : {}),
  };
  const heading = `${view.bodyLabel}:\n`;
  const room = Math.min(DISCORD_EMBED_DESCRIPTION_MAX_CHARS, DISCORD_EMBED_TOTAL_MAX_CHARS - embedLength(embed)) - heading.length;
  // The member's quote gives way before the reply text does.
  if (room < 400 && fields[0]) fields[0] = { ...fields[0], value: clip(fields[0].value, Math.max(1, fields[0].value.length - (400 - room))) };
  const description = `${heading}${clip(escapeMarkdown(view.body), Math.min(DISCORD_EMBED_DESCRIPTION_MAX_CHARS, DISCORD_EMBED_TOTAL_MAX_CHARS - embedLength(embed)) - heading.length)}`;
  return { embeds: [{ ...embed, description }], components: buttonRows(view.actions) };
}

/** A reply, notice or command answer: one message per 2000 characters. */
export function renderText(text: string): DiscordMessagePart[] {
  return splitText(text).map((content) => ({ content }));
}

/** What a reader sees of a part, markup removed. */
export function visibleText(part: DiscordMessagePart): string {
  const pieces: string[] = [];
  if (part.content) pieces.push(part.content);
  for (const e of part.embeds ?? []) {
    if (e.title) pieces.push(e.title);
    if (e.description) pieces.push(unescapeMarkdown(e.description));
    for (const f of e.fields ?? []) pieces.push(f.name, unescapeMarkdown(f.value));
    if (e.footer) pieces.push(e.footer.text);
  }
  return pieces.join('\n');
}

/** The Edit modal, prefilled with the draft's current text. */
export function renderEditModal(draftId: number, text: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: `${EDIT_MODAL_PREFIX}:${draftId}`,
    title: clip(`Edit draft #${draftId}`, DISCORD_MODAL_TITLE_MAX_CHARS),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: EDIT_MODAL_TEXT_INPUT_ID,
            style: TextInputStyle.Paragraph,
            label: 'Reply to post',
            value: cutAt(text, DISCORD_TEXT_INPUT_MAX_CHARS),
            required: true,
            max_length: DISCORD_TEXT_INPUT_MAX_CHARS,
          },
        ],
      },
    ],
  };
}

/**
 * A poll post: the post text as content (split when long), the poll on the last message. Null
 * when the options cannot make a poll (fewer than two after clipping and de-duplicating).
 */
export function renderPoll(poll: PollSpec, text: string, durationHours = DISCORD_POLL_DURATION_HOURS): DiscordMessagePart[] | null {
  const question = clip(poll.question.replace(/\s+/g, ' ').trim(), DISCORD_POLL_QUESTION_MAX_CHARS);
  const answers = [...new Set(poll.options.map((o) => clip(o.replace(/\s+/g, ' ').trim(), DISCORD_POLL_ANSWER_MAX_CHARS)).filter(Boolean))].slice(0, DISCORD_POLL_ANSWERS_MAX);
  if (question === '' || answers.length < DISCORD_POLL_ANSWERS_MIN) return null;
  const duration = Math.min(DISCORD_POLL_DURATION_MAX_HOURS, Math.max(DISCORD_POLL_DURATION_MIN_HOURS, Math.round(durationHours)));
  const parts = text.trim() === '' ? [{}] : renderText(text.trim());
  const last = parts.at(-1)!;
  last.poll = { question: { text: question }, answers: answers.map((a) => ({ poll_media: { text: a } })), duration, allow_multiselect: false };
  return parts;
}

/** An image post: the text as content (split when long), the image attached to the last message. */
export function renderImage(image: ImageAttachment, text: string): DiscordMessagePart[] {
  const parts = text.trim() === '' ? [{}] : renderText(text);
  parts.at(-1)!.files = [{ name: image.filename, data: Buffer.from(image.dataBase64, 'base64'), contentType: image.contentType, description: clip(image.alt, DISCORD_ATTACHMENT_DESCRIPTION_MAX_CHARS) }];
  return parts;
}
