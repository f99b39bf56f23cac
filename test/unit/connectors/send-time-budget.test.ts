/**
 * The worst time one post (one part: a reply or a card) can take inside a sender, from each
 * connector's own limits, against what the core assumes of a claim: a retry that meets a claim
 * younger than SEND_CLAIM_STALE_AFTER_MS leaves it to the attempt still sending. Raise a timeout
 * or a wait past the window and a retry would act on a post still on its way; this test says so.
 */
import { describe, expect, it } from 'vitest';
import { SEND_CLAIM_STALE_AFTER_MS } from '../../../src/core/delivery-service.js';
import { DISCORD_REQUEST_RETRIES, DISCORD_REQUEST_TIMEOUT_MS } from '../../../src/connectors/discord/discord-connector.js';
import { DISCORD_SEND_MAX_WAIT_MS } from '../../../src/connectors/discord/errors.js';
import { SLACK_RETRY_AFTER_MAX_SECONDS } from '../../../src/connectors/slack/limits.js';
import { SLACK_REQUEST_TIMEOUT_MS } from '../../../src/connectors/slack/slack-connector.js';
import { SLACK_RATE_LIMIT_RETRIES, SLACK_SEND_MAX_WAIT_MS } from '../../../src/connectors/slack/slack-sender.js';
import { TELEGRAM_RETRY_AFTER_MAX_SECONDS, TELEGRAM_RETRY_MAX_ATTEMPTS, TELEGRAM_SEND_TIMEOUT_SECONDS } from '../../../src/connectors/telegram/telegram-connector.js';
import { TELEGRAM_SEND_MAX_WAIT_MS } from '../../../src/connectors/telegram/telegram-sender.js';

/** Slots reserved (a wait for the chat), then 429s waited out in place, then a request that times out. */
const worstOnePart = {
  telegram: TELEGRAM_SEND_MAX_WAIT_MS + TELEGRAM_RETRY_MAX_ATTEMPTS * TELEGRAM_RETRY_AFTER_MAX_SECONDS * 1000 + TELEGRAM_SEND_TIMEOUT_SECONDS * 1000,
  slack: SLACK_SEND_MAX_WAIT_MS + SLACK_RATE_LIMIT_RETRIES * SLACK_RETRY_AFTER_MAX_SECONDS * 1000 + SLACK_REQUEST_TIMEOUT_MS,
  // discord.js holds a post for a bucket at most this long (longer is refused), then tries a timed-out request again.
  discord: DISCORD_SEND_MAX_WAIT_MS + (1 + DISCORD_REQUEST_RETRIES) * DISCORD_REQUEST_TIMEOUT_MS,
};

describe('the time one post may take', () => {
  it.each(Object.entries(worstOnePart))('on %s stays inside the window a claim counts as still sending', (_platform, worstMs) => {
    expect(worstMs).toBeLessThan(SEND_CLAIM_STALE_AFTER_MS);
  });

  it('adds up to what the README says: 55 s on Telegram and Slack, 70 s on Discord', () => {
    expect(worstOnePart).toEqual({ telegram: 55_000, slack: 55_000, discord: 70_000 });
  });
});
