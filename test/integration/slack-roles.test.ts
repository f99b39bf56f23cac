/**
 * Slack user groups as roles: members of JAMII_SLACK_MANAGER_GROUP manage the community of the
 * desk they act in, read from usergroups.users.list right before the press is dispatched.
 */
import { describe, expect, it } from 'vitest';
import { blockAction, cardFor, draftIdOf, FAKE_SLACK, MEMBER, messageEvent, sendSigned, STRANGER, type FakeSlack } from '../support/fake-slack-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useSlackJamii } from '../support/platform-jamii.js';

let fake: FakeSlack;
let app: TestJamii;

useSlackJamii(
  (f, a) => {
    fake = f;
    app = a;
  },
  { JAMII_SLACK_MANAGER_GROUP: FAKE_SLACK.managerGroupId },
);

async function draftFor(text: string): Promise<number> {
  await sendSigned(app.url, messageEvent(MEMBER, text));
  return draftIdOf(await waitFor(async () => cardFor(fake, text), 15_000, 'card'));
}

describe('Slack user group managers', () => {
  it('lets a member of the manager user group decide from the desk', async () => {
    fake.setGroupMembers(FAKE_SLACK.managerGroupId, [STRANGER.id]);
    const draftId = await draftFor('Is there a training on drip irrigation?');
    await sendSigned(app.url, blockAction(STRANGER, `approve:${draftId}`));
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draftId)) !== 'pending', 10_000, 'approved by the group member');
    expect(fake.callsTo('usergroups.users.list')[0]!.args.usergroup).toBe(FAKE_SLACK.managerGroupId);
    const grants = await app.jamii.store.roles.rolesOf('slack', STRANGER.id);
    expect(grants).toEqual([{ communityId: 'default', role: 'manager' }]);
  });

  it('refuses someone outside the group privately', async () => {
    fake.setGroupMembers(FAKE_SLACK.managerGroupId, []);
    const draftId = await draftFor('Can I sell my beans through the cooperative?');
    await sendSigned(app.url, blockAction(STRANGER, `approve:${draftId}`));
    await waitFor(async () => fake.callsTo('chat.postEphemeral').find((c) => c.args.user === STRANGER.id && /Only a manager/.test(c.args.text)), 10_000, 'refusal');
    expect(await app.jamii.store.drafts.statusOf(draftId)).toBe('pending');
  });
});
