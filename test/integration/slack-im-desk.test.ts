/**
 * A Slack manager's direct message with the app as one of her desks (like each Telegram manager's
 * private chat): nobody else reads it, so /jamii typed there covers all her communities, while
 * the same command in a desk channel covers that desk's community. Slack says it is a direct
 * message by the channel id (`D…`); the id is not hers (`U…`).
 */
import { describe, expect, it } from 'vitest';
import { cardFor, draftIdOf, FAKE_SLACK, MANAGER, MEMBER, messageEvent, sendSigned, slashCommand, type FakeSlack } from '../support/fake-slack-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { communitiesFileEnv, useSlackJamii } from '../support/platform-jamii.js';

const IM = 'D0AMINAIM1';
const DUKA_CHANNEL = 'C0DUKAGEN1';
const DUKA_DESK = 'C0DUKADSK1';

let fake: FakeSlack;
let app: TestJamii;

const communities = communitiesFileEnv([
  'communities:',
  '  - id: kilimo',
  '    name: Kilimo',
  `    chats: { slack: [${FAKE_SLACK.channelId}] }`,
  `    desk: { slack: [${FAKE_SLACK.deskChannelId}, ${IM}] }`,
  `    managers: [slack:${MANAGER.id}]`,
  '  - id: duka',
  '    name: Duka',
  `    chats: { slack: [${DUKA_CHANNEL}] }`,
  `    desk: { slack: ${DUKA_DESK} }`,
  `    managers: [slack:${MANAGER.id}]`,
]);

useSlackJamii(
  (f, a) => {
    fake = f;
    app = a;
  },
  { ...communities, JAMII_MANAGERS: '', JAMII_SLACK_DESK_CHANNEL: '' },
);

async function draftIn(channel: string, desk: string, text: string): Promise<number> {
  await sendSigned(app.url, messageEvent(MEMBER, text, { channel }));
  return draftIdOf(await waitFor(async () => cardFor(fake, text, desk), 15_000, `card in ${desk}`));
}

/** Jamii's answer to /jamii typed in `channel`: in the acknowledgement, or later through response_url. */
async function answerTo(text: string, channel: string): Promise<string> {
  const seen = fake.responses.length;
  const res = await sendSigned(app.url, slashCommand(fake, MANAGER, text, channel));
  if (res.text) return (JSON.parse(res.text) as { text: string }).text;
  return (await waitFor(async () => fake.responses[seen], 10_000, `answer to ${text}`)).body.text as string;
}

describe('a Slack manager’s direct message with the app as a desk', () => {
  it('covers all her communities there, and only the channel’s community in a desk channel', async () => {
    const kilimo = await draftIn(FAKE_SLACK.channelId, FAKE_SLACK.deskChannelId, 'How do I register my farm?');
    const duka = await draftIn(DUKA_CHANNEL, DUKA_DESK, 'Where is the nearest shop?');

    const inIm = await answerTo('pending', IM);
    expect(inIm).toContain(`#${kilimo}`);
    expect(inIm).toContain(`#${duka}`);

    const inDesk = await answerTo('pending', FAKE_SLACK.deskChannelId);
    expect(inDesk).toContain(`#${kilimo}`);
    expect(inDesk).not.toContain(`#${duka}`);
  });
});
