import { beforeEach, describe, expect, it } from 'vitest';
import { CARD_QUOTE_MAX_CHARS, cardText, cardView, formatTime } from '../../../src/core/desk-cards.js';
import type { DraftWithMessage, OutboundPost, OutboxStatus } from '../../../src/core/types.js';
import { createFakeStore, type FakeStore } from '../../support/fakes.js';

let store: FakeStore;
beforeEach(() => {
  store = createFakeStore();
});

const DECIDED_AT = new Date('2025-03-01T09:45:00Z');

function draft(overrides: Partial<DraftWithMessage> = {}): DraftWithMessage {
  const d = store.seedDraft({ message: { text: 'How do I reset my password?', chatTitle: 'General chat' } });
  return { ...d, ...overrides };
}

function decided(status: DraftWithMessage['status'], extra: Partial<DraftWithMessage> = {}): DraftWithMessage {
  return draft({ status, decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: DECIDED_AT, ...extra });
}

function reply(status: OutboxStatus): OutboundPost {
  return { id: 1, kind: 'reply', target: { platform: 'sandbox', chatId: 'general' }, replyToMessageId: 'm-1', text: 'x', card: null, poll: null, image: null, draftId: 1, status, attempts: 1, platformMessageId: null, claimedAt: null, waitUntil: null };
}

const statusField = (view: ReturnType<typeof cardView>) => view.fields.find((f) => f.label === 'Status')!.value;

