import { beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, PENDING_LIST_MAX, type CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import { ERROR_MESSAGES } from '../../../../src/core/errors.js';
import { createFakeCommands, createFakeCore, invoker, listedDraftIds, type FakeCore } from '../../../support/fakes.js';

let core: FakeCore;
let commands: CommandDispatcher;

const alice = invoker('alice', 'Alice');
const member = invoker('amina', 'Amina');
const bruno = invoker('bruno', 'Bruno');

beforeEach(() => {
  core = createFakeCore();
  commands = createFakeCommands(core);
  core.store.grant('sandbox', 'alice', 'alpha', 'manager');
  core.store.grant('sandbox', 'bruno', 'beta', 'manager');
});

const statusOf = (id: number) => core.store.state.drafts.get(id)!.status;

describe('the command list', () => {
  it('declares each manager command once, with a usage that starts with its name', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(names).toEqual(['pending', 'show', 'approve', 'edit', 'confirm', 'reject', 'retry', 'learned', 'forget', 'kb', 'prompt', 'stats', 'complaints', 'export', 'feeds', 'news', 'spark', 'help']);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      expect(c.usage.startsWith(`/${c.name}`)).toBe(true);
      expect(c.role).toBe(['prompt', 'feeds'].includes(c.name) ? 'admin' : 'manager');
    }
  });

  it('answers /help with every command and its usage', async () => {
    const reply = await commands.dispatchText(alice, '/help');
    for (const c of COMMANDS) expect(reply!.text).toContain(`${c.usage} — ${c.summary}`);
  });

  it('says in /help which commands are for admins only', async () => {
    const lines = (await commands.dispatchText(alice, '/help'))!.text.split('\n');
    const adminOnly = lines.filter((l) => l.endsWith('(admins only)')).map((l) => l.split(' ')[0]);
    expect(adminOnly).toEqual(['/prompt', '/feeds']);
    expect(lines.find((l) => l.startsWith('/approve'))).not.toContain('admin');
  });
});

describe('dispatchText', () => {
  it('returns null for text that is not a command', async () => {
    expect(await commands.dispatchText(alice, 'How do I reset my password?')).toBeNull();
    expect(await commands.dispatchText(member, 'hello /approve 1')).toBeNull();
    expect(core.store.state.audit).toEqual([]);
  });

  it('answers an unknown command with a pointer to /help', async () => {
    expect(await commands.dispatchText(alice, '/frobnicate 12')).toEqual({ text: 'Unknown command /frobnicate. Type /help for the list.', ephemeral: true });
  });

  it('asks which draft when /approve has no id, with the usage', async () => {
    const reply = await commands.dispatchText(alice, '/approve');
    expect(reply).toEqual({ text: 'Which draft? Give its number. Usage: /approve ID [ID…]', ephemeral: true });
  });

  it('refuses /approve abc with the usage', async () => {
    const reply = await commands.dispatchText(alice, '/approve abc');
    expect(reply).toEqual({ text: '"abc" is not a draft number. Usage: /approve ID [ID…]', ephemeral: true });
  });

  it('refuses /edit 5 with no text, with the usage, and leaves the draft pending', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/edit ${draft.id}`);
    expect(reply).toEqual({ text: 'The new text is missing. Usage: /edit ID <new text>', ephemeral: true });
    expect(statusOf(draft.id)).toBe('pending');
  });

  it('approves with /approve ID', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/approve ${draft.id}`);
    expect(reply).toEqual({ text: `✅ Draft #${draft.id} approved by Alice; posting it now.` });
    expect(statusOf(draft.id)).toBe('approved');
  });

  it('accepts Telegram’s /approve@JamiiBot ID and a #ID', async () => {
    const a = core.store.seedDraft();
    const b = core.store.seedDraft();
    await commands.dispatchText(alice, `/approve@JamiiBot ${a.id}`);
    await commands.dispatchText(alice, `/approve #${b.id}`);
    expect([statusOf(a.id), statusOf(b.id)]).toEqual(['approved', 'approved']);
  });

  it('edits with /edit ID <text>, keeping the text’s line breaks', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/edit ${draft.id} Doors open at 9.\nBring your ticket.`);
    expect(reply!.text).toBe(`✏️ Draft #${draft.id} edited and approved by Alice; posting it now.`);
    expect(core.store.state.drafts.get(draft.id)).toMatchObject({ status: 'edited', text: 'Doors open at 9.\nBring your ticket.' });
  });

  it('rejects with /reject ID reason words, keeping the whole reason', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/reject ${draft.id} reason words`);
    expect(reply!.text).toBe(`🗑 Draft #${draft.id} rejected by Alice. Nothing was posted.`);
    expect(core.store.state.drafts.get(draft.id)).toMatchObject({ status: 'rejected', decisionNote: 'reason words' });
    expect(core.store.state.outbox.size).toBe(0);
  });

  it('rejects with /reject ID and no reason', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/reject ${draft.id}`);
    expect(core.store.state.drafts.get(draft.id)).toMatchObject({ status: 'rejected', decisionNote: null });
  });

  it('answers a second /approve with who approved it and when', async () => {
    const draft = core.store.seedDraft();
    await commands.dispatchText(alice, `/approve ${draft.id}`);
    const reply = await commands.dispatchText(alice, `/approve ${draft.id}`);
    expect(reply!.ephemeral).toBe(true);
    expect(reply!.text).toMatch(new RegExp(`^Draft #${draft.id} was already approved by Alice at 2025-03-01 09:30 UTC`));
  });

  it('answers an unknown draft id plainly', async () => {
    expect(await commands.dispatchText(alice, '/approve 999')).toEqual({ text: 'There is no draft #999.', ephemeral: true });
  });

  it('shows one draft with its card', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(alice, `/show ${draft.id}`);
    expect(reply!.text).toBe(`Draft #${draft.id}`);
    expect(reply!.cards).toHaveLength(1);
    expect(reply!.cards![0]).toMatchObject({ draftId: draft.id, body: draft.text, status: 'pending' });
  });
});

