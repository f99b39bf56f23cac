import { describe, expect, it } from 'vitest';
import { handleWithRetries, isPermanentFailure } from '../../../src/connectors/event-retries.js';
import { JamiiError } from '../../../src/core/errors.js';
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

describe('isPermanentFailure', () => {
  const pgError = (code: string) => Object.assign(new Error(`postgres ${code}`), { code });

  it('gives up at once on an error the same event would meet again, and says so once', async () => {
    for (const error of [new TypeError('x is undefined'), new JamiiError('invalid_input'), pgError('22021'), pgError('23502'), pgError('42703'), new Error('wrapped', { cause: pgError('22P02') })]) {
      const log = createRecordingLogger();
      let calls = 0;
      await handleWithRetries(
        async () => {
          calls++;
          throw error;
        },
        { log, failure: 'x.event_failed', stop: new AbortController().signal, delaysMs: [1, 1] },
      );
      expect(calls).toBe(1);
      expect(isPermanentFailure(error)).toBe(true);
      expect(log.entries.filter((e) => e.msg === 'x.event_failed')).toHaveLength(1);
    }
  });

  it('retries what may pass: a lost connection, a cancelled statement, a deadlock, a platform timeout', () => {
    for (const error of [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), Object.assign(new Error('closed'), { code: 'CONNECTION_CLOSED' }), pgError('57014'), pgError('40P01'), pgError('08006'), new Error('request timed out')]) {
      expect(isPermanentFailure(error)).toBe(false);
    }
  });
});
