/**
 * The outbound half of a connector, as the core's delivery uses it: send, send several at once,
 * look for a post whose outcome is unknown, and update a card in place. Each connector
 * (sandbox, Telegram, Discord, Slack) implements it.
 */
import type { CardView, ChatRef, OutboundPost, Platform } from './types.js';

/** What a send or a lookup is given by the delivery that calls it. */
export interface SendOptions {
  /**
   * Aborts at the call's deadline. The sender stops then: no wait goes on and no request, and
   * no further part, starts after it; a request in flight is aborted where the SDK allows, and
   * otherwise ends within its own timeout (the connector's deadline overrun). A send stopped
   * before anything of the post left throws a retryable not-sent DeliveryError; one stopped
   * after a request may have left throws an unknown outcome (the post goes to a human).
   */
  signal?: AbortSignal | undefined;
  /**
   * When `signal` aborts (epoch ms). A connector whose SDK sits out a wait it cannot abort
   * (discord.js' rate-limit sleeps) refuses a wait longer than what is left instead.
   */
  deadlineAt?: number | undefined;
}

/** The outbound half of a connector, as the core uses it. */
export interface PlatformSender {
  readonly platform: Platform;
  /**
   * True when a repeated send of the same outbox row cannot post twice (the platform dedupes
   * on our key). Only then may a send interrupted mid-flight be retried without asking a human.
   */
  readonly idempotentSend: boolean;
  send(post: OutboundPost, options?: SendOptions): Promise<{ messageId: string }>;
  /**
   * Several posts in one call, where the platform can take them so (the sandbox: one statement).
   * Resolves each post's message id, in order. Only an idempotent sender offers it: when it
   * throws, the posts are sent again one at a time, and a post it did make is not made twice.
   */
  sendBatch?(posts: OutboundPost[], options?: SendOptions): Promise<Array<{ messageId: string }>>;
  /**
   * Looks in the chat for a post whose send may have reached the platform without confirmation
   * (a timeout or a 5xx, or an attempt that died holding its claim): its message id when every
   * part of it is there, null when the platform does not show it. Null is no proof the post is
   * missing, so the post still goes to a human then; a platform that cannot look leaves it out.
   */
  findPosted?(post: OutboundPost, options?: SendOptions): Promise<{ messageId: string } | null>;
  updateCard(target: ChatRef, messageId: string, card: CardView, text: string): Promise<void>;
}
