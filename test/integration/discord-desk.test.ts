/**
 * The Discord desk end to end, the real discord.js Client against the loopback fake Discord
 * (REST and gateway): a question in a thread becomes an embed card in the desk channel, and the
 * buttons, the Edit modal and /jamii decide it.
 */
import { describe, expect, it } from 'vitest';
import {
  buttonPress,  FAKE_DISCORD,
  MANAGER,
  MEMBER,
  messageCreate,
  modalSubmit,
  slashCommand,  STRANGER,
  type FakeDiscord,
  type RestCall,
} from '../support/fake-discord-server.js';
import { waitFor, type TestJamii } from '../support/harness.js';
import { useDiscordJamii } from '../support/platform-jamii.js';

let fake: FakeDiscord;
let app: TestJamii;

useDiscordJamii((f, a) => {
  fake = f;
  app = a;
});

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const buttonsOf = (post: RestCall): string[] => (post.body?.components ?? []).flatMap((row: any) => row.components.map((b: any) => b.custom_id));
const cardFor = (quote: string) => fake.posts(FAKE_DISCORD.deskChannelId).find((p) => JSON.stringify(p.body?.embeds ?? []).includes(quote));
const callbacks = () => fake.callsTo('POST', /^\/interactions\/\d+\/[^/]+\/callback$/);
const callbackFor = (interaction: { id: string }) => callbacks().filter((c) => c.path.startsWith(`/interactions/${interaction.id}/`));

/** A member asks in the thread; resolves with the member's message id, the card and the draft id. */
async function askInThread(text: string) {
  const message = messageCreate(MEMBER, text, { channelId: FAKE_DISCORD.threadId });
  fake.dispatch('MESSAGE_CREATE', message);
  const card = await waitFor(async () => cardFor(text), 15_000, 'card in the desk channel');
  const draftId = Number(/approve:(\d+)/.exec(buttonsOf(card).join(' '))?.[1]);
  const posted = await waitFor(async () => app.jamii.store.outbox.listCardsForDraft(draftId).then((rows) => rows.find((r) => r.platformMessageId)), 5000, 'card row');
  return { messageId: message.id, card, draftId, cardMessageId: posted.platformMessageId! };
}