describe('/pending', () => {
  const negative = (severity: number) => ({ language: 'en', isQuestion: false, isNegative: true, severity, reasons: ['complaint'] });

  it('lists the pending drafts of the invoker’s communities only, most urgent first, with how long each has waited', async () => {
    const question = core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.clock.advance(20 * 60_000);
    const mild = core.store.seedDraft({ kind: 'negative', message: { text: 'A bit slow today', labels: negative(1) } });
    core.clock.advance(5 * 60_000);
    const angry = core.store.seedDraft({ kind: 'negative', message: { text: 'This is terrible, third time!!', labels: negative(3) } });
    core.clock.advance(60_000);
    core.store.seedDraft({ communityId: 'beta', message: { text: '¿Dónde está?' } });
    core.store.seedDraft({ status: 'approved' });

    const reply = await commands.dispatchText(alice, '/pending');

    expect(reply!.text).toBe(
      [
        '3 drafts waiting: 2 complaints, 1 question. Most urgent first:',
        `#${angry.id} complaint (severity 3) · in general · Amina: This is terrible, third time!! · waiting 1m`,
        `#${mild.id} complaint (severity 1) · in general · Amina: A bit slow today · waiting 6m`,
        `#${question.id} question · in general · Amina: Where is the venue? · waiting 26m`,
        `Open a card with /show ${angry.id}, or several with /show ${angry.id} ${mild.id}.`,
      ].join('\n'),
    );
    // Each draft's card is on the desk already: /pending does not post them again.
    expect(reply!.cards).toBeUndefined();
  });

  it('keeps each draft to one line: the first words of a long or multi-line message, folded and cut at a word', async () => {
    const long = core.store.seedDraft({ message: { text: 'Hello team,\n\nmy parcel from last week still has not arrived and the tracking page says nothing at all' } });
    const reply = await commands.dispatchText(alice, '/pending');
    expect(reply!.text.split('\n')).toEqual([
      '1 draft waiting: 1 question.',
      `#${long.id} question · in general · Amina: Hello team, my parcel from last week still has not arrived… · waiting 0s`,
      `Open its card with /show ${long.id}.`,
    ]);
  });

  it('lists one kind when asked, and says when none of it is waiting', async () => {
    const question = core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.store.seedDraft({ kind: 'negative', message: { text: 'So slow', labels: negative(2) } });
    expect((await commands.dispatchText(alice, '/pending questions'))!.text).toBe(`1 question waiting.\n#${question.id} question · in general · Amina: Where is the venue? · waiting 0s\nOpen its card with /show ${question.id}.`);
    expect((await commands.dispatchText(alice, '/pending complaint'))!.text).toMatch(/^1 complaint waiting\.\n#\d+ complaint \(severity 2\)/);
    expect((await commands.dispatchText(alice, '/pending posts'))!.text).toBe('No posts are waiting. 🎉');
    expect((await commands.dispatchText(alice, '/pending everything'))!.text).toBe('Usage: /pending [complaints|questions|posts]');
  });

  it(`shows the ${PENDING_LIST_MAX} most urgent and says how many there are`, async () => {
    for (let i = 0; i < PENDING_LIST_MAX + 2; i++) core.store.seedDraft();
    const reply = await commands.dispatchText(alice, '/pending');
    expect(reply!.text).toMatch(new RegExp(`^${PENDING_LIST_MAX + 2} drafts waiting: ${PENDING_LIST_MAX + 2} questions\\. The ${PENDING_LIST_MAX} most urgent:`));
    expect(listedDraftIds(reply)).toHaveLength(PENDING_LIST_MAX);
    expect(reply!.cards).toBeUndefined();
  });

  it('says so when nothing is waiting', async () => {
    expect((await commands.dispatchText(alice, '/pending'))!.text).toBe('No drafts are waiting. 🎉');
  });

  it('names the community of each draft for a manager of several', async () => {
    core.store.grant('sandbox', 'alice', 'beta', 'manager');
    const alpha = core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    const beta = core.store.seedDraft({ communityId: 'beta', message: { text: '¿Dónde está?' } });
    const lines = (await commands.dispatchText(alice, '/pending'))!.text.split('\n');
    expect(lines.slice(1, 3)).toEqual([`alpha · #${alpha.id} question · in general · Amina: Where is the venue? · waiting 0s`, `beta · #${beta.id} question · in general · Amina: ¿Dónde está? · waiting 0s`]);
  });
});

describe('roles', () => {
  it('refuses /approve from a non-manager and audits the attempt', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchText(member, `/approve ${draft.id}`);

    expect(reply).toEqual({ text: ERROR_MESSAGES.not_a_manager, ephemeral: true });
    expect(statusOf(draft.id)).toBe('pending');
    expect(core.store.auditOf('access.refused')).toEqual([
      {
        communityId: null,
        actor: 'sandbox:amina',
        action: 'access.refused',
        subject: 'command:approve',
        details: { args: String(draft.id), needed: 'manager', displayName: 'Amina' },
      },
    ]);
  });

  it('refuses every command, even /help and /pending, to a non-manager', async () => {
    for (const text of ['/help', '/pending', '/approve abc']) {
      expect(await commands.dispatchText(member, text)).toEqual({ text: ERROR_MESSAGES.not_a_manager, ephemeral: true });
    }
    expect(core.store.auditOf('access.refused')).toHaveLength(3);
  });

  it('lets an admin run manager commands', async () => {
    core.store.grant('sandbox', 'ada', 'alpha', 'admin');
    const draft = core.store.seedDraft();
    await commands.dispatchText(invoker('ada', 'Ada'), `/approve ${draft.id}`);
    expect(statusOf(draft.id)).toBe('approved');
  });

  it('refuses a manager of community beta a draft of community alpha, and audits it', async () => {
    const draft = core.store.seedDraft({ communityId: 'alpha' });
    const reply = await commands.dispatchText(bruno, `/approve ${draft.id}`);
    expect(reply).toEqual({ text: ERROR_MESSAGES.not_a_manager, ephemeral: true });
    expect(statusOf(draft.id)).toBe('pending');
    expect(core.store.auditOf('access.refused')).toEqual([expect.objectContaining({ communityId: 'alpha', actor: 'sandbox:bruno', subject: `draft:${draft.id}` })]);
  });
});

