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
  edit_needs_confirmation: 'That draft holds an edit that failed a safety check: post it with /confirm ID, edit it again or reject it.',
  draft_changed: 'That draft was just edited; read its card again before deciding.',
  nothing_to_confirm: 'That draft holds no edit waiting for a confirmation.',
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

/**
 * Node error codes that only come before a connection exists, so nothing was sent: the name did
 * not resolve, the URL is not one, undici gave up connecting, or the host refused the connection
 * (a refusal answers a connect; a connected peer that hangs up resets instead).
 */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Node error codes that mean nothing was sent only when `connect` failed with them (an unroutable
 * host or network, a connect that timed out): on a socket already connected (`read EHOSTUNREACH`,
 * `write ETIMEDOUT`) they come after the request may have left.
 */
const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL', 'ETIMEDOUT']);

/**
 * The links of an error's chain of causes, the error first. Platform SDKs wrap Node's network
 * errors: as `cause` (discord.js, undici), `error` (grammY's HttpError) or `original` (Slack's
 * RequestError).
 */
function causeChain(error: unknown): object[] {
  const links: object[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    links.push(current);
    const link = current as { error?: unknown; original?: unknown; cause?: unknown };
    current = link.error ?? link.original ?? link.cause;
  }
  return links;
}

/** The string codes (and errnos) along an error's chain of causes. */
export function errorCauseCodes(error: unknown): string[] {
  return causeChain(error).flatMap((link) => {
    const { code, errno } = link as { code?: unknown; errno?: unknown };
    return [code, errno].filter((c): c is string => typeof c === 'string');
  });
}

/**
 * The system call a Node network error failed in: its `syscall`, or the one its message names
 * before the code (node-fetch, under grammY, keeps only "… reason: connect EHOSTUNREACH 10.0.0.1:443").
 */
function failedCallOf(link: { syscall?: unknown; message?: unknown }, code: string): string | null {
  if (typeof link.syscall === 'string') return link.syscall;
  if (typeof link.message !== 'string') return null;
  return new RegExp(`\\b([a-z]+) ${code}\\b`).exec(link.message)?.[1] ?? null;
}

/** Whether one link of a chain says no connection was made. */
function linkNeverConnected(link: object): boolean {
  // Every address of a host tried in turn and none connected (Node's AggregateError, with the first one's code).
  if (link instanceof AggregateError) return link.errors.length > 0 && link.errors.every((e: unknown) => typeof e === 'object' && e !== null && linkNeverConnected(e));
  const { code } = link as { code?: unknown };
  if (typeof code !== 'string') return false;
  return NOT_CONNECTED_CODES.has(code) || (CONNECT_FAILURE_CODES.has(code) && failedCallOf(link, code) === 'connect');
}

/**
 * True when the request never reached the platform: the name did not resolve, or connecting
 * failed (refused, unroutable, timed out). False for anything after a connection was made (a
 * reset, a timeout waiting for the answer, an unreachable host mid-request): the request may
 * have arrived, so its outcome is unknown.
 */
export function neverConnected(error: unknown): boolean {
  return causeChain(error).some(linkNeverConnected);
}
