import { RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { classifyDiscordError, DISCORD_SEND_MAX_WAIT_MS, rejectLongPostWaits, trackPost } from '../../../../src/connectors/discord/errors.js';

const limit = (over: Partial<{ method: string; route: string; timeToReset: number; retryAfter: number; sublimitTimeout: number }>) => ({
  method: 'POST',
  route: '/channels/1100000000000000001/messages',
  timeToReset: 0,
  retryAfter: 0,
  sublimitTimeout: 0,
  ...over,
});

describe('rate limits on Discord posts', () => {
  it('refuses a message post discord.js would hold longer than a send job waits, however the wait is given', () => {
    const long = DISCORD_SEND_MAX_WAIT_MS + 1;
    expect(rejectLongPostWaits(limit({ timeToReset: long }))).toBe(true);
    expect(rejectLongPostWaits(limit({ retryAfter: long }))).toBe(true);
    expect(rejectLongPostWaits(limit({ sublimitTimeout: long, method: 'post' }))).toBe(true);
  });

  it('lets short waits, edits and interaction answers wait as discord.js does', () => {
    expect(rejectLongPostWaits(limit({ timeToReset: 2_000 }))).toBe(false);
    expect(rejectLongPostWaits(limit({ method: 'PATCH', route: '/channels/1100000000000000001/messages/:id', timeToReset: 60_000 }))).toBe(false);
    expect(rejectLongPostWaits(limit({ route: '/interactions/:id/:token/callback', timeToReset: 60_000 }))).toBe(false);
  });

  it('refuses a short wait that would run past the send’s deadline, inside that send only', async () => {
    const now = Date.now();
    const inSend = await trackPost(now + 1_000, async () => {
      // Across an await too: discord.js decides after the request went through its queue.
      await new Promise((r) => setTimeout(r, 1));
      return [rejectLongPostWaits(limit({ retryAfter: 2_000 }), now), rejectLongPostWaits(limit({ retryAfter: 500 }), now)];
    }).result;
    expect(inSend).toEqual([true, false]);
    // Past the deadline any wait is refused; an edit still waits as discord.js does.
    expect(await trackPost(now - 1, async () => rejectLongPostWaits(limit({ retryAfter: 1 }), now)).result).toBe(true);
    expect(await trackPost(now - 1, async () => rejectLongPostWaits(limit({ method: 'PATCH', route: '/channels/1/messages/:id', retryAfter: 1 }), now)).result).toBe(false);
    // Outside a send (no deadline) the same short wait is sat out.
    expect(rejectLongPostWaits(limit({ retryAfter: 2_000 }), now)).toBe(false);
    expect(await trackPost(undefined, async () => rejectLongPostWaits(limit({ retryAfter: 2_000 }), now)).result).toBe(false);
  });

  it('classifies the refusal as not sent, to be sent once the wait is over', () => {
    const error = new RateLimitError({ ...limit({ retryAfter: 45_000 }), global: false, hash: 'h', limit: 5, majorParameter: '1100000000000000001', url: 'http://127.0.0.1/api/v10/channels/1/messages', scope: 'user' });
    expect(classifyDiscordError(error).error).toMatchObject({ outcome: 'not_sent', retryable: true, retryAfterMs: 45_000 });
  });
});
