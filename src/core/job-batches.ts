/**
 * Jobs that carry several rows. The rows one statement or transaction queues (an ingest batch's
 * questions, a drafting batch's cards, a report for every desk) go out as a few jobs instead of
 * one each, so pg-boss inserts, fetches and completes a job per batch of rows, and a worker
 * handles them together. Handlers are idempotent per row: a retried job skips the rows done.
 */
import type { JobPayloads } from './ports.js';

/**
 * Outbox rows one send job carries at most. A worker sends a job's rows in turn, within the
 * job's expiry (60 s): 25 round trips to a platform fit well inside it.
 */
export const SEND_JOB_ROWS = 25;

/** The send jobs for these outbox rows, in order, SEND_JOB_ROWS at most each. */
export function sendJobs(outboxIds: readonly number[]): Array<JobPayloads['send']> {
  return chunks(outboxIds, SEND_JOB_ROWS).map((ids) => ({ outboxIds: ids }));
}

/** The outbox rows of a send job, also of one queued by an earlier version (`outboxId`). */
export function outboxIdsOf(job: JobPayloads['send']): number[] {
  return 'outboxIds' in job ? job.outboxIds : [job.outboxId];
}

/**
 * The draft jobs for these messages, in order, `perJob` at most each: one message a job for a
 * model (a worker's batch of jobs is one round of model calls), many for offline drafting.
 */
export function draftJobs(messageIds: readonly number[], perJob: number): Array<JobPayloads['draft']> {
  return chunks(messageIds, perJob).map((ids) => ({ messageIds: ids }));
}

/** The messages of a draft job, also of one queued by an earlier version (`messageId`). */
export function messageIdsOf(job: JobPayloads['draft']): number[] {
  return 'messageIds' in job ? job.messageIds : [job.messageId];
}

/** A count of rows per job, checked: a positive integer (it may be written into SQL text). */
export function rowsPerJob(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`rows per job must be a positive integer, got ${n}`);
  return n;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  rowsPerJob(size);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
