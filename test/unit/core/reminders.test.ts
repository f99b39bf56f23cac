import { beforeEach, describe, expect, it } from 'vitest';
import { createReminders, REMIND_LINES_MAX, type Reminders } from '../../../src/core/reminders.js';
import type { Labels } from '../../../src/core/types.js';
import { createFakeCore, type FakeCore } from '../../support/fakes.js';

let core: FakeCore;
let reminders: Reminders;
const MINUTE = 60_000;

const negative = (severity: number): Labels => ({ language: 'en', isQuestion: false, isNegative: true, severity, reasons: ['complaint'] });
const notices = () => [...core.store.state.outbox.values()].filter((o) => o.kind === 'notice');
const start = (afterMinutes: number, beta = afterMinutes) =>
  createReminders({ store: core.store, communities: core.communities, deskPlatforms: () => ['sandbox'], clock: core.clock, log: core.log, afterMinutesOf: (id) => (id === 'beta' ? beta : afterMinutes) });

beforeEach(() => {
  core = createFakeCore();
  reminders = start(30);
});

describe('desk reminders', () => {
  it('names a question on its desk once it has waited 30 minutes, and only once', async () => {
    const question = core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.clock.advance(29 * MINUTE);
    expect(await reminders.remindDue()).toBe(0);
    expect(notices()).toEqual([]);

    core.clock.advance(MINUTE);
    expect(await reminders.remindDue()).toBe(1);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toMatchObject({ target: { platform: 'sandbox', chatId: 'desk' }, draftId: null, status: 'pending' });
    expect(notices()[0]!.text).toBe(
      [
        '⏰ A member is still waiting: this draft has no decision yet.',
        `#${question.id} question · in general · Amina: Where is the venue? · waiting 30m`,
        'Decide with the buttons on their cards, or see everything waiting with /pending.',
      ].join('\n'),
    );
    expect(core.store.jobs.of('send')).toEqual([{ outboxIds: [notices()[0]!.id] }]);
    expect(core.store.auditOf('drafts.reminded')).toMatchObject([{ actor: 'jamii', subject: 'community:alpha', details: { drafts: 1, named: [question.id], desks: 1 } }]);

    core.clock.advance(60 * MINUTE);
    expect(await reminders.remindDue()).toBe(0);
    expect(notices()).toHaveLength(1);
  });

  it('reminds of a severity-3 complaint after a third of the time, and lists it first', async () => {
    const mild = core.store.seedDraft({ kind: 'negative', message: { text: 'A bit slow today', labels: negative(1) } });
    core.clock.advance(20 * MINUTE);
    const angry = core.store.seedDraft({ kind: 'negative', message: { text: 'Third time my order is lost!!', labels: negative(3) } });
    core.clock.advance(10 * MINUTE);
    expect(await reminders.remindDue()).toBe(2);
    const lines = notices()[0]!.text.split('\n');
    expect(lines[0]).toBe('⏰ 2 drafts answering members have no decision yet (most urgent first):');
    expect(lines[1]).toBe(`#${angry.id} complaint (severity 3) · in general · Amina: Third time my order is lost!! · waiting 10m`);
    expect(lines[2]).toBe(`#${mild.id} complaint (severity 1) · in general · Amina: A bit slow today · waiting 30m`);
  });

  it('leaves out a draft whose message the member deleted, and says which drafts another member answered', async () => {
    const deleted = core.store.seedDraft({ message: { text: 'How do I pay?' } });
    core.store.state.messages.get(deleted.messageId!)!.deletedAt = core.clock.now();
    const answered = core.store.seedDraft({ message: { text: 'Where is the venue?' }, answeredByName: 'Ivy', answeredAt: core.clock.now() });
    core.clock.advance(30 * MINUTE);
    expect(await reminders.remindDue()).toBe(1);
    expect(notices()[0]!.text).toContain(`#${answered.id} question · in general · Amina: Where is the venue? · waiting 30m · answered by Ivy`);
    expect(notices()[0]!.text).not.toContain(`#${deleted.id}`);
  });

  it('tells each community its own drafts, on its own desk', async () => {
    core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.store.seedDraft({ communityId: 'beta', message: { text: '¿Dónde está?' } });
    core.clock.advance(31 * MINUTE);
    expect(await reminders.remindDue()).toBe(2);
    const byDesk = Object.fromEntries(notices().map((n) => [n.target.chatId, n.text]));
    expect(Object.keys(byDesk).sort()).toEqual(['desk', 'desk-beta']);
    expect(byDesk.desk).toContain('Where is the venue?');
    expect(byDesk.desk).not.toContain('¿Dónde está?');
    expect(byDesk['desk-beta']).toContain('¿Dónde está?');
  });

  it("keeps each community's own reminder time, and none where it is 0", async () => {
    core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.store.seedDraft({ communityId: 'beta', message: { text: '¿Dónde está?' } });
    const mixed = start(30, 90);
    core.clock.advance(31 * MINUTE);
    expect(await mixed.remindDue()).toBe(1);
    expect(notices().map((n) => n.target.chatId)).toEqual(['desk']);
    core.clock.advance(60 * MINUTE);
    expect(await mixed.remindDue()).toBe(1);
    expect(notices().map((n) => n.target.chatId)).toEqual(['desk', 'desk-beta']);

    core.store.seedDraft({ communityId: 'beta', message: { text: '¿Hay alguien?' } });
    core.clock.advance(24 * 60 * MINUTE);
    expect(await start(30, 0).remindDue()).toBe(0);
  });

  it('leaves decided drafts and posts alone, and does nothing when turned off', async () => {
    core.store.seedDraft({ status: 'approved' });
    core.store.seedDraft({ kind: 'news', message: undefined });
    core.clock.advance(120 * MINUTE);
    expect(await reminders.remindDue()).toBe(0);

    core.store.seedDraft({ message: { text: 'Anyone there?' } });
    core.clock.advance(120 * MINUTE);
    expect(await start(0).remindDue()).toBe(0);
    expect(notices()).toEqual([]);
  });

  it(`names at most ${REMIND_LINES_MAX} drafts in a notice and counts the rest`, async () => {
    for (let i = 0; i < REMIND_LINES_MAX + 3; i++) core.store.seedDraft({ message: { text: `Question ${i}?` } });
    core.clock.advance(45 * MINUTE);
    expect(await reminders.remindDue()).toBe(REMIND_LINES_MAX + 3);
    const text = notices()[0]!.text;
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(REMIND_LINES_MAX);
    expect(text).toContain('…and 3 more.');
  });

  it('names a backlog in one notice that counts it, not a notice a minute', async () => {
    for (let i = 0; i < 60; i++) core.store.seedDraft({ message: { text: `Question ${i}?` } });
    core.store.seedDraft({ kind: 'negative', message: { text: 'Nobody answers here!!', labels: negative(2) } });
    core.clock.advance(5 * 60 * MINUTE);
    expect(await reminders.remindDue()).toBe(61);
    expect(notices()).toHaveLength(1);
    const lines = notices()[0]!.text.split('\n');
    expect(lines[0]).toBe('⏰ 61 drafts answering members have no decision yet (most urgent first):');
    expect(lines[1]).toMatch(/^#\d+ complaint \(severity 2\) · in general · Amina: Nobody answers here!!/);
    expect(lines).toContain(`…and ${61 - REMIND_LINES_MAX} more.`);
    core.clock.advance(MINUTE);
    expect(await reminders.remindDue()).toBe(0);
    expect(notices()).toHaveLength(1);
  });

  it('leaves a community with no desk running here alone until it has one', async () => {
    core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.clock.advance(31 * MINUTE);
    const noDesk = createReminders({ store: core.store, communities: core.communities, deskPlatforms: () => ['telegram'], clock: core.clock, log: core.log, afterMinutesOf: () => 30 });
    expect(await noDesk.remindDue()).toBe(0);
    expect(notices()).toEqual([]);
    // The sandbox desk is up again: the draft was kept for it.
    expect(await reminders.remindDue()).toBe(1);
    expect(notices().map((n) => n.target.chatId)).toEqual(['desk']);
  });

  it('claims nothing when the notice cannot be written, so the next run reminds', async () => {
    core.store.seedDraft({ message: { text: 'Where is the venue?' } });
    core.clock.advance(31 * MINUTE);
    core.store.failNextTransaction(new Error('connection reset'));
    await expect(reminders.remindDue()).rejects.toThrow('connection reset');
    expect(notices()).toEqual([]);
    expect(await reminders.remindDue()).toBe(1);
    expect(notices()).toHaveLength(1);
  });
});
