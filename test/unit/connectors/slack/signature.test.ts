import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackSignature } from '../../../../src/connectors/slack/signature.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = Buffer.from('token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fjamii&text=pending');
const nowMs = 1_531_420_618_000;
const timestamp = '1531420618';

describe('Slack request signatures', () => {
  it('matches Slack\'s documented v0 scheme: v0= + HMAC-SHA256 of v0:timestamp:body', () => {
    expect(slackSignature(secret, timestamp, body)).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verifySlackSignature({ signingSecret: secret, signature: slackSignature(secret, timestamp, body), timestamp, body, nowMs })).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, missing headers, and a timestamp outside five minutes', () => {
    const signature = slackSignature(secret, timestamp, body);
    expect(verifySlackSignature({ signingSecret: secret, signature, timestamp, body: Buffer.concat([body, Buffer.from('x')]), nowMs })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackSignature({ signingSecret: 'another-secret', signature, timestamp, body, nowMs })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackSignature({ signingSecret: secret, signature: undefined, timestamp, body, nowMs })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifySlackSignature({ signingSecret: secret, signature: 'v0=short', timestamp, body, nowMs })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackSignature({ signingSecret: secret, signature, timestamp, body, nowMs: nowMs + 301_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySlackSignature({ signingSecret: secret, signature, timestamp, body, nowMs: nowMs - 301_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySlackSignature({ signingSecret: secret, signature, timestamp, body, nowMs: nowMs + 299_000 })).toEqual({ ok: true });
  });
});
