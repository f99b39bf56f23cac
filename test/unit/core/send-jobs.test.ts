import { describe, expect, it } from 'vitest';
import { outboxIdsOf, SEND_JOB_ROWS, sendJobs } from '../../../src/core/send-jobs.js';

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
