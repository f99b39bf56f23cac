/**
 * The error taxonomy: stable snake_case codes, user-facing wording in one table, `cause` chained.
 */

export const ERROR_MESSAGES = {
  not_a_manager: 'Only a manager of this community can do that.',
  not_an_admin: 'Only an admin of this community can do that.',
  draft_not_found: 'There is no draft with that id.',
  draft_already_decided: 'That draft has already been decided.',
  draft_not_pending: 'That draft is no longer waiting for a decision.',
  draft_conflict: 'Another worker drafted part of this conversation at the same moment; it is drafted again.',
  draft_flagged: 'That draft failed a safety check: edit it (/edit ID new text) or reject it.',
  draft_other_desk: "That draft belongs to another community: act on it from that community's desk.",
  learned_entry_not_found: 'There is no learned answer with that id in your communities.',
  prompt_not_found: 'There is no prompt by that name.',
  prompt_version_not_found: 'That prompt has no such version.',
  prompt_invalid: 'The prompt text was refused; nothing was saved.',
  send_in_progress: 'That post is being sent right now.',
  post_not_retryable: 'Nothing to retry for that draft.',
  chat_not_found: 'There is no such chat in this community.',
  unknown_command: 'Unknown command. Type /help for the list.',
  bad_arguments: 'The command is incomplete or malformed.',
  invalid_input: 'The request is invalid.',
  invalid_json: 'The request body is not valid JSON.',
  body_too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body must be sent as application/json.',
  cross_origin: 'Requests from pages of another site are refused.',
  not_found: 'Not found.',
  untrusted_host: 'This server does not answer to that address.',
  shutting_down: 'Jamii is shutting down; try again shortly.',
  text_too_long: 'The text is too long.',
  connector_unavailable: 'That platform is not connected right now.',
  delivery_failed: 'The platform refused the post.',
  delivery_unconfirmed: 'The platform did not confirm the post.',
  rate_limited: 'Too many requests; try again shortly.',
  llm_timeout: 'The language model did not answer in time.',
  llm_unavailable: 'The language model is unavailable right now.',
  llm_invalid_output: 'The language model returned an answer Jamii could not use.',
  internal: 'Something went wrong on our side; it has been logged.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export class JamiiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message ?? ERROR_MESSAGES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JamiiError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * A post did not go out. `outcome` says whether the platform may have received it anyway:
 * `not_sent` is safe to retry; `unknown` (timeout after the request left) must not be retried blindly.
 * `retryAfterMs` (not_sent only) says the chat is busy and when it takes posts again: the post
 * waits that long, and the wait does not count as a failed attempt.
 */
export class DeliveryError extends JamiiError {
  readonly retryAfterMs: number | null;

  constructor(
    readonly outcome: 'not_sent' | 'unknown',
    readonly retryable: boolean,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; retryAfterMs?: number | null } = {},
  ) {
    super(outcome === 'unknown' ? 'delivery_unconfirmed' : 'delivery_failed', message, options);
    this.name = 'DeliveryError';
    this.retryAfterMs = outcome === 'not_sent' && retryable && options.retryAfterMs != null ? Math.max(0, options.retryAfterMs) : null;
  }
}

export function isJamiiError(error: unknown): error is JamiiError {
  return error instanceof JamiiError;
}

/** The text a person sees for an error: ours verbatim, anything else as `internal`. */
export function userMessage(error: unknown): string {
  if (isJamiiError(error)) return error.message;
  return ERROR_MESSAGES.internal;
}

/** Node error codes meaning no connection was made, so nothing was sent. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The string codes (and errnos) along an error's chain of causes. Platform SDKs wrap Node's
 * network errors: as `cause` (discord.js, undici), `error` (grammY's HttpError) or `original`
 * (Slack's RequestError).
 */
export function errorCauseCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const { code, errno } = current as { code?: unknown; errno?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof errno === 'string') codes.push(errno);
    const link = current as { error?: unknown; original?: unknown; cause?: unknown };
    current = link.error ?? link.original ?? link.cause;
  }
  return codes;
}

/** True when the request never reached the platform (refused, unresolvable, unroutable). */
export function neverConnected(error: unknown): boolean {
  return errorCauseCodes(error).some((c) => NOT_CONNECTED_CODES.has(c));
}