describe('cardView', () => {
  it('shows a pending draft with the member’s message, the exact reply, the reason and three actions', () => {
    const d = draft();
    const view = cardView(d);
    expect(view).toEqual({
      draftId: d.id,
      title: `#${d.id} Question · sandbox · General chat`,
      status: 'pending',
      quote: 'How do I reset my password?',
      quoteAuthor: 'Amina',
      quoteFromBot: false,
      quoteLabel: 'Member Amina wrote',
      body: d.text,
      bodyLabel: 'Reply that would be posted',
      fields: [
        { label: 'Why', value: d.reason },
        { label: 'Sources', value: 'none: not grounded in the knowledge base' },
        { label: 'Status', value: 'Waiting for a decision' },
        { label: 'Drafted by', value: 'offline · offline-question v1+abcdef0' },
      ],
      footer: `/approve ${d.id} · /edit ${d.id} <new text> · /reject ${d.id} [reason]`,
      actions: [
        { id: `approve:${d.id}`, label: 'Approve', style: 'primary' },
        { id: `edit:${d.id}`, label: 'Edit', style: 'secondary' },
        { id: `reject:${d.id}`, label: 'Reject', style: 'danger' },
      ],
    });
  });

  it('lists the sources, the translation, who answered meanwhile, and the whole burst', () => {
    const base = draft({
      sources: [
        { source: 'faq.md', heading: 'Duka FAQ › How long does delivery take?' },
        { source: 'learned/4', heading: null },
      ],
      translation: 'Hello Amina, delivery takes 1-2 days.',
      answeredByName: 'Baraka',
      answeredAt: DECIDED_AT,
    });
    const later = store.seedMessage({ text: 'order 1234 btw', sentAt: new Date(base.message!.sentAt.getTime() + 5_000) });
    const view = cardView({ ...base, mergedMessageIds: [later.id], burst: [later] });
    expect(view.fields).toContainEqual({ label: 'Sources', value: 'faq.md › Duka FAQ › How long does delivery take?; learned/4' });
    expect(view.fields).toContainEqual({ label: 'Translation', value: 'Hello Amina, delivery takes 1-2 days.' });
    expect(view.fields).toContainEqual({ label: 'Answered', value: 'by Baraka at 2025-03-01 09:45 UTC: check before posting' });
    expect(view.quote).toBe('How do I reset my password?\norder 1234 btw');
    expect(view.title).toContain('· 2 messages');
  });

  it('keeps saying who answered when an answered draft expires, so it never expires silently', () => {
    const view = cardView(draft({ status: 'expired', answeredByName: 'Baraka', answeredAt: DECIDED_AT }));
    expect(statusField(view)).toBe('Expired without a decision (answered by Baraka)');
    expect(view.actions).toEqual([]);
  });

  it('says when the member deleted the message a draft answers', () => {
    const d = draft();
    const view = cardView({ ...d, message: { ...d.message!, deletedAt: DECIDED_AT } });
    expect(view.fields).toContainEqual({ label: 'Deleted', value: "the member's message was deleted at 2025-03-01 09:45 UTC: a reply would answer nothing visible" });
  });

  it('says when the member edited the message after the draft was written, and when it no longer reads as a question', () => {
    const d = draft();
    const after = new Date(d.createdAt.getTime() + 60_000);
    const edited = (text: string, isQuestion: boolean) => ({ ...d.message!, text, editedAt: after, labels: { ...d.message!.labels!, isQuestion } });
    const still = cardView({ ...d, message: edited('How do I reset my password on iOS?', true) });
    expect(still.quote).toBe('How do I reset my password on iOS?');
    expect(still.fields).toContainEqual({ label: 'Edited', value: `the member edited their message at ${formatTime(after)}, after this draft was written: the quote is the new text, check the reply still fits` });
    expect(still.actions.map((a) => a.id)).toContain(`approve:${d.id}`);
    const withdrawn = cardView({ ...d, message: edited('Never mind, found it. Thanks!', false) });
    expect(withdrawn.fields.find((f) => f.label === 'Edited')!.value).toMatch(/check the reply still fits; it no longer reads as a question or complaint$/);
    // A model drafted from its own reading: the rules' labels of the edit do not judge it.
    const byModel = cardView({ ...d, provider: 'openai', message: edited('I still cannot log in since yesterday', false) });
    expect(byModel.fields.find((f) => f.label === 'Edited')!.value).toMatch(/check the reply still fits$/);
    // An edit the draft was written from is no news.
    const before = cardView({ ...d, message: { ...d.message!, editedAt: new Date(d.createdAt.getTime() - 1000) } });
    expect(before.fields.map((f) => f.label)).not.toContain('Edited');
  });

  it('says when a message merged into the burst was edited after the draft', () => {
    const base = draft();
    const later = store.seedMessage({ text: 'order 1234 btw', sentAt: new Date(base.message!.sentAt.getTime() + 5_000) });
    const view = cardView({ ...base, mergedMessageIds: [later.id], burst: [{ ...later, editedAt: new Date(base.createdAt.getTime() + 60_000) }] });
    expect(view.fields.map((f) => f.label)).toContain('Edited');
  });

  it('offers no Approve on a flagged draft, and says what needs an edit', () => {
    const d = draft({ flags: ['mass_mention: @everyone'] });
    const view = cardView(d);
    expect(view.actions.map((a) => a.id)).toEqual([`edit:${d.id}`, `reject:${d.id}`]);
    expect(view.fields).toContainEqual({ label: 'Needs an edit', value: 'mass_mention: @everyone' });
    expect(view.footer).not.toContain('/approve');
  });

  it('titles negative feedback as such and falls back to the chat id without a title', () => {
    const d = store.seedDraft({ kind: 'negative', message: { chatTitle: null } });
    expect(cardView(d).title).toBe(`#${d.id} Negative feedback · sandbox · general`);
  });

  it(`clips a long message to ${CARD_QUOTE_MAX_CHARS} characters with an ellipsis`, () => {
    const d = store.seedDraft({ message: { text: 'x'.repeat(CARD_QUOTE_MAX_CHARS + 50) } });
    const quote = cardView(d).quote;
    expect(quote).toHaveLength(CARD_QUOTE_MAX_CHARS);
    expect(quote.endsWith('…')).toBe(true);
    expect(cardView(store.seedDraft({ message: { text: 'y'.repeat(CARD_QUOTE_MAX_CHARS) } })).quote).toBe('y'.repeat(CARD_QUOTE_MAX_CHARS));
  });

  it('drops the actions and footer once decided, and says who decided and when', () => {
    const view = cardView(decided('approved'), reply('pending'));
    expect(view.actions).toEqual([]);
    expect(view.footer).toBeNull();
    expect(statusField(view)).toBe('Approved by Alice at 2025-03-01 09:45 UTC · posting…');
  });

  it('says when an edited reply was approved and posted', () => {
    expect(statusField(cardView(decided('edited'), reply('sent')))).toBe('Edited and approved by Alice at 2025-03-01 09:45 UTC · posted');
    expect(statusField(cardView(decided('sent'), reply('sent')))).toBe('Approved by Alice at 2025-03-01 09:45 UTC · posted');
  });

  it.each(['unconfirmed', 'failed'] as const)('offers Retry when the reply is %s', (status) => {
    const d = decided('approved');
    const view = cardView(d, reply(status));
    expect(view.actions).toEqual([{ id: `retry:${d.id}`, label: 'Retry', style: 'secondary' }]);
    expect(statusField(view)).toContain('/retry');
  });

  it('shows a rejection with its reason, and an expiry', () => {
    expect(statusField(cardView(decided('rejected', { decisionNote: 'off topic' })))).toBe('Rejected by Alice at 2025-03-01 09:45 UTC: off topic');
    expect(statusField(cardView(decided('rejected')))).toBe('Rejected by Alice at 2025-03-01 09:45 UTC');
    const expired = cardView(draft({ status: 'expired' }));
    expect(statusField(expired)).toBe('Expired without a decision');
    expect(expired.actions).toEqual([]);
  });

  it('keeps button ids within Telegram’s 64-byte callback data for any draft id', () => {
    const view = cardView(draft({ id: 999_999_999 }));
    for (const a of view.actions) expect(Buffer.byteLength(a.id)).toBeLessThanOrEqual(64);
  });
});

