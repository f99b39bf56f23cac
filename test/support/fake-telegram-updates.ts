/**
 * What a Telegram chat hands the fake Bot API to serve as updates (fake-telegram-server.ts): the
 * bot itself, the people and groups of the tests, and builders for their messages, documents and
 * button presses; plus the env that points Jamii at a fake and helpers to find its cards.
 */
import type { BotPost, FakeTelegram } from './fake-telegram-server.js';

let messageCounter = 100;

export const FAKE_BOT = { id: 777000111, is_bot: true, first_name: 'Jamii', username: 'jamii_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } as const;

export interface Person {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

export const SUPERGROUP = { id: -1001234567890, type: 'supergroup', title: 'Kilimo Hub', is_forum: true } as const;

/** A member's message in a group (a forum topic when `threadId` is given). */
export function groupMessage(from: Person, text: string, options: { chat?: Record<string, any>; threadId?: number; messageId?: number; replyTo?: Record<string, any> } = {}) {
  const message_id = options.messageId ?? ++messageCounter;
  const chat = options.chat ?? SUPERGROUP;
  return {
    message: {
      message_id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { ...from, is_bot: false },
      text,
      ...(options.threadId !== undefined
        ? {
            message_thread_id: options.threadId,
            is_topic_message: true,
            reply_to_message: options.replyTo ?? { message_id: options.threadId, date: 1, chat, forum_topic_created: { name: 'Support', icon_color: 7322096 } },
          }
        : options.replyTo
          ? { reply_to_message: options.replyTo }
          : {}),
    },
  };
}

/** A message in the private chat of `from` with the bot; `/commands` get their entity. */
/** The envelope of a message in a private chat with the bot. */
function privateEnvelope(from: Person) {
  return {
    message_id: ++messageCounter,
    date: Math.floor(Date.now() / 1000),
    chat: { id: from.id, type: 'private', first_name: from.first_name },
    from: { ...from, is_bot: false },
  };
}

/** Marks a leading `/command` in `text` as Telegram does. */
const commandEntities = (text: string) => {
  const command = /^\/\S+/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
};

export function privateMessage(from: Person, text: string, options: { replyTo?: Record<string, any> } = {}) {
  const entities = commandEntities(text);
  return {
    message: {
      ...privateEnvelope(from),
      text,
      ...(entities ? { entities } : {}),
      ...(options.replyTo ? { reply_to_message: options.replyTo } : {}),
    },
  };
}

/** A document sent in a private chat, with a caption (a command in the caption is marked as one). */
export function privateDocument(from: Person, caption: string, document: { fileId: string; fileName: string; mimeType?: string; size: number }) {
  const entities = commandEntities(caption);
  return {
    message: {
      ...privateEnvelope(from),
      document: { file_id: document.fileId, file_unique_id: `u-${document.fileId}`, file_name: document.fileName, ...(document.mimeType ? { mime_type: document.mimeType } : {}), file_size: document.size },
      caption,
      ...(entities ? { caption_entities: entities } : {}),
    },
  };
}

/** A button press on a message the bot posted. */
export function buttonPress(from: Person, post: BotPost, data: string) {
  return {
    callback_query: {
      id: `cq-${++messageCounter}`,
      from: { ...from, is_bot: false },
      chat_instance: '-4242',
      data,
      message: {
        message_id: post.messageId,
        date: Math.floor(Date.now() / 1000),
        chat: post.chatId < 0 ? { id: post.chatId, type: 'supergroup', title: 'Desk' } : { id: post.chatId, type: 'private', first_name: from.first_name },
        from: FAKE_BOT,
        text: post.text,
      },
    },
  };
}

/** The bot's own post as a replied-to message (a manager replying to a force-reply prompt). */
export function asRepliedTo(post: BotPost) {
  return { message_id: post.messageId, date: Math.floor(Date.now() / 1000), chat: { id: post.chatId, type: 'private', first_name: 'Manager' }, from: FAKE_BOT, text: post.text };
}

// ---------------------------------------------------------------- Jamii against the fake

export const MANAGER: Person = { id: 1001, first_name: 'Amina', last_name: 'Manager' };
export const MEMBER: Person = { id: 2002, first_name: 'Baraka' };
export const STRANGER: Person = { id: 3003, first_name: 'Chege' };

/** Environment for a Jamii that talks to `fake` (long polling unless overridden). */
export function telegramEnv(fake: FakeTelegram, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    JAMII_MANAGERS: `telegram:${MANAGER.id}`,
    JAMII_SANDBOX: 'off',
    ...extra,
  };
}

/** The card the bot posted for a draft whose quote contains `quote`, in `chatId`. */
export function cardFor(fake: FakeTelegram, chatId: number, quote: string): BotPost | undefined {
  return fake.postsTo(chatId).find((p) => p.payload.parse_mode === 'HTML' && p.text.includes(quote));
}

/** The callback data of a card's buttons. */
export function buttonsOf(post: BotPost): string[] {
  const markup = post.edits.at(-1)?.reply_markup ?? post.payload.reply_markup;
  return ((markup?.inline_keyboard ?? []) as Array<Array<{ callback_data: string }>>).flat().map((b) => b.callback_data);
}
