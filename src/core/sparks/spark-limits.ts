/**
 * Poll sizes a spark is written within: the strictest of the platforms with native polls
 * (Telegram: question 300, options 100; Discord: question 300, answers 55, at most 10), so one
 * spark renders everywhere without cutting. Each connector's limits.ts keeps its own table.
 */
export const POLL_QUESTION_MAX_CHARS = 300;
export const POLL_OPTION_MAX_CHARS = 55;
export { POLL_MAX_OPTIONS as POLL_OPTIONS_MAX, POLL_MIN_OPTIONS as POLL_OPTIONS_MIN } from '../types.js';
