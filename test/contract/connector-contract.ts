/**
 * The contract every connector passes, whatever its platform: ids survive a round trip, every
 * view the core produces renders within the platform's limits without losing what the manager
 * must see, and every recorded platform payload under `test/fixtures/<platform>/` parses.
 * A connector's contract test calls `connectorContract` with its adapter functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandSummary } from '../../src/core/commands/command-registry.js';
import { cardText, cardView } from '../../src/core/desk-cards.js';
import type { CardView, ChatRef, DraftWithMessage, OutboundPost, Platform } from '../../src/core/types.js';
import { createFakeStore, type SeedDraft } from '../support/fakes.js';

export const FIXTURES_ROOT = path.resolve(import.meta.dirname, '../fixtures');

export interface ConnectorUnderTest<Rendered> {
  platform: Platform;
  ids: {
    /** Chat references the platform produces: groups, private chats, threads. */
    chats: ChatRef[];
    messageIds: string[];
    /** Encodes to the platform's form and back. */
    roundTripChat(ref: ChatRef): ChatRef;
    roundTripMessageId(id: string): string;
    /** Ids the platform never produces; encoding them must throw rather than guess. */
    invalidChatIds: string[];
  };
  render: {
    /** A card as the platform shows it (one message: cards are edited in place). */
    card(view: CardView): Rendered[];
    /** A reply, notice or command answer, split as the platform needs. */
    text(text: string): Rendered[];
    /** How one rendered message breaks the platform's limits; [] when it does not. */
    violations(part: Rendered): string[];
    /** What a reader sees (markup removed). */
    visibleText(part: Rendered): string;
    /** The action ids the message's buttons send back. */
    actionIds(part: Rendered): string[];
  };
  fixtures: {
    /** Turns a recorded payload into the connector's event; throws when it cannot. */
    parse(payload: unknown): unknown;
  };
}

/** A recorded platform payload, with what parsing it must yield (a subset). */
export interface Fixture {
  description: string;
  payload: unknown;
  expected?: unknown;
}

const NASTY = 'Bei <b>ni</b> & "nini"? *bold* _it_ `code` [link](http://x) \u202Eמימין\u202C 👩🏽‍🌾🌽 \\ </blockquote>';
const LONG_WORDS = Array.from({ length: 1400 }, (_, i) => `word${i}`).join(' ');
const LONG_LINES = Array.from({ length: 300 }, (_, i) => `Line ${i}: ${'x'.repeat(40)} 🌍`).join('\n');
const NO_SPACES = '🌽'.repeat(3000) + 'a'.repeat(5000);

