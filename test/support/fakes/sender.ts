/** A platform sender that records what it is handed, and fails, hangs or looks up as a test tells it. */
import type { PlatformSender, SendOptions } from '../../../src/core/ports.js';
import type { CardView, ChatRef, OutboundPost, Platform } from '../../../src/core/types.js';

// ---------------------------------------------------------------- platform sender

export interface FakeSender extends PlatformSender {
  /** Every post handed to `send`, successful or not. */
  attempts: OutboundPost[];
  /** With `looks`: what findPosted finds per outbox id (a message id, or an error it throws). */
  posted: Map<number, string | Error>;
  /** Outbox ids findPosted was asked about. */
  lookups: number[];
  updates: Array<{ target: ChatRef; messageId: string; card: CardView; text: string }>;
  /** The next call to `send` runs `behaviour` instead of succeeding. */
  nextSend(behaviour: (post: OutboundPost, options?: SendOptions) => Promise<{ messageId: string }>): void;
  /** The options (the deadline's signal) each `send` and `findPosted` call was given, in order. */
  sendOptions: Array<SendOptions | undefined>;
  lookupOptions: Array<SendOptions | undefined>;
  /** With `batches`: every list of posts handed to `sendBatch`. */
  batches: OutboundPost[][];
  /** The next call to `sendBatch` throws `error` instead of succeeding. */
  failNextBatch(error: Error): void;
}

export function createFakeSender(options: { platform?: Platform; idempotentSend?: boolean; batches?: boolean; looks?: boolean } = {}): FakeSender {
  const queued: Array<(post: OutboundPost, options?: SendOptions) => Promise<{ messageId: string }>> = [];
  const batchFailures: Error[] = [];
  let n = 0;
  const sender: FakeSender = {
    platform: options.platform ?? 'sandbox',
    idempotentSend: options.idempotentSend ?? false,
    attempts: [],
    updates: [],
    batches: [],
    nextSend(behaviour) {
      queued.push(behaviour);
    },
    failNextBatch(error) {
      batchFailures.push(error);
    },
    posted: new Map(),
    lookups: [],
    sendOptions: [],
    lookupOptions: [],
    ...(options.looks
      ? {
          async findPosted(post: OutboundPost, lookupOptions?: SendOptions) {
            sender.lookups.push(post.id);
            sender.lookupOptions.push(lookupOptions);
            const found = sender.posted.get(post.id);
            if (found instanceof Error) throw found;
            return found === undefined ? null : { messageId: found };
          },
        }
      : {}),
    ...(options.batches
      ? {
          async sendBatch(posts: OutboundPost[]) {
            sender.batches.push(structuredClone(posts));
            const failure = batchFailures.shift();
            if (failure) throw failure;
            return posts.map(() => ({ messageId: `pm-${++n}` }));
          },
        }
      : {}),
    async send(post, sendOptions) {
      sender.attempts.push(structuredClone(post));
      sender.sendOptions.push(sendOptions);
      const behaviour = queued.shift();
      if (behaviour) return behaviour(post, sendOptions);
      n += 1;
      return { messageId: `pm-${n}` };
    },
    async updateCard(target, messageId, card, text) {
      sender.updates.push({ target, messageId, card, text });
    },
  };
  return sender;
}
