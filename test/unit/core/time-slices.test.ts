import { describe, expect, it } from 'vitest';
import { BACKGROUND_SLICE_MS, timeSlicer } from '../../../src/core/time-slices.js';

/** Resolves after everything queued for this turn of the event loop, I/O callbacks included. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('timeSlicer', () => {
  it('does not yield to the event loop while the slice lasts', async () => {
    let t = 0;
    const nextSlice = timeSlicer({ now: () => t });
    const order: string[] = [];
    const turn = nextTurn().then(() => order.push('event loop'));
    t = BACKGROUND_SLICE_MS - 0.5;
    await nextSlice();
    order.push('work');
    await turn;
    expect(order).toEqual(['work', 'event loop']);
  });

  it('yields to the event loop once the slice is used up, so waiting I/O runs first', async () => {
    let t = 0;
    const nextSlice = timeSlicer({ now: () => t });
    const order: string[] = [];
    void nextTurn().then(() => order.push('event loop'));
    t = BACKGROUND_SLICE_MS;
    await nextSlice();
    order.push('work');
    expect(order).toEqual(['event loop', 'work']);
  });

  it('lets intake go first at a slice boundary and starts a new slice after it', async () => {
    let t = 0;
    let intakeWaits = 0;
    let releaseIntake!: () => void;
    const nextSlice = timeSlicer({
      sliceMs: 5,
      now: () => t,
      intakeFirst: () => {
        intakeWaits++;
        return new Promise<void>((resolve) => (releaseIntake = resolve));
      },
    });
    t = 4;
    await nextSlice();
    expect(intakeWaits).toBe(0);
    t = 6;
    let resumed = false;
    const boundary = nextSlice().then(() => (resumed = true));
    await nextTurn();
    await nextTurn();
    expect(intakeWaits).toBe(1);
    expect(resumed).toBe(false);
    t = 7;
    releaseIntake();
    await boundary;
    expect(resumed).toBe(true);
    // The new slice started when intake let go (t = 7): 4 ms later it is still running.
    t = 11;
    await nextSlice();
    expect(intakeWaits).toBe(1);
    t = 12;
    const again = nextSlice();
    await nextTurn();
    expect(intakeWaits).toBe(2);
    releaseIntake();
    await again;
  });
});
