import type { Update } from 'grammy/types';
import { apiTarget, chatRefFromTarget, idFromString, idToString } from '../../src/connectors/telegram/ids.js';
import { TELEGRAM_CALLBACK_DATA_MAX_BYTES, TELEGRAM_MESSAGE_TEXT_MAX_CHARS } from '../../src/connectors/telegram/limits.js';
import { parseUpdate } from '../../src/connectors/telegram/parse.js';
import { renderCard, renderText, visibleText, type TelegramMessagePart } from '../../src/connectors/telegram/render.js';
import { connectorContract } from './connector-contract.js';

function violations(part: TelegramMessagePart): string[] {
  const problems: string[] = [];
  const visible = visibleText(part);
  if (visible.length === 0) problems.push('empty text');
  if (visible.length > TELEGRAM_MESSAGE_TEXT_MAX_CHARS) problems.push(`text is ${visible.length} characters`);
  if (/[\uD800-\uDBFF]$/.test(visible) || /^[\uDC00-\uDFFF]/.test(visible)) problems.push('split inside a surrogate pair');
  if (part.parseMode === 'HTML') {
    // Only the tags the renderer emits, balanced; every other < or & is an entity.
    const stripped = part.text.replace(/<(\/?)(b|i|blockquote)>/g, '');
    if (/[<>]/.test(stripped)) problems.push('unescaped < or > in HTML');
    if (/&(?!(amp|lt|gt);)/.test(stripped)) problems.push('unescaped & in HTML');
    for (const tag of ['b', 'i', 'blockquote']) {
      if ((part.text.match(new RegExp(`<${tag}>`, 'g')) ?? []).length !== (part.text.match(new RegExp(`</${tag}>`, 'g')) ?? []).length) problems.push(`unbalanced <${tag}>`);
    }
  }
  const markup = part.replyMarkup;
  if (markup && 'inline_keyboard' in markup) {
    for (const button of markup.inline_keyboard.flat()) {
      const data = 'callback_data' in button ? button.callback_data : '';
      if (Buffer.byteLength(data, 'utf8') > TELEGRAM_CALLBACK_DATA_MAX_BYTES) problems.push(`callback_data "${data}" over ${TELEGRAM_CALLBACK_DATA_MAX_BYTES} bytes`);
      if (!data) problems.push('button without callback data');
    }
  }
  return problems;
}

connectorContract<TelegramMessagePart>({
  platform: 'telegram',
  ids: {
    chats: [
      { platform: 'telegram', chatId: '-1001234567890' },
      { platform: 'telegram', chatId: '-1001234567890', threadId: '42' },
      { platform: 'telegram', chatId: '-987654321' },
      { platform: 'telegram', chatId: '123456789' },
      { platform: 'telegram', chatId: '-1009999999999999' },
    ],
    messageIds: ['1', '42', '2147483647', '9007199254740991'],
    roundTripChat: (ref) => chatRefFromTarget(apiTarget(ref)),
    roundTripMessageId: (id) => idToString(idFromString(id)),
    invalidChatIds: ['', 'general', '-0', '0', '12.5', '99999999999999999999', ' 12'],
  },
  render: {
    card: (view) => [renderCard(view)],
    text: renderText,
    violations,
    visibleText,
    actionIds: (part) =>
      part.replyMarkup && 'inline_keyboard' in part.replyMarkup
        ? part.replyMarkup.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : ''))
        : [],
  },
  fixtures: {
    parse: (payload) => {
      const event = parseUpdate(payload as Update);
      if (event.kind === 'ignored') throw new Error(`fixture was ignored: ${event.reason}`);
      return event;
    },
  },
});
