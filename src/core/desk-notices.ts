/**
 * A notice to desks (a reminder, a failed send, a broken feed, a replay's report), written with
 * its send job inside the caller's transaction. Its key makes it once per desk: a retried job or
 * a second process writing the same notice is a no-op.
 */
import { sendJobs } from './job-batches.js';
import type { Repositories } from './ports.js';
import type { ChatRef } from './types.js';

/** Queues `text` for each of `desks` (dedupe key `<key>:<platform>:<chat>`); resolves the outbox ids written. */
export async function queueDeskNotices(tx: Repositories, desks: readonly ChatRef[], text: string, key: string, draftId: number | null = null): Promise<number[]> {
  if (desks.length === 0) return [];
  const rows = await tx.outbox.insertMany(
    desks.map((desk) => ({ kind: 'notice' as const, target: desk, replyToMessageId: null, text, card: null, draftId, dedupeKey: `${key}:${desk.platform}:${desk.chatId}` })),
  );
  const ids = rows.map((r) => r.id);
  await tx.jobs.enqueue('send', sendJobs(ids));
  return ids;
}
