import type { types } from '@slack/bolt';
import { chatRefOf, destinationOf, messageTs } from '../../src/connectors/slack/ids.js';
import {
  SLACK_ACTION_ID_MAX_CHARS,
  SLACK_ACTIONS_ELEMENTS_MAX,
  SLACK_BUTTON_TEXT_MAX_CHARS,
  SLACK_CONTEXT_ELEMENTS_MAX,
  SLACK_CONTEXT_TEXT_MAX_CHARS,
  SLACK_HEADER_TEXT_MAX_CHARS,
  SLACK_MESSAGE_MAX_BLOCKS,
  SLACK_MESSAGE_TEXT_MAX_CHARS,
  SLACK_SECTION_FIELD_MAX_CHARS,
  SLACK_SECTION_FIELDS_MAX,
  SLACK_SECTION_TEXT_MAX_CHARS,
} from '../../src/connectors/slack/limits.js';
import { parseSlackBody } from '../../src/connectors/slack/parse.js';
import { actionIdsOf, renderCard, renderText, visibleText, type SlackMessagePart } from '../../src/connectors/slack/render.js';
import { connectorContract } from './connector-contract.js';

const splitSurrogate = (s: string) => /[\uD800-\uDBFF]$/.test(s) || /^[\uDC00-\uDFFF]/.test(s);
/** Mrkdwn that would ping or link: what escaping must make impossible. */
const CONTROL_SEQUENCE = /<[!@#]/;

function checkText(where: string, t: { type: string; text: string }, max: number, problems: string[]) {
  if (!t.text) problems.push(`${where}: empty text`);
  if (t.text.length > max) problems.push(`${where}: ${t.text.length} characters`);
  if (splitSurrogate(t.text)) problems.push(`${where}: split inside a surrogate pair`);
  if (t.type === 'mrkdwn' && (CONTROL_SEQUENCE.test(t.text) || /[<>]/.test(t.text))) problems.push(`${where}: unescaped mrkdwn control characters`);
}

function violations(part: SlackMessagePart): string[] {
  const problems: string[] = [];
  if (part.text.length > SLACK_MESSAGE_TEXT_MAX_CHARS) problems.push(`text is ${part.text.length} characters`);
  if (!part.text && !part.blocks) problems.push('empty message');
  if (splitSurrogate(part.text)) problems.push('text split inside a surrogate pair');
  if (/[<>]/.test(part.text)) problems.push('unescaped < or > in text');
  const blocks: types.KnownBlock[] = part.blocks ?? [];
  if (blocks.length > SLACK_MESSAGE_MAX_BLOCKS) problems.push(`${blocks.length} blocks`);
  for (const [i, b] of blocks.entries()) {
    const where = `block ${i} (${b.type})`;
    if (b.type === 'header') {
      if (b.text.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
      checkText(where, b.text, SLACK_HEADER_TEXT_MAX_CHARS, problems);
    } else if (b.type === 'section') {
      if (!b.text && !b.fields) problems.push(`${where}: neither text nor fields`);
      if (b.text) checkText(where, b.text, SLACK_SECTION_TEXT_MAX_CHARS, problems);
      if ((b.fields ?? []).length > SLACK_SECTION_FIELDS_MAX) problems.push(`${where}: ${b.fields!.length} fields`);
      for (const f of b.fields ?? []) checkText(`${where} field`, f, SLACK_SECTION_FIELD_MAX_CHARS, problems);
    } else if (b.type === 'context') {
      if (b.elements.length > SLACK_CONTEXT_ELEMENTS_MAX) problems.push(`${where}: ${b.elements.length} elements`);
      for (const e of b.elements) if ('text' in e) checkText(`${where} element`, e, SLACK_CONTEXT_TEXT_MAX_CHARS, problems);
    } else if (b.type === 'actions') {
      if (b.elements.length > SLACK_ACTIONS_ELEMENTS_MAX) problems.push(`${where}: ${b.elements.length} elements`);
      const ids = new Set<string>();
      for (const e of b.elements) {
        if (e.type !== 'button') continue;
        if (!e.action_id || e.action_id.length > SLACK_ACTION_ID_MAX_CHARS) problems.push(`${where}: action_id "${e.action_id}" empty or too long`);
        if (ids.has(e.action_id!)) problems.push(`${where}: duplicate action_id ${e.action_id}`);
        ids.add(e.action_id!);
        checkText(`${where} button`, e.text, SLACK_BUTTON_TEXT_MAX_CHARS, problems);
      }
    } else {
      problems.push(`${where}: a block type the renderer does not produce`);
    }
  }
  return problems;
}

connectorContract<SlackMessagePart>({
  platform: 'slack',
  ids: {
    chats: [
      { platform: 'slack', chatId: 'C0GENERAL1' },
      { platform: 'slack', chatId: 'G0PRIVATE1' },
      { platform: 'slack', chatId: 'C0123456789', threadId: '1712345678.123456' },
      { platform: 'slack', chatId: 'C0123456789ABCDEFGH' },
    ],
    messageIds: ['1712345678.123456', '1790000100.000100', '0999999999.000001'],
    roundTripChat: (ref) => {
      const { channel, threadTs } = destinationOf(ref);
      return chatRefOf(channel, threadTs);
    },
    roundTripMessageId: (id) => messageTs(id),
    invalidChatIds: ['', 'general', '#general', 'c0general1', 'U0BARAKA01', 'C0 GENERAL', '1234567890', 'C0GEN<!here>'],
  },
  render: {
    card: (view) => [renderCard(view)],
    text: renderText,
    violations,
    visibleText,
    actionIds: actionIdsOf,
  },
  fixtures: {
    parse: (payload) => {
      const event = parseSlackBody(payload);
      if (event.kind === 'ignored') throw new Error(`fixture was ignored: ${event.reason}`);
      return event;
    },
  },
});
