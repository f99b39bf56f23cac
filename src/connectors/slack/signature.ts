/**
 * Slack request signatures: `X-Slack-Signature` is `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`
 * with the app's signing secret; `X-Slack-Request-Timestamp` older (or newer) than five minutes
 * is a replay and refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SLACK_SIGNATURE_MAX_AGE_SECONDS } from './limits.js';

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/** The `X-Slack-Signature` value for a body signed at `timestamp` (seconds). */
export function slackSignature(signingSecret: string, timestamp: string, body: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export function verifySlackSignature(input: { signingSecret: string; signature: string | undefined; timestamp: string | undefined; body: Buffer; nowMs: number }): SignatureVerdict {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SLACK_SIGNATURE_MAX_AGE_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
