/**
 * Send jobs carry several outbox rows: the rows a transaction queues (a drafting batch's cards,
 * a report for every desk) go out as a few jobs instead of one each, so the queue inserts,
 * fetches and completes a job per SEND_JOB_ROWS rows, and a worker claims, posts and records
 * them together. A retry of a job skips the rows already sent.
 */
import type { JobPayloads } from './ports.js';

/**
 * Rows one send job carries at most. A worker sends a job's rows in turn, within the job's
 * expiry (60 s): 25 round trips to a platform fit well inside it.
 */
export const SEND_JOB_ROWS = 25;

/** The send jobs for these outbox rows, in order, SEND_JOB_ROWS at most each. */
export function sendJobs(outboxIds: readonly number[]): Array<JobPayloads['send']> {
  const jobs: Array<JobPayloads['send']> = [];
  for (let i = 0; i < outboxIds.length; i += SEND_JOB_ROWS) jobs.push({ outboxIds: outboxIds.slice(i, i + SEND_JOB_ROWS) });
  return jobs;
}

/** The outbox rows of a send job, also of one queued by an earlier version (`outboxId`). */
export function outboxIdsOf(job: JobPayloads['send']): number[] {
  return 'outboxIds' in job ? job.outboxIds : [job.outboxId];
}
