/** Slack API and Block Kit limits Jamii renders within, in one table. */

/** `text` of one message Jamii posts (Slack truncates at 40,000; it recommends at most 4,000). */
export const SLACK_MESSAGE_TEXT_MAX_CHARS = 4000;
/** Blocks in one message. */
export const SLACK_MESSAGE_MAX_BLOCKS = 50;
/** Blocks in one modal view. */
export const SLACK_VIEW_MAX_BLOCKS = 100;
/** `text` of a header block (plain_text). */
export const SLACK_HEADER_TEXT_MAX_CHARS = 150;
/** `text` of a section block. */
export const SLACK_SECTION_TEXT_MAX_CHARS = 3000;
/** `fields` of one section block. */
export const SLACK_SECTION_FIELDS_MAX = 10;
/** One text object in a section's `fields`. */
export const SLACK_SECTION_FIELD_MAX_CHARS = 2000;
/** Elements of one context block. */
export const SLACK_CONTEXT_ELEMENTS_MAX = 10;
/** Text of one context element. */
export const SLACK_CONTEXT_TEXT_MAX_CHARS = 3000;
/** Elements (buttons) of one actions block. */
export const SLACK_ACTIONS_ELEMENTS_MAX = 25;
/** `text` of a button (plain_text). */
export const SLACK_BUTTON_TEXT_MAX_CHARS = 75;
/** `action_id` of a button and `block_id` of a block. */
export const SLACK_ACTION_ID_MAX_CHARS = 255;
/** `value` of a button. */
export const SLACK_BUTTON_VALUE_MAX_CHARS = 2000;
/** `title`, `submit` and `close` of a modal (plain_text). */
export const SLACK_VIEW_TITLE_MAX_CHARS = 24;
/** `callback_id` of a view. */
export const SLACK_VIEW_CALLBACK_ID_MAX_CHARS = 255;
/** `private_metadata` of a view. */
export const SLACK_VIEW_PRIVATE_METADATA_MAX_CHARS = 3000;
/** `label` of an input block. */
export const SLACK_INPUT_LABEL_MAX_CHARS = 2000;
/** `initial_value` and `max_length` of a plain_text_input. */
export const SLACK_TEXT_INPUT_MAX_CHARS = 3000;
/** Every request must be acknowledged within this long, or Slack retries it (and shows the user an error). */
export const SLACK_ACK_DEADLINE_MS = 3000;
/** A request signed longer ago than this is refused (replay protection). */
export const SLACK_SIGNATURE_MAX_AGE_SECONDS = 5 * 60;
/** A `trigger_id` opens a modal only within this long of the click. */
export const SLACK_TRIGGER_TTL_MS = 3000;
/** Roughly one message per second per channel (chat.postMessage's special tier). */
export const SLACK_CHANNEL_MESSAGES_PER_SECOND = 1;
/**
 * Retry-After waits Jamii sits out inside one send; a longer one hands the send back to the queue
 * for that long, so a send job finishes well inside its expiry.
 */
export const SLACK_RETRY_AFTER_MAX_SECONDS = 10;
/** Options of a poll rendered as text (Jamii's own ceiling, as other platforms' native polls). */
export const SLACK_POLL_OPTIONS_MAX = 10;
