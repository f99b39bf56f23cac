/**
 * Ingest: every inbound message is stored once, labelled, and — when it is a question or
 * negative feedback — given a draft job in the same transaction. Nothing else happens first.
 */
import type { CommunityDirectory } from './communities.js';
import type { Clock, CoreMetrics, Logger, MessageToStore, Store } from './ports.js';
import type { InboundMessage, Labels } from './types.js';

/** Longest text Jamii stores for one message; platforms cap lower (Telegram 4096, Discord 4000). */
export const MESSAGE_TEXT_MAX_CHARS = 40_000;
/** How many concurrent inbound messages one transaction takes at most. */
export const INGEST_BATCH_MAX = 500;

export type Labeler = (text: string, hint: { communityLanguage: string }) => Labels;

export interface IngestOutcome {
  messageId: number;
  /** false when the platform redelivered a message already stored. */
  stored: boolean;
  draftDue: boolean;
}

export interface IngestService {
  /** Stores a batch in one transaction (a Telegram getUpdates page, a replay). */
  ingestBatch(batch: InboundMessage[]): Promise<IngestOutcome[]>;
  /** Stores one message; concurrent calls share a transaction (group commit). */
  ingest(message: InboundMessage): Promise<IngestOutcome>;
}

export function isDraftDue(labels: Labels | null): boolean {
  return Boolean(labels && (labels.isQuestion || labels.isNegative));
}

export function createIngestService(deps: {
  store: Store;
  communities: CommunityDirectory;
  labeler: Labeler;
  metrics: CoreMetrics;
  clock: Clock;
  log: Logger;
}): IngestService {
  const { store, communities, labeler, metrics, clock } = deps;

  const prepare = (m: InboundMessage): MessageToStore => {
    const communityId = communities.communityOf(m.chat.platform, m.chat.chatId);
    const text = m.text.length > MESSAGE_TEXT_MAX_CHARS ? m.text.slice(0, MESSAGE_TEXT_MAX_CHARS) : m.text;
    const labellable = !m.author.isBot && !m.isService && text.trim().length > 0;
    const labels = labellable ? labeler(text, { communityLanguage: communities.get(communityId).language }) : null;
    return { inbound: { ...m, text }, communityId, labels };
  };

  const ingestBatch = async (batch: InboundMessage[]): Promise<IngestOutcome[]> => {
    if (batch.length === 0) return [];
    const started = clock.now().getTime();
    const records = batch.map(prepare);
    const refs = await store.transaction(async (tx) => {
      const stored = await tx.messages.storeMany(records);
      const due = stored.flatMap((ref, i) => (ref.inserted && isDraftDue(records[i]!.labels) ? [{ ref, record: records[i]! }] : []));
      await tx.jobs.enqueue('draft', due.map(({ ref }) => ({ messageId: ref.id })));
      await tx.audit.writeMany(
        due.map(({ ref, record }) => ({
          communityId: record.communityId,
          actor: 'jamii',
          action: 'message.labelled',
          subject: `message:${ref.id}`,
          details: { labels: record.labels },
        })),
      );
      return stored;
    });
    const inserted = refs.filter((r) => r.inserted).length;
    metrics.messageIngested(inserted);
    const seconds = (clock.now().getTime() - started) / 1000;
    for (let i = 0; i < inserted; i++) metrics.pipelineLatency('stored', seconds);
    return refs.map((ref, i) => ({ messageId: ref.id, stored: ref.inserted, draftDue: ref.inserted && isDraftDue(records[i]!.labels) }));
  };

  // Group commit: while one transaction runs, arrivals queue; the next transaction takes them all.
  let queue: Array<{ message: InboundMessage; resolve: (o: IngestOutcome) => void; reject: (e: unknown) => void }> = [];
  let flushing = false;
  const flush = async (): Promise<void> => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const take = queue.slice(0, INGEST_BATCH_MAX);
        queue = queue.slice(take.length);
        try {
          const outcomes = await ingestBatch(take.map((t) => t.message));
          take.forEach((t, i) => t.resolve(outcomes[i]!));
        } catch (error) {
          take.forEach((t) => t.reject(error));
        }
      }
    } finally {
      flushing = false;
    }
  };

  return {
    ingestBatch,
    ingest(message) {
      return new Promise<IngestOutcome>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}
