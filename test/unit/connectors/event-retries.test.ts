import { describe, expect, it } from 'vitest';
import { handleWithRetries } from '../../../src/connectors/event-retries.js';
import { createRecordingLogger } from '../../support/fakes.js';

const failingTimes = (n: number) => {
  let calls = 0;
  const handle = async () => {
    calls++;
    if (calls <= n) throw new Error(`database restarting (${calls})`);
  };
  return { handle, calls: () => calls };
};

describe('handleWithRetries', () => {
  it('handles an event again after a failure, and stops once it went through', async () => {
    const log = createRecordingLogger();
    const event = failingTimes(2);
    await handleWithRetries(event.handle, { log, failure: 'x.event_failed', stop: new AbortController().signal, delaysMs: [1, 1, 1] });
    expect(event.calls()).toBe(3);
    expect(log.entries.filter((e) => e.msg === 'x.event_failed_retrying')).toHaveLength(2);
    expect(log.entries.filter((e) => e.msg === 'x.event_failed')).toHaveLength(0);
  });

  it('gives up after the last wait, logs it once, and never throws', async () => {
    const log = createRecordingLogger();
    const event = failingTimes(100);
    await expect(handleWithRetries(event.handle, { log, failure: 'x.event_failed', stop: new AbortController().signal, delaysMs: [1, 1] })).resolves.toBeUndefined();
    expect(event.calls()).toBe(3);
    expect(log.entries.filter((e) => e.msg === 'x.event_failed')).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  it('ends a wait at once when the connector stops, with no further try', async () => {
    const log = createRecordingLogger();
    const stop = new AbortController();
    const event = failingTimes(100);
    const done = handleWithRetries(event.handle, { log, failure: 'x.event_failed', stop: stop.signal, delaysMs: [60_000] });
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    // Resolves long before the 60 s wait: the test would time out otherwise.
    await done;
    expect(event.calls()).toBe(1);
    expect(log.entries.filter((e) => e.msg === 'x.event_failed')).toHaveLength(1);
  });
});
