/**
 * A command's answer, posted through the outbox like every other post: written in one
 * transaction with its send job, once per dedupe key. A connector that gets the same command
 * twice (a redelivered update) passes the same key and nothing is posted twice.
 */
import { cardText } from './desk-cards.js';
import type { Store } from './ports.js';
import type { ChatRef, CommandReply } from './types.js';
import { sendJobs } from './job-batches.js';

export interface QueuedReply {
  target: ChatRef;
  /** The platform message the answer replies to (the command), if any. */
  replyToMessageId: string | null;
  reply: CommandReply;
  /** Stable per inbound event, e.g. `telegram:update:123`. */
  dedupeKey: string;
}

/** Writes the reply text and its cards as outbox rows and queues their sends; returns the rows made. */
export async function queueCommandReply(store: Store, input: QueuedReply): Promise<number> {
  const { target, replyToMessageId, reply, dedupeKey } = input;
  return store.transaction(async (tx) => {
    const rows = await tx.outbox.insertMany([
      ...(reply.text ? [{ kind: 'notice' as const, target, replyToMessageId, text: reply.text, card: null, draftId: null, dedupeKey: `${dedupeKey}:text` }] : []),
      ...(reply.cards ?? []).map((card, i) => ({
        kind: 'card' as const,
        target,
        replyToMessageId: null,
        text: cardText(card),
        card,
        draftId: card.draftId,
        dedupeKey: `${dedupeKey}:card:${i}`,
      })),
    ]);
    await tx.jobs.enqueue('send', sendJobs(rows.map((r) => r.id)));
    return rows.length;
  });
}
