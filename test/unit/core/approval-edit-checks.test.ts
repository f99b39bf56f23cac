import { beforeEach, describe, expect, it } from 'vitest';
import type { CommandDispatcher } from '../../../src/core/commands/command-registry.js';
import { heldEditVersion } from '../../../src/core/card-actions.js';
import { cardText, cardView } from '../../../src/core/desk-cards.js';
import { createFakeCommands, createFakeCore, invoker, type FakeCore } from '../../support/fakes.js';

let core: FakeCore;
let commands: CommandDispatcher;

const alice = invoker('alice', 'Alice');
const bea = invoker('bea', 'Bea');

beforeEach(() => {
  core = createFakeCore();
  commands = createFakeCommands(core);
  core.store.grant('sandbox', 'alice', 'alpha', 'manager');
  core.store.grant('sandbox', 'bea', 'alpha', 'manager');
});

const draftOf = (id: number) => core.store.state.drafts.get(id)!;
const posted = () => [...core.store.state.outbox.values()].filter((p) => p.kind === 'reply').map((p) => p.text);
const card = async (id: number) => cardView((await core.store.drafts.get(id))!);
/** The id of the Post anyway button on the draft's card as it is drawn now. */
const postAnyway = async (id: number) => (await card(id)).actions.find((a) => a.label === 'Post anyway')!.id;

/** Knowledge that links the brand's own site, as the community's files or learned answers would. */
function knowledgeLinking(url: string): void {
  core.store.state.learned.push({ id: 1, communityId: 'alpha', question: 'Where are the prices?', answer: `See ${url}`, language: 'en', draftId: null, createdBy: null, createdAt: core.clock.now() });
}

