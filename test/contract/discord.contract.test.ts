import { channelOf, chatRefFromChannel, snowflake } from '../../src/connectors/discord/ids.js';
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
  DISCORD_MESSAGE_MAX_ROWS,
  DISCORD_ROW_MAX_BUTTONS,
} from '../../src/connectors/discord/limits.js';
import { parseDispatch } from '../../src/connectors/discord/parse.js';
import { embedLength, renderCard, renderText, visibleText, type DiscordMessagePart } from '../../src/connectors/discord/render.js';
import { connectorContract } from './connector-contract.js';

/** The thread the fixtures use, and its parent channel (what the gateway's state would say). */
const FIXTURE_THREADS = new Map([['900000000000000020', '900000000000000010']]);

const splitSurrogate = (s: string) => /[\uD800-\uDBFF]$/.test(s) || /^[\uDC00-\uDFFF]/.test(s);

function violations(part: DiscordMessagePart): string[] {
  const problems: string[] = [];
  const content = part.content ?? '';
  if (!content && (part.embeds ?? []).length === 0) problems.push('empty message');
  if (content.length > DISCORD_MESSAGE_CONTENT_MAX_CHARS) problems.push(`content is ${content.length} characters`);
  if (splitSurrogate(content)) problems.push('content split inside a surrogate pair');
  let total = 0;
  for (const e of part.embeds ?? []) {
    total += embedLength(e);
    if ((e.title?.length ?? 0) > DISCORD_EMBED_TITLE_MAX_CHARS) problems.push('embed title too long');
    if ((e.description?.length ?? 0) > DISCORD_EMBED_DESCRIPTION_MAX_CHARS) problems.push('embed description too long');
    if ((e.footer?.text.length ?? 0) > DISCORD_EMBED_FOOTER_MAX_CHARS) problems.push('embed footer too long');
    if ((e.fields ?? []).length > DISCORD_EMBED_FIELDS_MAX) problems.push('too many embed fields');
    for (const f of e.fields ?? []) {
      if (!f.name || f.name.length > DISCORD_EMBED_FIELD_NAME_MAX_CHARS) problems.push(`field name "${f.name}" empty or too long`);
      if (!f.value || f.value.length > DISCORD_EMBED_FIELD_VALUE_MAX_CHARS) problems.push(`field "${f.name}" value empty or ${f.value.length} characters`);
      if (splitSurrogate(f.value)) problems.push(`field "${f.name}" split inside a surrogate pair`);
    }
  }
  if (total > DISCORD_EMBED_TOTAL_MAX_CHARS) problems.push(`embeds total ${total} characters`);
  const rows = part.components ?? [];
  if (rows.length > DISCORD_MESSAGE_MAX_ROWS) problems.push(`${rows.length} action rows`);
  for (const row of rows) {
    if (row.components.length > DISCORD_ROW_MAX_BUTTONS) problems.push(`${row.components.length} buttons in a row`);
    for (const b of row.components) {
      if (!b.custom_id || b.custom_id.length > DISCORD_CUSTOM_ID_MAX_CHARS) problems.push(`custom_id "${b.custom_id}" empty or too long`);
      if (!b.label || b.label.length > DISCORD_BUTTON_LABEL_MAX_CHARS) problems.push('button label empty or too long');
    }
  }
  return problems;
}

connectorContract<DiscordMessagePart>({
  platform: 'discord',
  ids: {
    chats: [
      { platform: 'discord', chatId: '1234567890123456789' },
      { platform: 'discord', chatId: '1234567890123456789', threadId: '1234567890123456790' },
      { platform: 'discord', chatId: '80351110224678912' },
      { platform: 'discord', chatId: '18446744073709551615' },
    ],
    messageIds: ['175928847299117063', '1234567890123456789', '18446744073709551615'],
    roundTripChat: (ref) => chatRefFromChannel(channelOf(ref), ref.threadId ? ref.chatId : null),
    roundTripMessageId: (id) => snowflake(id),
    invalidChatIds: ['', 'general', '0', '-1', '12.5', ' 12', '18446744073709551616', '0123'],
  },
  render: {
    card: (view) => [renderCard(view)],
    text: renderText,
    violations,
    visibleText,
    actionIds: (part) => (part.components ?? []).flatMap((row) => row.components.map((b) => b.custom_id)),
  },
  fixtures: {
    parse: (payload) => {
      const event = parseDispatch(payload as { t: string; d: unknown }, { parentOf: (id) => FIXTURE_THREADS.get(id) ?? null, nameOf: () => undefined });
      if (event.kind === 'ignored') throw new Error(`fixture was ignored: ${event.reason}`);
      return event;
    },
  },
});
