import { describe, expect, it } from 'vitest';
import { PostingLimitReached } from '../../../../src/connectors/posting-limit.js';
import { createOutboundLimiter } from '../../../../src/connectors/telegram/rate-limiter.js';

/** A limiter on a fake clock: `acquire` records when each send would go out. */
function harness(options: { groupPerMinute?: number; perSecond?: number } = {}) {
  let now = 0;
  const waits: number[] = [];
  const limiter = createOutboundLimiter({ ...options, now: () => now, sleep: async (ms) => void waits.push(ms) });
  const sendAt = async (chatId: string) => {
    const before = waits.length;
    await limiter.acquire(chatId);
    return now + (waits.length > before ? waits.at(-1)! : 0);
  };
  return { sendAt, advance: (ms: number) => void (now += ms) };
}

describe('outbound limiter', () => {
  it('keeps one group to 20 messages a minute', async () => {
    const { sendAt } = harness();
    const times: number[] = [];
    for (let i = 0; i < 21; i++) times.push(await sendAt('-100123'));
    expect(times.slice(0, 20).every((t) => t < 1000)).toBe(true);
    expect(times[20]).toBeGreaterThanOrEqual(60_000);
  });

  it('does not hold other chats behind a group that hit its limit', async () => {
    const { sendAt } = harness();
    for (let i = 0; i < 21; i++) await sendAt('-100123');
    expect(await sendAt('-100999')).toBeLessThan(2000);
    expect(await sendAt('555')).toBeLessThan(2000);
  });

  it('spaces all sends to about 30 a second', async () => {
    const { sendAt } = harness();
    const times: number[] = [];
    for (let i = 0; i < 60; i++) times.push(await sendAt(String(1000 + i)));
    expect(times[29]).toBeLessThan(1000);
    expect(times[59]).toBeGreaterThanOrEqual(1900);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000 / 30 - 0.001);
  });

  it('lets a group send again once its minute has passed', async () => {
    const { sendAt, advance } = harness({ groupPerMinute: 2 });
    await sendAt('-1');
    await sendAt('-1');
    advance(61_000);
    expect(await sendAt('-1')).toBe(61_000);
  });

  it('counts every posting method against the group, polls included, and lets other calls through', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createOutboundLimiter({ groupPerMinute: 2, now: () => now, sleep: async (ms) => void waits.push(ms) });
    // A second apart, so only the group's limit can make a call wait.
    const call = async (method: string) => {
      now += 1000;
      await limiter.transformer(async () => ({ ok: true, result: true }) as never, method as never, { chat_id: -100123 } as never);
    };
    await call('sendMessage');
    await call('sendPoll');
    await call('editMessageText');
    await call('answerCallbackQuery');
    expect(waits).toEqual([]);
    await call('sendPoll');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(60_000 - 5000);
  });

  describe('a post that reserves its slots (withSlots)', () => {
    /** A limiter on a fake clock whose posting calls record when they would go out. */
    const reserving = (options: { groupPerMinute?: number } = {}) => {
      let now = 0;
      const sentAt: Array<[string, number]> = [];
      let slept = 0;
      const limiter = createOutboundLimiter({ ...options, now: () => now + slept, sleep: async (ms) => void (slept += ms) });
      const call = (chatId: string, method = 'sendMessage') =>
        limiter.transformer(
          async () => {
            sentAt.push([chatId, now + slept]);
            return { ok: true, result: true } as never;
          },
          method as never,
          { chat_id: Number(chatId) } as never,
        );
      return { limiter, call, sentAt, advance: (ms: number) => void (now += ms) };
    };

    it('reserves every part at once, and the parts take those slots instead of queueing again', async () => {
      const { limiter, call, sentAt } = reserving({ groupPerMinute: 3 });
      await limiter.withSlots('-100', 3, 10_000, async () => {
        for (let i = 0; i < 3; i++) await call('-100');
      });
      expect(sentAt).toHaveLength(3);
      expect(sentAt.every(([, t]) => t < 1000)).toBe(true);
      // The group's minute is used up by those three: a fourth message waits for it.
      await call('-100');
      expect(sentAt[3]![1]).toBeGreaterThanOrEqual(60_000);
    });

    it('refuses a post whose last part is further away than the wait it allows, and reserves nothing', async () => {
      const { limiter, call, sentAt, advance } = reserving({ groupPerMinute: 3 });
      await call('-100');
      await call('-100');
      let ran = false;
      const refused = await limiter
        .withSlots('-100', 2, 10_000, async () => {
          ran = true;
        })
        .catch((e: unknown) => e);
      expect(ran).toBe(false);
      expect(refused).toBeInstanceOf(PostingLimitReached);
      expect((refused as PostingLimitReached).retryAfterMs).toBeGreaterThan(50_000);
      // Nothing was held for the refused post: a one-part post still fits in the minute.
      await limiter.withSlots('-100', 1, 10_000, () => call('-100'));
      expect(sentAt).toHaveLength(3);
      expect(sentAt[2]![1]).toBeLessThan(1000);
      // Once the minute has passed, the two-part post goes.
      advance(61_000);
      await limiter.withSlots('-100', 2, 10_000, async () => {
        await call('-100');
        await call('-100');
      });
      expect(sentAt).toHaveLength(5);
    });

    it('holds slots for its own chat only: a call to another chat inside it queues as usual', async () => {
      const { limiter, call, sentAt } = reserving({ groupPerMinute: 2 });
      await limiter.withSlots('-100', 1, 10_000, async () => {
        await call('-200');
        await call('-100');
      });
      // '-100' used one slot of its two (not one held and one queued): one more goes at once.
      await call('-100');
      await call('-100');
      expect(sentAt.map(([chat]) => chat)).toEqual(['-200', '-100', '-100', '-100']);
      expect(sentAt[2]![1]).toBeLessThan(1000);
      expect(sentAt[3]![1]).toBeGreaterThanOrEqual(60_000);
    });

    it('gives a call retried after a 429 a new slot within the post\'s wait, and refuses one further off instead of holding it', async () => {
      const { limiter, call, sentAt } = reserving({ groupPerMinute: 2 });
      // One part reserved; Telegram answers 429 and the call is tried twice more. The first retry
      // takes the minute's second slot; the third try would wait about a minute: refused.
      const refused = await limiter
        .withSlots('-200', 1, 10_000, async () => {
          await call('-200');
          await call('-200');
          await call('-200');
        })
        .catch((e: unknown) => e);
      expect(sentAt).toHaveLength(2);
      expect(sentAt.every(([, t]) => t < 1000)).toBe(true);
      expect(refused).toBeInstanceOf(PostingLimitReached);
      expect((refused as PostingLimitReached).retryAfterMs).toBeGreaterThan(50_000);
      // Outside a post (a command's answer), a call still queues for its slot.
      await call('-200');
      expect(sentAt[2]![1]).toBeGreaterThanOrEqual(60_000);
    });

    it('lets a split post whose part was retried finish its last part, rather than leave it half posted', async () => {
      const { limiter, call, sentAt } = reserving({ groupPerMinute: 2 });
      // Two parts reserved (the minute's two slots); the first is retried once (taking the second's slot), so the second
      // part finds no slot left: it waits for the next minute instead of being refused.
      await limiter.withSlots('-300', 2, 10_000, async () => {
        await call('-300');
        await call('-300');
        await call('-300');
      });
      expect(sentAt).toHaveLength(3);
      expect(sentAt[2]![1]).toBeGreaterThanOrEqual(60_000);
    });

    /** A sendMessage through the limiter with a deadline's signal; `sent` counts the calls that went out. */
    const withDeadline = (limiter: ReturnType<typeof createOutboundLimiter>, chatId: number, signal: AbortSignal) => {
      const counter = { sent: 0 };
      const call = () =>
        limiter.transformer(
          async () => {
            counter.sent += 1;
            return { ok: true, result: true } as never;
          },
          'sendMessage' as never,
          { chat_id: chatId } as never,
          signal as never,
        );
      return { counter, call };
    };

    it('ends a part’s wait for its slot at the send’s deadline, and the part never goes out', async () => {
      // On a clock that stands still, a wait for the next minute never ends by itself: only the deadline ends it.
      const limiter = createOutboundLimiter({ groupPerMinute: 2, now: () => 0, sleep: (ms) => (ms < 1000 ? Promise.resolve() : new Promise<void>(() => undefined)) });
      const controller = new AbortController();
      const { counter, call } = withDeadline(limiter, -400, controller.signal);
      const outcome = limiter
        .withSlots('-400', 2, 120_000, async () => {
          await call();
          await call();
          // The third call (a retry of the second) has no reserved slot: it waits for the next minute.
          await call();
        })
        .catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 10));
      expect(counter.sent).toBe(2);
      controller.abort();
      expect(await outcome).toMatchObject({ outcome: 'not_sent', retryable: true });
      expect(counter.sent).toBe(2);
    });

    it('lets no call out once its deadline has passed, even with a slot free', async () => {
      const { limiter } = reserving();
      const { counter, call } = withDeadline(limiter, -500, AbortSignal.abort());
      const outcome = await limiter.withSlots('-500', 1, 10_000, call).catch((e: unknown) => e);
      expect(outcome).toMatchObject({ outcome: 'not_sent', retryable: true });
      expect(counter.sent).toBe(0);
    });

    it('lets a post longer than a minute’s quota go as its slots come, rather than never', async () => {
      const { limiter, call, sentAt } = reserving({ groupPerMinute: 2 });
      await limiter.withSlots('-100', 3, 10_000, async () => {
        for (let i = 0; i < 3; i++) await call('-100');
      });
      expect(sentAt).toHaveLength(3);
      expect(sentAt[2]![1]).toBeGreaterThanOrEqual(60_000);
    });
  });
});