/** Every card state the core can show, built by the core's own `cardView`. */
export function coreCards(): Array<{ name: string; view: CardView }> {
  const store = createFakeStore();
  const decided = { decidedBy: 'telegram:1', decidedByName: 'Amina Manager', decidedAt: new Date('2026-05-01T10:00:00Z') };
  const delivery = (status: OutboundPost['status']): OutboundPost => ({
    id: 1, kind: 'reply', target: { platform: 'sandbox', chatId: 'general' }, replyToMessageId: '1', text: 'x', card: null, poll: null, image: null, draftId: 1,
    status, attempts: 1, platformMessageId: null, claimedAt: null, waitUntil: null,
  });
  const seed = (s: SeedDraft): DraftWithMessage => store.seedDraft(s);
  const cards: Array<{ name: string; view: CardView }> = [
    { name: 'pending', view: cardView(seed({})) },
    { name: 'pending negative', view: cardView(seed({ kind: 'negative', reason: 'Negative (severity 3): angry words' })) },
    { name: 'approved, posting', view: cardView(seed({ status: 'approved', ...decided }), delivery('sending')) },
    { name: 'approved, waiting for a busy chat', view: cardView(seed({ status: 'approved', ...decided }), { ...delivery('pending'), waitUntil: new Date('2026-05-01T10:01:00Z') }) },
    { name: 'approved, unconfirmed', view: cardView(seed({ status: 'approved', ...decided }), delivery('unconfirmed')) },
    { name: 'approved, failed', view: cardView(seed({ status: 'approved', ...decided }), delivery('failed')) },
    { name: 'edited', view: cardView(seed({ status: 'edited', text: 'Edited reply.', originalText: 'Draft.', ...decided })) },
    { name: 'sent', view: cardView(seed({ status: 'sent', ...decided }), delivery('sent')) },
    { name: 'rejected with a reason', view: cardView(seed({ status: 'rejected', ...decided, decisionNote: 'off topic' })) },
    { name: 'expired', view: cardView(seed({ status: 'expired' })) },
    { name: 'news post, pending', view: cardView({ ...seed({ kind: 'news', text: 'Market opens at 8.' }), message: null }) },
    { name: 'news post, published', view: cardView({ ...seed({ kind: 'news', text: 'Market opens at 8.', status: 'sent', ...decided }), message: null }, delivery('sent')) },
    { name: 'a member who calls themselves Jamii', view: cardView(seed({ message: { author: { id: 'jamii', displayName: 'Jamii', isBot: false } } })) },
    { name: 'markup characters everywhere', view: cardView(seed({ text: NASTY, reason: NASTY, message: { text: NASTY, author: { displayName: NASTY }, chatTitle: NASTY } })) },
    { name: 'longest edited reply and a long quote', view: cardView(seed({ status: 'edited', text: LONG_WORDS.slice(0, 4096), ...decided, message: { text: LONG_LINES } })) },
    { name: 'long pending draft without spaces', view: cardView(seed({ text: NO_SPACES.slice(0, 1900), message: { text: NO_SPACES } })) },
    { name: 'huge draft id', view: cardView(seed({})) },
  ];
  const huge = cards.at(-1)!.view;
  cards[cards.length - 1] = { name: 'huge draft id', view: { ...huge, draftId: 999_999_999, title: huge.title.replace(/#\d+/, '#999999999'), actions: huge.actions.map((a) => ({ ...a, id: a.id.replace(/\d+$/, '999999999') })) } };
  return cards;
}

/** Notices and command answers the core posts, plus texts at and beyond every limit. */
export function coreTexts(): Array<{ name: string; text: string }> {
  const help = ['Jamii commands:', ...COMMANDS.map((c) => `${c.usage} — ${commandSummary(c)}`)].join('\n');
  return [
    { name: 'help', text: help },
    { name: 'refusal', text: 'Only a manager of this community can do that.' },
    { name: 'unconfirmed notice', text: '⚠ Draft #12: telegram did not confirm the reply (timeout). It may or may not be in the chat. Check, and send /retry 12 if it is missing.' },
    { name: 'markup characters', text: NASTY },
    { name: 'exactly 4096', text: 'a'.repeat(4096) },
    { name: 'long words', text: LONG_WORDS },
    { name: 'long lines', text: LONG_LINES },
    { name: 'no spaces, emoji at the cut', text: NO_SPACES },
    { name: 'a card as plain text', text: cardText(coreCards()[0]!.view) },
  ];
}

const squash = (s: string) => s.replace(/\s+/g, '');

export function connectorContract<Rendered>(c: ConnectorUnderTest<Rendered>): void {
  describe(`${c.platform} connector contract`, () => {
    describe('ids', () => {
      it.each(c.ids.chats.map((ref) => [JSON.stringify(ref), ref] as const))('round-trips chat %s', (_name, ref) => {
        expect(c.ids.roundTripChat(ref)).toEqual(ref);
      });
      it.each(c.ids.messageIds)('round-trips message id %s', (id) => {
        expect(c.ids.roundTripMessageId(id)).toBe(id);
      });
      it.each(c.ids.invalidChatIds)('refuses the invalid chat id %j', (chatId) => {
        expect(() => c.ids.roundTripChat({ platform: c.platform, chatId })).toThrow();
      });
    });

    describe('rendering core views within the platform limits', () => {
      it.each(coreCards().map((x) => [x.name, x.view] as const))('card: %s', (_name, view) => {
        const parts = c.render.card(view);
        expect(parts).toHaveLength(1);
        const part = parts[0]!;
        expect(c.render.violations(part)).toEqual([]);
        const visible = c.render.visibleText(part);
        expect(visible).toContain(`#${view.draftId}`);
        for (const f of view.fields.filter((x) => x.label === 'Status')) expect(visible).toContain(f.value);
        // The quote says whose it is by the author flag: a member named like the bot is a member.
        expect(visible).toContain(view.quoteLabel);
        // The body's heading follows the draft: a decided card never says "would be posted".
        expect(visible).toContain(view.bodyLabel);
        if (view.status !== 'pending') expect(visible).not.toMatch(/would be (posted|published)/);
        // The reply text is shown from its start (clipped only when the whole card cannot fit).
        expect(squash(visible)).toContain(squash(view.body.slice(0, 200)));
        expect(c.render.actionIds(part)).toEqual(view.actions.map((a) => a.id));
      });

      it.each(coreTexts().map((x) => [x.name, x.text] as const))('text: %s', (_name, text) => {
        const parts = c.render.text(text);
        expect(parts.length).toBeGreaterThan(0);
        for (const part of parts) expect(c.render.violations(part)).toEqual([]);
        // Nothing is lost or reordered by splitting (separators at the cuts may go).
        expect(squash(parts.map((p) => c.render.visibleText(p)).join(''))).toBe(squash(text));
      });
    });

    describe('recorded payloads', () => {
      const dir = path.join(FIXTURES_ROOT, c.platform);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
      it('has fixtures', () => {
        expect(files.length).toBeGreaterThan(0);
      });
      it.each(files)('parses %s', (file) => {
        const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture;
        expect(fixture.description, 'a fixture says what it is').toBeTruthy();
        const parsed = c.fixtures.parse(fixture.payload);
        if (fixture.expected !== undefined) expect(JSON.parse(JSON.stringify(parsed))).toMatchObject(fixture.expected as object);
      });
    });
  });
}
