/**
 * Slack Web API failures → Jamii's error taxonomy. Slack answers 200 with `ok: false` and an
 * error code when it refused a call (nothing was posted), except `internal_error` and
 * `fatal_error`, which Slack documents as possibly partly carried out; `service_unavailable` and
 * `request_timeout` did nothing and may work later, like a 429, which also says when to come
 * back; a 5xx or a connection that broke after the request left may have posted; a connection
 * refused before it left did not.
 */
import { webApi } from '@slack/bolt';
import { DeliveryError, errorCauseCodes, neverConnected } from '../../core/errors.js';
import { PostingLimitReached } from '../posting-limit.js';

/** Why a channel can no longer be posted to: the bot lost access, or the channel is gone. */
export type ChannelGoneReason = 'forbidden' | 'unknown_channel';

export interface SlackFailure {
  error: DeliveryError;
  /** Set when the chat should be marked inactive. */
  channelGone: ChannelGoneReason | null;
}

const GONE_ERRORS = new Map<string, ChannelGoneReason>([
  ['channel_not_found', 'unknown_channel'],
  ['is_archived', 'unknown_channel'],
  ['not_in_channel', 'forbidden'],
  ['restricted_action', 'forbidden'],
  ['restricted_action_read_only_channel', 'forbidden'],
  ['ekm_access_denied', 'forbidden'],
  ['account_inactive', 'forbidden'],
  ['missing_scope', 'forbidden'],
]);

/** `ok: false` codes Slack documents as "some aspect of the operation may have succeeded". */
const MAYBE_DONE_ERRORS = new Set(['internal_error', 'fatal_error']);

/** `ok: false` codes for a call Slack did not carry out just now, which a later try may get through. */
const TRY_LATER_ERRORS = new Set(['ratelimited', 'service_unavailable', 'request_timeout']);

/** True when Slack answered the call may have been partly carried out (`internal_error`, `fatal_error`). */
export function maybeDoneOf(error: unknown): boolean {
  const platform = platformErrorOf(error);
  return platform !== null && MAYBE_DONE_ERRORS.has(platform);
}

/** The platform error code of a refused call (`channel_not_found`), or null. */
export function platformErrorOf(error: unknown): string | null {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : null;
}

/** Seconds Slack asked us to wait, when the call was rate limited. */
export function retryAfterOf(error: unknown): number | null {
  return error instanceof webApi.WebAPIRateLimitedError ? error.retryAfter : null;
}

/** A short, token-free description of a failed call (for outbox rows, audit and logs). */
export function describeSlackError(error: unknown): string {
  if (error instanceof webApi.WebAPIPlatformError) return `slack refused: ${error.data.error}`;
  if (error instanceof webApi.WebAPIRateLimitedError) return `slack rate limited for ${error.retryAfter} s`;
  if (error instanceof webApi.WebAPIHTTPError) return `slack http ${error.statusCode} ${error.statusMessage}`;
  const codes = errorCauseCodes(error).filter((c) => !c.startsWith('slack_'));
  if (error instanceof webApi.WebAPIRequestError) return `slack network error${codes.length > 0 ? ` (${codes.join(', ')})` : `: ${error.original.message}`}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Classifies a failed post or update. */
export function classifySlackError(error: unknown): SlackFailure {
  const why = describeSlackError(error);
  const platform = platformErrorOf(error);
  if (platform !== null) {
    const gone = GONE_ERRORS.get(platform) ?? null;
    if (gone) return { channelGone: gone, error: new DeliveryError('not_sent', false, why, { cause: error, details: { chatGone: true } }) };
    // The post may be in the channel: delivery looks for it before anyone may send it again.
    if (MAYBE_DONE_ERRORS.has(platform)) return { channelGone: null, error: new DeliveryError('unknown', false, why, { cause: error }) };
    return { channelGone: null, error: new DeliveryError('not_sent', TRY_LATER_ERRORS.has(platform), why, { cause: error }) };
  }
  if (error instanceof PostingLimitReached) return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error, retryAfterMs: error.retryAfterMs }) };
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error, retryAfterMs: error.retryAfter * 1000 }) };
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    return { channelGone: null, error: new DeliveryError(error.statusCode >= 500 ? 'unknown' : 'not_sent', false, why, { cause: error }) };
  }
  if (neverConnected(error)) return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error }) };
  return { channelGone: null, error: new DeliveryError('unknown', false, why, { cause: error }) };
}
