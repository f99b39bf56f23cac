/** Telegram Bot API limits Jamii renders within, in one table. */

/** Text of one message, counted after entity parsing (UTF-16 code units). */
export const TELEGRAM_MESSAGE_TEXT_MAX_CHARS = 4096;
/** `callback_data` of an inline keyboard button. */
export const TELEGRAM_CALLBACK_DATA_MAX_BYTES = 64;
/** Buttons in one inline keyboard row. */
export const TELEGRAM_KEYBOARD_ROW_MAX_BUTTONS = 8;
/** Text of an answerCallbackQuery toast or alert. */
export const TELEGRAM_CALLBACK_ANSWER_MAX_CHARS = 200;
/** `input_field_placeholder` of a force-reply prompt. */
export const TELEGRAM_PLACEHOLDER_MAX_CHARS = 64;
/** Messages a bot may post to one group per minute. */
export const TELEGRAM_GROUP_MESSAGES_PER_MINUTE = 20;
/** Messages a bot may post per second overall. */
export const TELEGRAM_MESSAGES_PER_SECOND = 30;
/** Description of one bot command in setMyCommands. */
export const TELEGRAM_COMMAND_DESCRIPTION_MAX_CHARS = 256;
/** Question of a native poll (sendPoll). */
export const TELEGRAM_POLL_QUESTION_MAX_CHARS = 300;
/** Text of one poll option. */
export const TELEGRAM_POLL_OPTION_MAX_CHARS = 100;
/** Options of one poll (Jamii's polls carry 2..10). */
export const TELEGRAM_POLL_OPTIONS_MIN = 2;
export const TELEGRAM_POLL_OPTIONS_MAX = 10;
/** The text above a poll (sendPoll `description`), after entity parsing. */
export const TELEGRAM_POLL_DESCRIPTION_MAX_CHARS = 1024;
/** Caption of a photo (sendPhoto). */
export const TELEGRAM_CAPTION_MAX_CHARS = 1024;
