/**
 * Managers by Discord role: a member holding a configured role id may decide drafts; the same
 * member without it is refused, as is a member whose only claim is a role Jamii was not told of.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonPress, discordEnv, FAKE_DISCORD, MEMBER, messageCreate, startFakeDiscord, type FakeDiscord, type RestCall } from '../support/fake-discord-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

const MODERATOR_ROLE = '600000000000000042';
const MODERATOR = { id: '800000000000000050', username: 'zawadi' };

let fake: FakeDiscord;
let app: TestJamii;

beforeEach(async () => {
  fake = await startFakeDiscord();
  app = await startTestJamii({ env: discordEnv(fake, { JAMII_DISCORD_MANAGER_ROLES: MODERATOR_ROLE }) });
  await app.jamii.discord!.ready();
});

afterEach(async () => {
  await app.stop();
  await fake.close();
});

const buttonsOf = (post: RestCall): string[] => (post.body?.components ?? []).flatMap((row: any) => row.components.map((b: any) => b.custom_id));

async function ask(text: string) {
  fake.dispatch('MESSAGE_CREATE', messageCreate(MEMBER, text, { channelId: FAKE_DISCORD.threadId }));
  const card = await waitFor(async () => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => JSON.stringify(p.body.embeds ?? []).includes(text)), 15_000, 'card');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  const row = await waitFor(async () => (await app.jamii.store.outbox.listCardsForDraft(draftId)).find((r) => r.platformMessageId), 5000, 'card row');
  return { draftId, cardMessageId: row.platformMessageId! };
}

const answerTo = (press: { id: string }) => waitFor(async () => fake.callsTo('POST', new RegExp(`^/interactions/${press.id}/`))[0], 5000, 'answer');

describe('Discord roles', () => {
  it('lets a member with a configured manager role decide, and refuses them once the role is gone', async () => {
    const first = await ask('How do I sell at the Saturday market?');
    const withoutRole = buttonPress(MODERATOR, first.cardMessageId, `reject:${first.draftId}`);
    fake.dispatch('INTERACTION_CREATE', withoutRole);
    await answerTo(withoutRole);
    expect(await app.jamii.store.drafts.statusOf(first.draftId)).toBe('pending');

    const withRole = buttonPress({ ...MODERATOR, roles: [MODERATOR_ROLE] }, first.cardMessageId, `reject:${first.draftId}`);
    fake.dispatch('INTERACTION_CREATE', withRole);
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(first.draftId)) === 'rejected', 5000, 'rejected by the moderator');

    const second = await ask('Can I bring my own scales to the market?');
    const roleRemoved = buttonPress(MODERATOR, second.cardMessageId, `reject:${second.draftId}`);
    fake.dispatch('INTERACTION_CREATE', roleRemoved);
    const refusal = await answerTo(roleRemoved);
    expect(refusal.body.data.flags & 64).toBe(64);
    expect(await app.jamii.store.drafts.statusOf(second.draftId)).toBe('pending');
  });
});
