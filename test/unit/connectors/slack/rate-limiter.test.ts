import { describe, expect, it } from 'vitest';
import { PostingLimitReached } from '../../../../src/connectors/posting-limit.js';
import { createChannelLimiter } from '../../../../src/connectors/slack/rate-limiter.js';

/** A limiter on a fake clock: each reserved turn records [channel, when it goes]. */
function harness() {
  let now = 0;
  let slept = 0;
  const sent: Array<[string, number]> = [];
  const limiter = createChannelLimiter({ now: () => now + slept, sleep: async (ms) => void (slept += ms) });
  const post = async (channel: string, parts = 1, maxWaitMs = 10_000) => {
    for (const turn of limiter.reserve(channel, parts, maxWaitMs)) {
      await turn();
      sent.push([channel, now + slept]);
    }
  };
  return { limiter, post, sent, advance: (ms: number) => void (now += ms) };
}

describe('Slack per-channel limiter', () => {
  it('spaces posts to one channel a second apart, and leaves other channels alone', async () => {
    const { post, sent, advance } = harness();
    await post('C1');
    await post('C1');
    await post('C1');
    await post('C2');
    expect(sent).toEqual([
      ['C1', 0],
      ['C1', 1000],
      ['C1', 2000],
      ['C2', 2000],
    ]);
    advance(5000);
    await post('C1');
    expect(sent.at(-1)).toEqual(['C1', 7000]);
  });

  it('reserves every part of a split post at once', async () => {
    const { limiter, post, sent } = harness();
    const turns = limiter.reserve('C1', 3, 10_000);
    // Another post to the channel queues after all three parts, not between them.
    await post('C1');
    for (const turn of turns) await turn();
    expect(sent).toEqual([['C1', 3000]]);
  });

  it('refuses a post whose last part is further away than the wait it allows, and reserves nothing', async () => {
    const { limiter, post, sent } = harness();
    for (let i = 0; i < 10; i++) limiter.reserve('C1', 1, 60_000);
    const refused = (() => {
      try {
        limiter.reserve('C1', 2, 10_000);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(PostingLimitReached);
    expect((refused as PostingLimitReached).retryAfterMs).toBe(11_000);
    // Nothing was held for it: the next post's slot is the eleventh second, as before.
    await post('C1', 1, 10_000);
    expect(sent).toEqual([['C1', 10_000]]);
  });

  it('lets a post too long to ever fit go once the channel is free', async () => {
    const { post, sent } = harness();
    await post('C1', 15, 10_000);
    expect(sent).toHaveLength(15);
    expect(sent.at(-1)).toEqual(['C1', 14_000]);
  });
});
