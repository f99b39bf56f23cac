/**
 * What a connector's outbound limiter says when a post's slots are further away than a send job
 * may wait: nothing was reserved or sent, and the post can go once `retryAfterMs` has passed.
 * Connectors map it to a retryable not-sent DeliveryError carrying that wait.
 */
export class PostingLimitReached extends Error {
  constructor(
    readonly chatId: string,
    /** When all of the post's slots would be free. */
    readonly retryAfterMs: number,
  ) {
    super(`chat ${chatId} is at its posting limit; free again in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'PostingLimitReached';
  }
}
