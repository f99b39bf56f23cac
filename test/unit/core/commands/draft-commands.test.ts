import { beforeEach, describe, expect, it } from 'vitest';
import { DRAFTS_PER_COMMAND_MAX, type CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import { createFakeCommands, createFakeCore, invoker, type FakeCore } from '../../../support/fakes.js';

let core: FakeCore;
let commands: CommandDispatcher;

const alice = invoker('alice', 'Alice');

beforeEach(() => {
  core = createFakeCore();
  commands = createFakeCommands(core);
  core.store.grant('sandbox', 'alice', 'alpha', 'manager');
});

const statusOf = (id: number) => core.store.state.drafts.get(id)!.status;
const noteOf = (id: number) => core.store.state.drafts.get(id)!.decisionNote;

describe('commands on several drafts', () => {
  it('approves every draft of /approve 5 6, and answers once with what happened to each', async () => {
    const [a, b] = [core.store.seedDraft(), core.store.seedDraft()];
    const reply = await commands.dispatchText(alice, `/approve ${a.id} ${b.id}`);
    expect([statusOf(a.id), statusOf(b.id)]).toEqual(['approved', 'approved']);
    expect(reply).toEqual({ text: [`Approved 2 of 2 drafts (by Alice):`, `✅ #${a.id} approved; posting it now.`, `✅ #${b.id} approved; posting it now.`].join('\n') });
  });

  it('takes ids separated by commas and with #, once each', async () => {
    const [a, b, c] = [core.store.seedDraft(), core.store.seedDraft(), core.store.seedDraft()];
    const reply = await commands.dispatchText(alice, `/approve #${a.id},${b.id}, #${c.id} ${a.id}`);
    expect([a, b, c].map((d) => statusOf(d.id))).toEqual(['approved', 'approved', 'approved']);
    expect(reply!.text.split('\n')).toHaveLength(4);
  });

  it('says which ids failed and why, still deciding the others', async () => {
    const a = core.store.seedDraft();
    const decided = core.store.seedDraft();
    await commands.dispatchText(alice, `/approve ${decided.id}`);
    const reply = await commands.dispatchText(alice, `/approve ${a.id} 999 ${decided.id}`);
    expect(statusOf(a.id)).toBe('approved');
    const lines = reply!.text.split('\n');
    expect(lines[0]).toBe('Approved 1 of 3 drafts (by Alice):');
    expect(lines[1]).toBe(`✅ #${a.id} approved; posting it now.`);
    expect(lines[2]).toBe('⚠ There is no draft #999.');
    expect(lines[3]).toMatch(new RegExp(`^⚠ Draft #${decided.id} was already approved by Alice`));
    expect(reply!.ephemeral).toBeUndefined();
  });

  it('answers only the invoker when none of the drafts could be decided', async () => {
    const reply = await commands.dispatchText(alice, '/approve 998 999');
    expect(reply).toEqual({ text: ['Approved 0 of 2 drafts (by Alice):', '⚠ There is no draft #998.', '⚠ There is no draft #999.'].join('\n'), ephemeral: true });
  });

  it('names the draft when the refusal does not (a draft of a community the invoker does not manage)', async () => {
    const mine = core.store.seedDraft();
    const theirs = core.store.seedDraft({ communityId: 'beta', message: { communityId: 'beta' } });
    const reply = await commands.dispatchText(alice, `/reject ${mine.id} ${theirs.id}`);
    expect(reply!.text.split('\n')).toEqual(['Rejected 1 of 2 drafts (by Alice):', `🗑 #${mine.id} rejected. Nothing was posted.`, `⚠ #${theirs.id}: Only a manager of this community can do that.`]);
    expect(statusOf(theirs.id)).toBe('pending');
  });

  it('refuses /approve 5 abc with the usage and decides nothing', async () => {
    const a = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/approve ${a.id} abc`);
    expect(reply).toEqual({ text: '"abc" is not a draft number. Usage: /approve ID [ID…]', ephemeral: true });
    expect(statusOf(a.id)).toBe('pending');
    expect(await commands.dispatchText(alice, `/show ${a.id} 7x`)).toEqual({ text: '"7x" is not a draft number. Usage: /show ID [ID…]', ephemeral: true });
    expect(await commands.dispatchText(alice, `/retry ${a.id},x`)).toEqual({ text: `"${a.id},x" is not a draft number. Usage: /retry ID [ID…]`, ephemeral: true });
  });

  it(`refuses more than ${DRAFTS_PER_COMMAND_MAX} drafts at once`, async () => {
    const ids = Array.from({ length: DRAFTS_PER_COMMAND_MAX + 1 }, (_, i) => i + 1).join(' ');
    expect(await commands.dispatchText(alice, `/reject ${ids}`)).toEqual({
      text: `That is ${DRAFTS_PER_COMMAND_MAX + 1} drafts; give at most ${DRAFTS_PER_COMMAND_MAX} at once. Usage: /reject ID [ID…] [reason]`,
      ephemeral: true,
    });
  });

  it('rejects several drafts with one reason; a reason starting with a number comes after a colon', async () => {
    const [a, b, c] = [core.store.seedDraft(), core.store.seedDraft(), core.store.seedDraft()];
    await commands.dispatchText(alice, `/reject ${a.id} ${b.id} duplicate questions`);
    expect([statusOf(a.id), statusOf(b.id), noteOf(a.id), noteOf(b.id)]).toEqual(['rejected', 'rejected', 'duplicate questions', 'duplicate questions']);
    await commands.dispatchText(alice, `/reject ${c.id}: ${a.id} already covers it`);
    expect(noteOf(c.id)).toBe(`${a.id} already covers it`);
  });

  it('never reads the reason typed on a card’s Reject button as more draft numbers', async () => {
    const [a, b] = [core.store.seedDraft(), core.store.seedDraft()];
    const reply = await commands.dispatchAction(alice, `reject:${a.id}`, `${b.id} people asked the same`);
    expect(reply.text).toBe(`🗑 Draft #${a.id} rejected by Alice. Nothing was posted.`);
    expect([statusOf(a.id), statusOf(b.id), noteOf(a.id)]).toEqual(['rejected', 'pending', `${b.id} people asked the same`]);
  });

  it('shows several drafts, a card each, and says which could not be shown', async () => {
    const [a, b] = [core.store.seedDraft(), core.store.seedDraft()];
    const reply = await commands.dispatchText(alice, `/show ${a.id} ${b.id} 999`);
    expect(reply!.text.split('\n')).toEqual(['Showing 2 of 3 drafts:', `Draft #${a.id}`, `Draft #${b.id}`, '⚠ There is no draft #999.']);
    expect(reply!.cards!.map((c) => c.draftId)).toEqual([a.id, b.id]);
  });
});