describe('dispatchAction (card buttons)', () => {
  it('approves through the same path as the typed command', async () => {
    const draft = core.store.seedDraft();
    const reply = await commands.dispatchAction(alice, `approve:${draft.id}`);
    expect(reply.text).toBe(`✅ Draft #${draft.id} approved by Alice; posting it now.`);
    expect(statusOf(draft.id)).toBe('approved');
    expect(core.store.auditOf('draft.approved')).toHaveLength(1);
  });

  it('passes the text typed after pressing Edit, and the reason after Reject', async () => {
    const a = core.store.seedDraft();
    const b = core.store.seedDraft();
    await commands.dispatchAction(alice, `edit:${a.id}`, 'New reply text');
    await commands.dispatchAction(alice, `reject:${b.id}`, 'off topic');
    expect(core.store.state.drafts.get(a.id)).toMatchObject({ status: 'edited', text: 'New reply text' });
    expect(core.store.state.drafts.get(b.id)).toMatchObject({ status: 'rejected', decisionNote: 'off topic' });
  });

  it('refuses an Edit or Reject text holding a NUL character with a clear reply, and leaves the draft pending', async () => {
    const draft = core.store.seedDraft();
    for (const [action, text] of [['edit', 'New\u0000reply'], ['reject', 'off\u0000topic']]) {
      const reply = await commands.dispatchAction(alice, `${action}:${draft.id}`, text);
      expect(reply).toEqual({ text: expect.stringContaining('NUL character'), ephemeral: true });
    }
    expect((await commands.dispatchText(alice, `/edit ${draft.id} New\u0000reply`))!.text).toContain('NUL character');
    expect(statusOf(draft.id)).toBe('pending');
  });

  it('asks for the text when Edit comes without any', async () => {
    const draft = core.store.seedDraft();
    expect((await commands.dispatchAction(alice, `edit:${draft.id}`)).text).toBe('The new text is missing. Usage: /edit ID <new text>');
  });

  it('refuses a button press from a non-manager and audits it', async () => {
    const draft = core.store.seedDraft();
    expect(await commands.dispatchAction(member, `approve:${draft.id}`)).toEqual({ text: ERROR_MESSAGES.not_a_manager, ephemeral: true });
    expect(core.store.auditOf('access.refused')).toHaveLength(1);
    expect(statusOf(draft.id)).toBe('pending');
  });

  it('refuses a malformed button id without touching anything', async () => {
    for (const id of ['approve', 'approve:abc', 'approve:12:extra', '']) {
      expect(await commands.dispatchAction(alice, id)).toEqual({ text: 'That button is not recognised.', ephemeral: true });
    }
  });

  it('answers a button for a command that does not exist like an unknown command', async () => {
    expect((await commands.dispatchAction(alice, 'launch:12')).text).toBe('Unknown command /launch. Type /help for the list.');
  });
});

