import { describe, expect, it } from 'vitest';
import { draftJobs, messageIdsOf, outboxIdsOf, SEND_JOB_ROWS, sendJobs } from '../../../src/core/job-batches.js';

describe('send jobs', () => {
  it('puts the rows of one transaction in as few jobs as SEND_JOB_ROWS allows, in order', () => {
    const ids = Array.from({ length: 2 * SEND_JOB_ROWS + 3 }, (_, i) => 100 + i);
    const jobs = sendJobs(ids);
    expect(jobs.map((j) => outboxIdsOf(j).length)).toEqual([SEND_JOB_ROWS, SEND_JOB_ROWS, 3]);
    expect(jobs.flatMap(outboxIdsOf)).toEqual(ids);
  });

  it('queues no job for no rows, and one for one', () => {
    expect(sendJobs([])).toEqual([]);
    expect(sendJobs([7])).toEqual([{ outboxIds: [7] }]);
  });

  it('reads a job queued by an earlier version, which named one row', () => {
    expect(outboxIdsOf({ outboxId: 9 })).toEqual([9]);
  });
});

describe('draft jobs', () => {
  it('puts up to perJob messages in a job, in order', () => {
    expect(draftJobs([1, 2, 3, 4, 5], 2)).toEqual([{ messageIds: [1, 2] }, { messageIds: [3, 4] }, { messageIds: [5] }]);
    expect(draftJobs([1, 2, 3], 1)).toEqual([{ messageIds: [1] }, { messageIds: [2] }, { messageIds: [3] }]);
    expect(draftJobs([], 100)).toEqual([]);
  });

  it('refuses a count of messages per job that is not a positive integer', () => {
    expect(() => draftJobs([1], 0)).toThrow(/positive integer/);
    expect(() => draftJobs([1], 1.5)).toThrow(/positive integer/);
  });

  it('reads a job queued by an earlier version, which named one message', () => {
    expect(messageIdsOf({ messageId: 4 })).toEqual([4]);
    expect(messageIdsOf({ messageIds: [4, 5] })).toEqual([4, 5]);
  });
});