describe('a manager edit that fails the output checks', () => {
  it.each([
    ['@everyone the venue opens at 9', 'mass_mention'],
    ['<!channel> the venue opens at 9', 'mass_mention'],
    ['The venue opens at 9 <script>alert(1)</script>', 'markup_injection'],
    ['The venue opens at 9, tickets at https://free-tickets.example.net/claim', 'unknown_link'],
  ])('is saved but not posted: %j is flagged %s, and the answer says what and how to confirm', async (text, code) => {
    const draft = core.store.seedDraft();

    const reply = await commands.dispatchText(alice, `/edit ${draft.id} ${text}`);

    expect(reply!.text).toMatch(new RegExp(`^⚠️ Draft #${draft.id}: your edit is saved but NOT posted\\. It failed a check:\\n• ${code}: `));
    expect(reply!.text).toContain(`/confirm ${draft.id}`);
    expect(draftOf(draft.id)).toMatchObject({ status: 'pending', text, originalText: draft.text, heldEdit: { by: 'sandbox:alice', byName: 'Alice' } });
    expect(draftOf(draft.id).flags.every((f) => f.startsWith(`${code}: `))).toBe(true);
    expect(posted()).toEqual([]);
    expect(core.store.jobs.of('send')).toEqual([]);
    expect(core.store.jobs.of('desk-refresh')).toEqual([{ draftId: draft.id }]);
    expect(core.store.auditOf('draft.edit_held')[0]).toMatchObject({ actor: 'sandbox:alice', details: { before: draft.text, after: text, flags: draftOf(draft.id).flags } });
    expect(core.metrics.decisions).toEqual([]);
  });

  it('shows the edit and its flags on the card, with Post anyway instead of Approve', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} @here doors open at 9`);

    const view = await card(draft.id);

    expect(view.body).toBe('@here doors open at 9');
    expect(view.actions.map((a) => a.id)).toEqual([`confirm:${draft.id}:${heldEditVersion('@here doors open at 9')}`, `edit:${draft.id}`, `reject:${draft.id}`]);
    expect(view.actions[0]!.label).toBe('Post anyway');
    expect(cardText(view)).toMatch(/Edit held: Alice's edit at 2025-03-01 09:30 UTC failed a check, so it is not posted: mass_mention: /);
    expect(view.footer).toBe(`/confirm ${draft.id} · /edit ${draft.id} <new text> · /reject ${draft.id} [reason]`);
  });

  it('is not posted by a plain approve, typed or pressed', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} @everyone doors open at 9`);

    const typed = await commands.dispatchText(bea, `/approve ${draft.id}`);
    const pressed = await commands.dispatchAction(bea, `approve:${draft.id}`);

    for (const reply of [typed!, pressed]) {
      expect(reply).toMatchObject({ ephemeral: true });
      expect(reply.text).toContain(`holds Alice's edit, which failed a check (mass_mention: `);
      expect(reply.text).toContain(`/confirm ${draft.id}`);
    }
    expect(draftOf(draft.id).status).toBe('pending');
    expect(posted()).toEqual([]);
  });

  it('is posted exactly as written on a confirmation, by the command or the card button, once', async () => {
    const typed = core.store.seedDraft();
    const pressed = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${typed.id} @everyone doors open at 9`);
    await commands.dispatchText(alice, `/edit ${pressed.id} Tickets: https://free-tickets.example.net/claim`);

    const byCommand = await commands.dispatchText(bea, `/confirm ${typed.id}`);
    const button = await postAnyway(pressed.id);
    const byButton = await commands.dispatchAction(alice, button);
    const again = await commands.dispatchAction(alice, button);

    expect(byCommand!.text).toBe(`✏️ Draft #${typed.id}: edit confirmed by Bea despite its flags; posting it now.`);
    expect(byButton.text).toMatch(/^✏️ Draft #\d+: edit confirmed by Alice/);
    expect(again).toMatchObject({ ephemeral: true, text: expect.stringMatching(/was already edited and approved by Alice/) });
    expect(posted()).toEqual(['@everyone doors open at 9', 'Tickets: https://free-tickets.example.net/claim']);
    expect(draftOf(typed.id)).toMatchObject({ status: 'edited', decidedByName: 'Bea', heldEdit: { byName: 'Alice' } });
    expect(core.store.auditOf('draft.edited')[0]).toMatchObject({ actor: 'sandbox:bea', details: { confirmed: true, editedBy: 'sandbox:alice', flags: draftOf(typed.id).flags } });
    expect(core.metrics.decisions).toEqual(['edited', 'edited']);
    expect(cardText(await card(typed.id))).toMatch(/Posted despite: mass_mention: .* \(Alice's edit at .*, confirmed\)/);
  });

  it('is replaced by a later edit: a clean one posts at once and clears the flags', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} @everyone doors open at 9`);

    const reply = await commands.dispatchText(alice, `/edit ${draft.id} Doors open at 9.`);

    expect(reply!.text).toMatch(/edited and approved by Alice; posting it now/);
    expect(draftOf(draft.id)).toMatchObject({ status: 'edited', text: 'Doors open at 9.', flags: [], heldEdit: null });
    expect(posted()).toEqual(['Doors open at 9.']);
  });
});

describe('an edit held between reading a draft and deciding on it', () => {
  /** Bea's flagged edit lands right after the next decision has read the draft. */
  function beaEditsRightAfterTheNextRead(text: string): void {
    const drafts = core.store.drafts;
    const get = drafts.get.bind(drafts);
    drafts.get = async (id) => {
      const read = await get(id);
      drafts.get = get;
      await drafts.holdEdit(id, { text, flags: ['mass_mention: @everyone'], by: 'sandbox:bea', byName: 'Bea', at: core.clock.now() });
      return read;
    };
  }

  it('is not posted by an approval of the text read before it', async () => {
    const draft = core.store.seedDraft();
    beaEditsRightAfterTheNextRead('@everyone doors open at 9');

    const reply = await commands.dispatchAction(alice, `approve:${draft.id}`);

    expect(reply).toMatchObject({ ephemeral: true, text: `Draft #${draft.id} was just edited by Bea; nothing was posted. Read its card again (/show ${draft.id}) before deciding.` });
    expect(draftOf(draft.id)).toMatchObject({ status: 'pending', text: '@everyone doors open at 9' });
    expect(posted()).toEqual([]);
  });

  it('is not posted by a confirmation of the held edit it replaced', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} Tickets: https://free-tickets.example.net/claim`);
    const button = await postAnyway(draft.id);
    beaEditsRightAfterTheNextRead('@everyone doors open at 9');

    const reply = await commands.dispatchAction(alice, button);

    expect(reply.text).toMatch(/was just edited by Bea; nothing was posted/);
    expect(posted()).toEqual([]);
  });
});