describe('error boundary', () => {
  it('answers an unexpected failure with the generic message and logs it', async () => {
    const draft = core.store.seedDraft();
    core.store.drafts.get = async () => {
      throw new Error('socket hang up');
    };
    const reply = await commands.dispatchText(alice, `/approve ${draft.id}`);
    expect(reply).toEqual({ text: ERROR_MESSAGES.internal, ephemeral: true });
    expect(core.log.entries).toEqual([expect.objectContaining({ level: 'error', msg: 'command.failed', obj: expect.objectContaining({ command: 'approve' }) })]);
  });
});

describe('knowledge commands', () => {
  it('lists learned answers of the manager\'s communities only, and forgets one with an audit entry', async () => {
    const mine = await core.store.knowledge.learn({ communityId: 'alpha', question: 'Do you ship to Uganda?', answer: 'Yes, 5-7 days.', language: 'en', draftId: 3, createdBy: 'sandbox:alice' });
    const theirs = await core.store.knowledge.learn({ communityId: 'beta', question: '¿Abren el domingo?', answer: 'Sí.', language: 'es', draftId: 4, createdBy: 'sandbox:bruno' });
    const list = (await commands.dispatchText(alice, '/learned'))!.text;
    expect(list).toContain(`L${mine.id} · Q: Do you ship to Uganda?`);
    expect(list).not.toContain('domingo');
    expect((await commands.dispatchText(alice, `/forget L${theirs.id}`))!.text).toBe(`There is no learned answer L${theirs.id} in your communities.`);
    expect((await commands.dispatchText(alice, `/forget ${mine.id}`))!.text).toContain(`L${mine.id} removed`);
    expect(core.store.state.learned.map((e) => e.id)).toEqual([theirs.id]);
    expect(core.store.auditOf('knowledge.forgotten')).toMatchObject([{ communityId: 'alpha', actor: 'sandbox:alice', subject: `learned:${mine.id}` }]);
  });

  it('/forget takes the id a card cites (learned/L2), the id /learned lists (L2), or an older card\'s learned/<draft id>, and quotes what it removed', async () => {
    const first = await core.store.knowledge.learn({ communityId: 'alpha', question: 'Is there parking?', answer: 'Yes, behind the shop.', language: 'en', draftId: 7, createdBy: 'sandbox:alice' });
    const second = await core.store.knowledge.learn({ communityId: 'alpha', question: 'Do you open on Sunday?', answer: 'No, Monday to Saturday.', language: 'en', draftId: 9, createdBy: 'sandbox:alice' });
    const third = await core.store.knowledge.learn({ communityId: 'alpha', question: 'Can I pay in cash?', answer: 'Yes, at pickup.', language: 'en', draftId: 12, createdBy: 'sandbox:alice' });
    const [cited] = await core.store.knowledge.search('alpha', { terms: ['sunday'], limit: 1 });
    expect(cited?.source).toBe(`learned/L${second.id}`);

    const removed = (await commands.dispatchText(alice, `/forget ${cited!.source}`))!.text;
    expect(removed).toContain(`L${second.id} removed`);
    expect(removed).toContain('Q: Do you open on Sunday?');
    expect(removed).toContain('A: No, Monday to Saturday.');
    expect((await commands.dispatchText(alice, '/forget learned/12'))!.text).toContain(`L${third.id} removed`);
    expect(core.store.state.learned.map((e) => e.id)).toEqual([first.id]);
    expect((await commands.dispatchText(alice, '/forget learned/x'))!.text).toMatch(/^Which learned answer\?/);
  });

  it('refuses /forget and /kb from a member who is not a manager', async () => {
    const entry = await core.store.knowledge.learn({ communityId: 'alpha', question: 'Q?', answer: 'A.', language: 'en', draftId: 1, createdBy: 'x' });
    expect((await commands.dispatchText(member, `/forget ${entry.id}`))!.text).toBe(ERROR_MESSAGES.not_a_manager);
    expect((await commands.dispatchText(member, '/kb delivery'))!.text).toBe(ERROR_MESSAGES.not_a_manager);
    expect(core.store.state.learned).toHaveLength(1);
  });

  it('shows what /kb finds, with scores and sources, and says so when nothing matches', async () => {
    await core.store.knowledge.learn({ communityId: 'alpha', question: 'Do you ship to Uganda?', answer: 'Yes, 5-7 days.', language: 'en', draftId: 3, createdBy: 'sandbox:alice' });
    expect((await commands.dispatchText(alice, '/kb shipping to uganda'))!.text).toMatch(/^Best matches for "shipping to uganda":\n\d\.\d\d · learned\/L1\n {6}Yes, 5-7 days\.$/);
    expect((await commands.dispatchText(alice, '/kb'))!.text).toContain('Usage: /kb <question>');
    expect((await commands.dispatchText(alice, '/kb zebra'))!.text).toBe('Nothing in the knowledge base matches "zebra".');
  });
});
