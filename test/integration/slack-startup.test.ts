/**
 * A Slack that refuses the token at start (or cannot be reached) does not stop Jamii: the rest
 * keeps running, and events are handled once Slack answers again.
 */
import { describe, expect, it } from 'vitest';
import { cardFor, MEMBER, messageEvent, sendSigned, slackEnv, startFakeSlack } from '../support/fake-slack-server.js';
import { startTestJamii, waitFor } from '../support/harness.js';

describe('Slack start', () => {
  it('keeps Jamii running when auth.test fails at start, and handles events once Slack answers', async () => {
    const fake = await startFakeSlack();
    fake.failNext('auth.test', { error: 'invalid_auth' });
    const app = await startTestJamii({ env: slackEnv(fake) });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      expect((await sendSigned(app.url, messageEvent(MEMBER, 'Who do I call about a late payment?'))).status).toBe(200);
      await waitFor(async () => cardFor(fake, 'late payment'), 15_000, 'card once Slack answers');
    } finally {
      await app.stop();
      await fake.close();
    }
  });
});