describe('Post anyway pressed on a card drawn before the held edit was replaced', () => {
  it('posts nothing, says the edit changed, and refreshes the card; the refreshed card posts the edit it shows', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} Tickets: https://free-tickets.example.net/claim`);
    const aliceCard = await postAnyway(draft.id);
    await commands.dispatchText(bea, `/edit ${draft.id} @everyone doors open at 9`);
    const refreshes = core.store.jobs.of('desk-refresh').length;

    const reply = await commands.dispatchAction(alice, aliceCard);

    expect(reply).toMatchObject({ ephemeral: true });
    expect(reply.text).toBe(`Draft #${draft.id}: nothing was posted. The held edit changed since this card was drawn (it is Bea's now); the card is refreshed: read it before pressing Post anyway again.`);
    expect(posted()).toEqual([]);
    expect(draftOf(draft.id)).toMatchObject({ status: 'pending', text: '@everyone doors open at 9', heldEdit: { byName: 'Bea' } });
    expect(core.store.jobs.of('desk-refresh').slice(refreshes)).toEqual([{ draftId: draft.id }]);
    expect(core.store.auditOf('draft.edited')).toEqual([]);

    const refreshed = await postAnyway(draft.id);
    expect(refreshed).not.toBe(aliceCard);
    expect((await commands.dispatchAction(alice, refreshed)).text).toMatch(/^✏️ Draft #\d+: edit confirmed by Alice despite its flags/);
    expect(posted()).toEqual(['@everyone doors open at 9']);
  });

  it('treats a Post anyway without a version (a card drawn before buttons carried one) as out of date', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} @everyone doors open at 9`);

    const reply = await commands.dispatchAction(bea, `confirm:${draft.id}`);

    expect(reply.text).toMatch(/nothing was posted\. The held edit changed since this card was drawn \(it is Alice's now\); the card is refreshed/);
    expect(posted()).toEqual([]);
    expect(draftOf(draft.id).status).toBe('pending');
  });

  it('still lets a typed /confirm post the edit held now (typed after reading the current card)', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/edit ${draft.id} Tickets: https://free-tickets.example.net/claim`);
    await commands.dispatchText(bea, `/edit ${draft.id} @everyone doors open at 9`);

    expect((await commands.dispatchText(alice, `/confirm ${draft.id}`))!.text).toMatch(/edit confirmed by Alice despite its flags/);
    expect(posted()).toEqual(['@everyone doors open at 9']);
  });
});

describe('confirm', () => {
  it('refuses a draft with no held edit, flagged or not, and posts nothing', async () => {
    const clean = core.store.seedDraft();
    const flagged = core.store.seedDraft({ text: '@everyone hi', flags: ['mass_mention: @everyone'] });

    for (const id of [clean.id, flagged.id]) {
      const reply = await commands.dispatchText(alice, `/confirm ${id}`);
      expect(reply).toMatchObject({ ephemeral: true, text: `Draft #${id} holds no edit waiting for a confirmation: /confirm posts an edit that failed a check, after /edit.` });
    }
    expect(posted()).toEqual([]);
    expect(core.store.auditOf('draft.edited')).toEqual([]);
  });
});

describe('links in a manager edit', () => {
  it('passes any page on a host the knowledge links to, and a link of the proposed text', async () => {
    knowledgeLinking('https://kahawa.example/prices');
    const draft = core.store.seedDraft({ text: 'Our hours are at https://kahawa.example/hours' });

    await commands.dispatchText(alice, `/edit ${draft.id} New prices: kahawa.example/prices/2025 and https://kahawa.example/hours`);

    expect(draftOf(draft.id)).toMatchObject({ status: 'edited', flags: [] });
  });

  it('flags a shared host even when the knowledge links one page of it', async () => {
    knowledgeLinking('https://t.me/kahawa_official');
    const draft = core.store.seedDraft();

    await commands.dispatchText(alice, `/edit ${draft.id} Join https://t.me/free_nitro_giveaway`);

    expect(draftOf(draft.id).flags).toEqual(['unknown_link: https://t.me/free_nitro_giveaway is not in the sources']);
  });
});
