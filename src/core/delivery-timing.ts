/**
 * How long sending may take, in one place: a send's deadline, a lookup's, a send job's budget,
 * and the age at which a claim counts as left by a dead attempt. They fit together: an attempt
 * that is alive is done with its post (send, lookup, each connector's overrun) before its claim
 * looks stale, and a send job ends before it expires (test/unit/connectors/send-deadline.test.ts).
 */
import type { SendOptions } from './ports.js';

/**
 * A claim older than this belongs to an attempt that died (a crash, an expired job). A younger
 * one may still be in flight: an attempt that lives ends its send by SEND_DEADLINE_MS (plus its
 * connector's overrun) and its lookup by FIND_POSTED_DEADLINE_MS, well before this.
 */
export const SEND_CLAIM_STALE_AFTER_MS = 90_000;

/**
 * How long one row's send may go on: limiter waits, 429s waited out, every part of a split post.
 * At the deadline the connector stops (SendOptions.signal): nothing of the post starts after it,
 * so no post of an attempt judged stale can still go out. A post stopped before anything left
 * goes back to the queue; one that may be partly or wholly out goes to a human as unconfirmed.
 */
export const SEND_DEADLINE_MS = 40_000;

/** How long looking for a post whose outcome is unknown may go on (findPosted). */
export const FIND_POSTED_DEADLINE_MS = 10_000;

/**
 * How long one send job goes on starting rows before it hands the rest to a new job. With the
 * last row's deadline on top, the job ends inside its expiry (120 s, jobs/job-queue.ts): a batch
 * to a slow platform or a busy chat never expires mid-send, where a retry of it would run
 * alongside and meet claims still in flight.
 */
export const SEND_JOB_BUDGET_MS = 30_000;

/**
 * Cards to a platform that takes several at once are claimed together when a batch starts; one
 * sent later than this into the batch (alone, or after its batch call failed) is claimed afresh
 * first, so its claim's age says how long its own send has taken.
 */
export const SEND_CLAIM_REFRESH_AFTER_MS = 20_000;

/** A card says when a held reply goes out "at about" a minute; it is edited again only if that moves. */
export const WAIT_SHOWN_PRECISION_MS = 60_000;

/** A send's (or a lookup's) deadline `ms` from now, as a connector gets it. */
export function deadline(ms: number): SendOptions {
  return { signal: AbortSignal.timeout(ms), deadlineAt: Date.now() + ms };
}
