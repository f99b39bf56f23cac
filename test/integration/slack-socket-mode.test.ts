/**
 * Socket Mode: with SLACK_APP_TOKEN, Bolt's SocketModeReceiver opens a connection through
 * apps.connections.open (on SLACK_API_URL, with the app-level token) and takes events from the
 * WebSocket, acknowledging each envelope; a redelivered envelope is acknowledged and stored once.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_SLACK, MEMBER, messageEvent, type FakeSlack } from '../support/fake-slack-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useSlackJamii } from '../support/platform-jamii.js';

let fake: FakeSlack;
let app: TestJamii;

useSlackJamii(
  (f, a) => {
    fake = f;
    app = a;
  },
  { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: FAKE_SLACK.appToken },
);

describe('Slack Socket Mode', () => {
  it('connects with the app token and stores each event once, acknowledging every envelope', async () => {
    await waitFor(async () => fake.callsTo('apps.connections.open')[0], 10_000, 'apps.connections.open');
    expect(fake.callsTo('apps.connections.open')[0]!.authorization).toBe(`Bearer ${FAKE_SLACK.appToken}`);
    await fake.socketConnected();
    // No HTTP endpoint in Socket Mode.
    expect((await fetch(`${app.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);

    const event = messageEvent(MEMBER, 'Does the cooperative buy maize this month?');
    expect(await fake.sendSocketEvent(event)).toEqual({});
    expect(await fake.sendSocketEvent(event, { retryAttempt: 1 })).toEqual({});
    await waitFor(async () => fake.posts(FAKE_SLACK.deskChannelId).find((p) => JSON.stringify(p.args.blocks ?? []).includes('buy maize')), 15_000, 'card in the desk');
    const stored = await app.jamii.db.sql.executeSql(`select id from messages where text like '%buy maize%'`, []);
    expect(stored.rows).toHaveLength(1);
  });
});
