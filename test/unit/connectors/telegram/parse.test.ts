import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { parseUpdate, updateChatKey } from '../../../../src/connectors/telegram/parse.js';

const chat = { id: -1001, type: 'supergroup', title: 'G', is_forum: true };
const from = { id: 7, is_bot: false, first_name: 'Baraka' };
const update = (u: Record<string, unknown>) => ({ update_id: 1, ...u }) as unknown as Update;

describe('parseUpdate', () => {
  it('keeps a real reply inside a forum topic, unlike the implicit reply to the topic itself', () => {
    const event = parseUpdate(update({
      message: { message_id: 9, date: 1, chat, from, text: 'same here', message_thread_id: 42, is_topic_message: true, reply_to_message: { message_id: 8, date: 1, chat, from, text: 'help?', message_thread_id: 42, is_topic_message: true } },
    }));
    expect(event).toMatchObject({ kind: 'message', inbound: { replyToMessageId: '8', chat: { threadId: '42' } } });
  });

  it('ignores the thread id of reply threads in a group that has no topics', () => {
    const event = parseUpdate(update({ message: { message_id: 9, date: 1, chat: { id: -1002, type: 'supergroup', title: 'H' }, from, text: 'x', message_thread_id: 5 } }));
    expect(event).toMatchObject({ kind: 'message', inbound: { chat: { chatId: '-1002' } } });
    expect((event as { inbound: { chat: { threadId?: string } } }).inbound.chat.threadId).toBeUndefined();
  });

  it('reads a command addressed to another bot as addressed to it, and text that only mentions a command as no command', () => {
    const other = parseUpdate(update({ message: { message_id: 1, date: 1, chat, from, text: '/pending@other_bot', entities: [{ type: 'bot_command', offset: 0, length: 18 }] } }));
    expect(other).toMatchObject({ command: { name: 'pending', addressedTo: 'other_bot' } });
    const prose = parseUpdate(update({ message: { message_id: 2, date: 1, chat, from, text: 'try /pending later' } }));
    expect(prose).toMatchObject({ command: null });
  });

  it('ignores update kinds Jamii does not use, and promotions that are not joins', () => {
    expect(parseUpdate(update({ poll: { id: 'p' } }))).toEqual({ kind: 'ignored', reason: 'unhandled update kind poll' });
    const promoted = parseUpdate(update({
      chat_member: { chat, from, date: 1, old_chat_member: { user: from, status: 'member' }, new_chat_member: { user: from, status: 'administrator' } },
    }));
    expect(promoted).toEqual({ kind: 'admin_change', chat: { platform: 'telegram', chatId: '-1001' } });
  });
});

describe('updateChatKey', () => {
  it('groups updates by the chat they belong to', () => {
    expect(updateChatKey(update({ message: { message_id: 1, date: 1, chat, from, text: 'a' } }))).toBe('chat:-1001');
    expect(updateChatKey(update({ callback_query: { id: 'q', from, chat_instance: 'i', data: 'approve:1', message: { message_id: 3, date: 1, chat: { id: 7, type: 'private', first_name: 'B' } } } }))).toBe('chat:7');
    expect(updateChatKey(update({ callback_query: { id: 'q', from, chat_instance: 'i', inline_message_id: 'x' } }))).toBe('user:7');
  });
});