describe('Discord manager desk', () => {
  it('registers /jamii in the development guild with a subcommand per core command', async () => {
    const put = await waitFor(async () => fake.callsTo('PUT', /commands$/)[0], 5000, 'command registration');
    expect(put.path).toBe(`/applications/${FAKE_DISCORD.applicationId}/guilds/${FAKE_DISCORD.guildId}/commands`);
    const [command] = put.body;
    expect(command.name).toBe('jamii');
    expect(command.options.map((o: any) => o.name)).toEqual(expect.arrayContaining(['pending', 'show', 'approve', 'edit', 'reject', 'help']));
  });

  it('posts the approved reply once, in the member\'s thread, as a reply to the member\'s message, pinging no one', async () => {
    const { messageId, card, draftId, cardMessageId } = await askInThread('How do I reset my password on the app?');
    expect(card.body.embeds[0].title).toContain(`#${draftId}`);
    expect(buttonsOf(card)).toEqual([`approve:${draftId}`, `edit:${draftId}`, `reject:${draftId}`]);

    const press = buttonPress(MANAGER, cardMessageId, `approve:${draftId}`);
    fake.dispatch('INTERACTION_CREATE', press);
    fake.dispatch('INTERACTION_CREATE', buttonPress(MANAGER, cardMessageId, `approve:${draftId}`)); // a double click
    const reply = await waitFor(async () => fake.posts(FAKE_DISCORD.threadId)[0], 15_000, 'reply in the thread');
    await settle();
    expect(fake.posts(FAKE_DISCORD.threadId)).toHaveLength(1);
    expect(reply.body.message_reference).toEqual({ message_id: messageId, fail_if_not_exists: false });
    expect(reply.body.allowed_mentions.parse).toEqual([]);
    // The presser got a private answer within the deadline; the card was edited in place.
    expect(callbackFor(press)[0]!.body.data.flags & 64).toBe(64);
    await waitFor(async () => fake.callsTo('PATCH', new RegExp(`/channels/${FAKE_DISCORD.deskChannelId}/messages/${cardMessageId}$`)).at(-1), 10_000, 'card edited');
    const edits = fake.callsTo('PATCH', new RegExp(`/messages/${cardMessageId}$`));
    expect(edits.at(-1)!.body.components).toEqual([]);
    // The card now says who decided.
    expect(JSON.stringify(edits.at(-1)!.body.embeds)).toContain(MANAGER.username);
  });

  it('opens the Edit modal prefilled with the draft and posts the edited text', async () => {
    const { draftId, cardMessageId } = await askInThread('Where can I find the delivery schedule?');
    const press = buttonPress(MANAGER, cardMessageId, `edit:${draftId}`);
    fake.dispatch('INTERACTION_CREATE', press);
    const modal = await waitFor(async () => callbackFor(press)[0], 5000, 'modal');
    expect(modal.body.type).toBe(9);
    expect(modal.body.data.custom_id).toBe(`edit-modal:${draftId}`);
    const draft = await app.jamii.store.drafts.get(draftId);
    expect(modal.body.data.components[0].components[0].value).toBe(draft!.text);

    fake.dispatch('INTERACTION_CREATE', modalSubmit(MANAGER, `edit-modal:${draftId}`, 'The schedule is pinned in #announcements.'));
    const reply = await waitFor(async () => fake.posts(FAKE_DISCORD.threadId)[0], 15_000, 'edited reply');
    expect(reply.body.content).toBe('The schedule is pinned in #announcements.');
  });

  it('/jamii edit with only a draft id opens the prefilled modal; with text it edits directly', async () => {
    const { draftId } = await askInThread('When does the cooperative meet?');
    const open = slashCommand(MANAGER, 'edit', String(draftId));
    fake.dispatch('INTERACTION_CREATE', open);
    const modal = await waitFor(async () => callbackFor(open)[0], 5000, 'modal');
    expect(modal.body.type).toBe(9);
    expect(modal.body.data.custom_id).toBe(`edit-modal:${draftId}`);

    fake.dispatch('INTERACTION_CREATE', slashCommand(MANAGER, 'edit', `${draftId} We meet every first Monday at 10:00.`));
    const reply = await waitFor(async () => fake.posts(FAKE_DISCORD.threadId)[0], 15_000, 'edited reply');
    expect(reply.body.content).toBe('We meet every first Monday at 10:00.');
  });

  it('rejects from the button and posts nothing', async () => {
    const { draftId, cardMessageId } = await askInThread('Why is the price so high this month?');
    fake.dispatch('INTERACTION_CREATE', buttonPress(MANAGER, cardMessageId, `reject:${draftId}`));
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(draftId)) === 'rejected', 10_000, 'rejected');
    await settle();
    expect(fake.posts(FAKE_DISCORD.threadId)).toHaveLength(0);
  });

  it('refuses a non-manager\'s button press privately, audits it, and leaves the draft pending', async () => {
    const { draftId, cardMessageId } = await askInThread('How do I change my delivery address?');
    const press = buttonPress(STRANGER, cardMessageId, `approve:${draftId}`);
    fake.dispatch('INTERACTION_CREATE', press);
    const answer = await waitFor(async () => callbackFor(press)[0], 5000, 'refusal');
    expect(answer.body.data.flags & 64).toBe(64);
    expect(await app.jamii.store.drafts.statusOf(draftId)).toBe('pending');
    const audit = await app.jamii.db.sql.executeSql(`select actor, subject from audit_log where action = 'access.refused'`, []);
    expect(audit.rows.map((a: { actor: string }) => a.actor)).toContain(`discord:${STRANGER.id}`);
    expect(fake.posts(FAKE_DISCORD.threadId)).toHaveLength(0);
  });

  it('/jamii pending answers in the desk with one line per draft and how to open it, without posting the cards again', async () => {
    const { draftId } = await askInThread('How do I join the farmers group?');
    const before = fake.posts(FAKE_DISCORD.deskChannelId).length;
    const command = slashCommand(MANAGER, 'pending');
    fake.dispatch('INTERACTION_CREATE', command);
    const answer = await waitFor(async () => callbackFor(command)[0], 5000, 'answer');
    expect(answer.body.type).toBe(4);
    expect(answer.body.data.content).toContain(`#${draftId}`);
    expect(answer.body.data.flags ?? 0).toBe(0);
    expect(answer.body.data.content).toContain(`/show ${draftId}`);
    await settle();
    expect(fake.posts(FAKE_DISCORD.deskChannelId)).toHaveLength(before);
  });
});