describe('cardView: the heading over the reply follows the draft', () => {
  it.each([
    ['pending', () => cardView(draft()), 'Reply that would be posted'],
    ['approved, posting', () => cardView(decided('approved'), reply('sending')), 'Approved reply, being posted'],
    ['approved, waiting for a busy chat', () => cardView(decided('approved'), { ...reply('pending'), waitUntil: new Date('2025-03-01T09:46:00Z') }), 'Approved reply, waiting to be posted'],
    ['approved, unconfirmed', () => cardView(decided('approved'), reply('unconfirmed')), 'Reply sent, not confirmed by the platform'],
    ['approved, failed', () => cardView(decided('approved'), reply('failed')), 'Approved reply, not posted (failed)'],
    ['edited and sent', () => cardView(decided('edited', { text: 'New text.' }), reply('sent')), 'Reply posted'],
    ['sent', () => cardView(decided('sent'), reply('sent')), 'Reply posted'],
    ['rejected', () => cardView(decided('rejected', { decisionNote: 'off topic' })), 'Rejected reply (not posted)'],
    ['expired', () => cardView(draft({ status: 'expired' })), 'Expired reply (not posted)'],
  ])('%s', (_state, view, label) => {
    const card = view();
    expect(card.bodyLabel).toBe(label);
    expect(cardText(card)).toContain(`\n${label}:\n`);
    if (card.status !== 'pending') expect(cardText(card)).not.toContain('would be posted');
  });

  it.each([
    ['pending', 'pending', null, 'Post that would be published'],
    ['published', 'sent', 'sent', 'Post published'],
    ['rejected', 'rejected', null, 'Rejected post (not published)'],
    ['expired', 'expired', null, 'Expired post (not published)'],
  ] as const)('a post, %s', (_state, status, delivery, label) => {
    const post = draft({ kind: 'news', message: null, text: 'Market opens at 8.', status, ...(status === 'pending' || status === 'expired' ? {} : { decidedBy: 'sandbox:alice', decidedByName: 'Alice', decidedAt: DECIDED_AT }) } as Partial<DraftWithMessage>);
    expect(cardView(post, delivery ? reply(delivery) : null).bodyLabel).toBe(label);
  });
});

describe('cardView: who the card quotes', () => {
  it('marks a member as a member by the author flag, whatever they are called', () => {
    const view = cardView(draft({ message: { ...draft().message!, author: { id: 'jamii', displayName: 'Jamii', isBot: false } } }));
    expect(view).toMatchObject({ quoteFromBot: false, quoteLabel: 'Member Jamii wrote' });
    expect(cardText(view)).toContain('\nMember Jamii wrote:\n');
  });

  it('marks a post’s reason as the bot’s', () => {
    const view = cardView(draft({ kind: 'news', message: null, text: 'Market opens at 8.', reason: 'A new item on the wire.' } as Partial<DraftWithMessage>));
    expect(view).toMatchObject({ quoteFromBot: true, quoteLabel: 'Why Jamii proposes it', quote: 'A new item on the wire.' });
  });
});

describe('cardText', () => {
  it('renders the card as plain text: title, quoted message, reply, fields and footer', () => {
    const d = store.seedDraft({ message: { text: 'Line one\nLine two', chatTitle: 'General chat' } });
    expect(cardText(cardView(d)).split('\n')).toEqual([
      `#${d.id} Question · sandbox · General chat`,
      'Member Amina wrote:',
      '> Line one',
      '> Line two',
      '',
      'Reply that would be posted:',
      d.text,
      '',
      `Why: ${d.reason}`,
      'Sources: none: not grounded in the knowledge base',
      'Status: Waiting for a decision',
      'Drafted by: offline · offline-question v1+abcdef0',
      `/approve ${d.id} · /edit ${d.id} <new text> · /reject ${d.id} [reason]`,
    ]);
  });

  it('has no footer line once decided', () => {
    const text = cardText(cardView(decided('rejected')));
    expect(text).not.toContain('/approve');
    expect(text.split('\n').at(-1)).toMatch(/^Drafted by:/);
  });
});

describe('formatTime', () => {
  it('prints minutes in UTC', () => {
    expect(formatTime(new Date('2025-12-31T23:59:59.999Z'))).toBe('2025-12-31 23:59 UTC');
  });
});

describe('cardView: a post with a poll', () => {
  it('shows the poll in the body, and gives an edit form the text alone (the poll is posted as a poll)', () => {
    const spark = draft({ kind: 'spark', message: null, text: 'Quiet today! Quick poll:', poll: { question: 'Best market day?', options: ['Saturday', 'Sunday'] } } as Partial<DraftWithMessage>);
    const view = cardView(spark);
    expect(view.bodyLabel).toBe('Post that would be published');
    expect(view.body).toBe('Quiet today! Quick poll:\n\nBest market day?\n1. Saturday\n2. Sunday');
    expect(view.editText).toBe('Quiet today! Quick poll:');
  });

  it('needs no separate edit text for a reply or a post without a poll', () => {
    expect(cardView(draft()).editText).toBeUndefined();
    expect(cardView(draft({ kind: 'news', message: null, text: 'Market opens at 8.' } as Partial<DraftWithMessage>)).editText).toBeUndefined();
  });
});
