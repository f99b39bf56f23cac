/** Discord API limits Jamii renders within, in one table. */

/** `content` of one message. */
export const DISCORD_MESSAGE_CONTENT_MAX_CHARS = 2000;
/** Embed title. */
export const DISCORD_EMBED_TITLE_MAX_CHARS = 256;
/** Embed description. */
export const DISCORD_EMBED_DESCRIPTION_MAX_CHARS = 4096;
/** Fields of one embed. */
export const DISCORD_EMBED_FIELDS_MAX = 25;
/** Name of one embed field. */
export const DISCORD_EMBED_FIELD_NAME_MAX_CHARS = 256;
/** Value of one embed field. */
export const DISCORD_EMBED_FIELD_VALUE_MAX_CHARS = 1024;
/** Embed footer text. */
export const DISCORD_EMBED_FOOTER_MAX_CHARS = 2048;
/** Title, description, field names and values, footer and author of all embeds of a message together. */
export const DISCORD_EMBED_TOTAL_MAX_CHARS = 6000;
/** `custom_id` of a button, select or modal. */
export const DISCORD_CUSTOM_ID_MAX_CHARS = 100;
/** Buttons in one action row. */
export const DISCORD_ROW_MAX_BUTTONS = 5;
/** Action rows in one message. */
export const DISCORD_MESSAGE_MAX_ROWS = 5;
/** Label of a button. */
export const DISCORD_BUTTON_LABEL_MAX_CHARS = 80;
/** Title of a modal. */
export const DISCORD_MODAL_TITLE_MAX_CHARS = 45;
/** Value of a paragraph text input in a modal. */
export const DISCORD_TEXT_INPUT_MAX_CHARS = 4000;
/** Description of a slash command or option. */
export const DISCORD_COMMAND_DESCRIPTION_MAX_CHARS = 100;
/** Description of an option's value. */
export const DISCORD_OPTION_VALUE_MAX_CHARS = 6000;
/** An interaction must be answered (or deferred) within this long. */
export const DISCORD_INTERACTION_DEADLINE_MS = 3000;
/** An interaction token lets the bot edit and follow up for this long. */
export const DISCORD_INTERACTION_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Options (subcommands) of one slash command. */
export const DISCORD_COMMAND_MAX_OPTIONS = 25;
/** Question of a message poll. */
export const DISCORD_POLL_QUESTION_MAX_CHARS = 300;
/** Text of one poll answer. */
export const DISCORD_POLL_ANSWER_MAX_CHARS = 55;
/** Answers of one poll (Jamii's polls carry at least 2). */
export const DISCORD_POLL_ANSWERS_MIN = 2;
export const DISCORD_POLL_ANSWERS_MAX = 10;
/** How long a poll stays open, in hours (Discord allows 1..768). */
export const DISCORD_POLL_DURATION_MIN_HOURS = 1;
export const DISCORD_POLL_DURATION_MAX_HOURS = 768;
/** The duration Jamii gives its polls. */
export const DISCORD_POLL_DURATION_HOURS = 24;
/** Description (alt text) of an attachment. */
export const DISCORD_ATTACHMENT_DESCRIPTION_MAX_CHARS = 1024;
