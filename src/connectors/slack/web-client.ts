/**
 * How Jamii's Slack WebClient is set up, written once for the connector's own client and the one
 * Bolt makes: each Web API call is made once, and anything that did not go through comes back to
 * its caller at once, so no call waits inside the client.
 *
 * The client queues every call in a request queue with no bound and no deadline. Left to its
 * defaults it pauses that queue for the length of each 429's Retry-After and tries the call
 * again, up to ten times in about half an hour: under a storm of 429s every call made meanwhile
 * piles up in memory, and a retried chat.postMessage after a timeout or a 5xx could post twice.
 * Here a 429 rejects with its Retry-After (the sender waits out a short one, and hands a post back
 * to the outbox for a longer one), and a failed call is never retried by the client: the outbox
 * decides, and a send whose outcome is unknown goes to a human.
 */
import { webApi } from '@slack/bolt';

/** Longest one Web API call may take before it is abandoned. */
export const SLACK_REQUEST_TIMEOUT_MS = 15_000;

/**
 * Calls in flight at once; a call beyond them waits in the client's queue. Above what Jamii can
 * have in flight (one post per send worker, JAMII_SEND_CONCURRENCY at most 64; a card update;
 * the lookups of the one event handled at a time; manager interactions), so none waits there.
 */
export const SLACK_MAX_REQUEST_CONCURRENCY = 100;

/** The client options for Jamii's Slack calls (also Bolt's `clientOptions`). */
export function slackClientOptions(deps: { apiUrl: string; logger?: webApi.WebClientOptions['logger'] }): webApi.WebClientOptions {
  return {
    slackApiUrl: deps.apiUrl,
    ...(deps.logger ? { logger: deps.logger } : {}),
    timeout: SLACK_REQUEST_TIMEOUT_MS,
    maxRequestConcurrency: SLACK_MAX_REQUEST_CONCURRENCY,
    // A retried post could post twice: Jamii's outbox decides about retries, not the client.
    retryConfig: { retries: 0 },
    // A 429 rejects at once with its Retry-After, instead of pausing every call behind it.
    rejectRateLimitedCalls: true,
  };
}
