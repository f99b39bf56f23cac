/**
 * Discord REST failures → Jamii's error taxonomy. An answer from Discord (DiscordAPIError,
 * HTTPError) means the message was not posted, except a 5xx, after which it may have been; a
 * network failure before the request left means it was not; anything else is `unknown`.
 * discord.js' REST queue waits out 429s itself; a message post it would hold longer than a send
 * job may wait, or past its send's deadline, is refused instead (`rejectLongPostWaits`), and
 * waits in Jamii's queue.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultRestOptions, DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes, type RateLimitData, type RESTOptions } from 'discord.js';
import { DeliveryError, errorCauseCodes, neverConnected } from '../../core/errors.js';

/** Why a channel can no longer be posted to: the bot lost access, or the channel is gone. */
export type ChannelGoneReason = 'forbidden' | 'unknown_channel';

export interface DiscordFailure {
  error: DeliveryError;
  /** Set when the chat should be marked inactive. */
  channelGone: ChannelGoneReason | null;
}

const GONE_CODES = new Map<number, ChannelGoneReason>([
  [RESTJSONErrorCodes.UnknownChannel, 'unknown_channel'],
  [RESTJSONErrorCodes.UnknownGuild, 'unknown_channel'],
  [RESTJSONErrorCodes.MissingAccess, 'forbidden'],
  [RESTJSONErrorCodes.MissingPermissions, 'forbidden'],
]);

/** A request path with interaction and webhook tokens masked. */
function pathOf(url: string): string {
  return new URL(url).pathname.replace(/\/(webhooks\/\d+|interactions\/\d+)\/[^/]+/, '/$1/***');
}

/** A short, token-free description of a REST failure (for outbox rows, audit and logs). */
export function describeDiscordError(error: unknown): string {
  if (error instanceof DiscordAPIError) return `discord ${error.method.toUpperCase()} ${pathOf(error.url)}: ${error.status} ${error.code} ${error.message}`;
  if (error instanceof HTTPError) return `discord ${error.method.toUpperCase()} ${pathOf(error.url)}: ${error.status} ${error.message}`;
  if (error instanceof RateLimitError) return `discord rate limited on ${error.route} for ${error.retryAfter} ms`;
  const codes = errorCauseCodes(error);
  if (codes.length > 0) return `discord network error (${codes.join(', ')})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Classifies a failed send or edit. */
export function classifyDiscordError(error: unknown): DiscordFailure {
  const why = describeDiscordError(error);
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const code = error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : null;
    const gone = (code !== null ? GONE_CODES.get(code) : undefined) ?? (error.status === 403 ? 'forbidden' : error.status === 404 && code === null ? 'unknown_channel' : undefined);
    if (gone) return { channelGone: gone, error: new DeliveryError('not_sent', false, why, { cause: error, details: { chatGone: true } }) };
    if (error.status === 429) return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error }) };
    if (error.status >= 500) return { channelGone: null, error: new DeliveryError('unknown', false, why, { cause: error }) };
    return { channelGone: null, error: new DeliveryError('not_sent', false, why, { cause: error }) };
  }
  // A post discord.js would have held past the wait a send job allows: it waits in the queue instead.
  if (error instanceof RateLimitError) return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error, retryAfterMs: waitOf(error) }) };
  if (neverConnected(error)) return { channelGone: null, error: new DeliveryError('not_sent', true, why, { cause: error }) };
  return { channelGone: null, error: new DeliveryError('unknown', false, why, { cause: error }) };
}

/**
 * The longest a message post waits in discord.js' rate-limit queue inside a send job. A channel
 * further behind hands the post back to Jamii's queue until then, so a send job never outlives
 * its expiry.
 */
export const DISCORD_SEND_MAX_WAIT_MS = 10_000;

type RateLimitWait = Pick<RateLimitData, 'timeToReset' | 'retryAfter' | 'sublimitTimeout'>;

/** How long discord.js would hold the request: the bucket's reset, a 429's Retry-After or a sublimit. */
function waitOf(data: RateLimitWait): number {
  return Math.max(data.timeToReset, data.retryAfter, data.sublimitTimeout);
}

/** One message post as discord.js tries it (its first try and the retries it makes itself). */
export interface PostTries {
  /**
   * When the send must be done (epoch ms), for `rejectLongPostWaits`: discord.js sits out its
   * rate-limit waits without looking at the request's abort signal, so a wait that would run
   * past the deadline is refused before it starts (nothing has been sent then).
   */
  deadlineAt: number | undefined;
  /**
   * A try was not clearly refused: it got a 2xx (the message exists, even if reading the answer
   * fails later) or a 5xx, or went out and got no answer (a timeout, a reset, an abort in
   * flight): the message may exist. Set by `trackingMakeRequest`; however the post ends, it is
   * then unknown.
   */
  mayHaveLanded: boolean;
}

const postTries = new AsyncLocalStorage<PostTries>();

/** Runs `post` (one message post through discord.js) with its tries recorded in `tries`. */
export function trackPost<T>(deadlineAt: number | undefined, post: () => Promise<T>): { tries: PostTries; result: Promise<T> } {
  const tries: PostTries = { deadlineAt, mayHaveLanded: false };
  return { tries, result: postTries.run(tries, post) };
}

/**
 * discord.js' `makeRequest` (its default), noting for a tracked post every try that may have
 * reached Discord: discord.js retries 5xx answers and timeouts itself, so the error a post ends
 * with (a rate-limit refusal, say) can hide an earlier try that posted.
 */
export const trackingMakeRequest: RESTOptions['makeRequest'] = async (url, init) => {
  const tries = postTries.getStore();
  const abortedBefore = init.signal?.aborted === true;
  try {
    const response = await DefaultRestOptions.makeRequest(url, init);
    // A 4xx (a 429 among them) refused it; anything else may have posted it.
    if (tries && (response.status < 400 || response.status >= 500)) tries.mayHaveLanded = true;
    return response;
  } catch (error) {
    // Aborted before it started, or no connection made: it never left.
    if (tries && !abortedBefore && !neverConnected(error)) tries.mayHaveLanded = true;
    throw error;
  }
};

/**
 * discord.js' `rejectOnRateLimit`: a message post refuses a wait longer than a send job allows,
 * or than what is left of its send's deadline; other calls wait as usual.
 */
export function rejectLongPostWaits(data: RateLimitWait & Pick<RateLimitData, 'method' | 'route'>, now: number = Date.now()): boolean {
  if (data.method.toUpperCase() !== 'POST' || !/\/messages$/.test(data.route)) return false;
  const deadlineAt = postTries.getStore()?.deadlineAt;
  const left = deadlineAt === undefined ? Number.POSITIVE_INFINITY : deadlineAt - now;
  return waitOf(data) > Math.min(DISCORD_SEND_MAX_WAIT_MS, left);
}

/** The message to edit no longer exists (deleted card). */
export function isUnknownMessage(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage;
}
