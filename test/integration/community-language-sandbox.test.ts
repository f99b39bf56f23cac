/** A German community end to end in the sandbox: `language: de` in the communities file, and the offline writers post in German. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

const MANAGER = { platform: 'sandbox' as const, userId: 'manager', displayName: 'Manager' };
const DESK = { platform: 'sandbox' as const, chatId: 'desk', direct: false };

describe('a community whose language is German (sandbox, offline writers)', () => {
  let server: FakeFeedServer;
  let t: TestJamii;
  let dir: string;
  // 09:02 in Berlin: the news slot is due.
  const now = new Date('2026-11-27T08:02:00Z');

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss });
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-de-'));
    const file = path.join(dir, 'jamii.config.yaml');
    writeFileSync(
      file,
      `communities:
  - id: kaffee
    name: Kaffee Kollektiv
    language: de
    default: true
    chats: { sandbox: [allgemein] }
    desk: { sandbox: desk }
    topics:
      keywords: [M-Pesa, delivery]
      description: Kaffee mit Lieferung
    feeds:
      - { url: "${server.url('/rss')}", name: Wire }
    news:
      schedule: "0 9 * * *"
      timezone: Europe/Berlin
      chats: [sandbox:allgemein]
`,
    );
    t = await startTestJamii({
      env: { JAMII_CONFIG: file, JAMII_FEEDS_ALLOW_PRIVATE: 'on', JAMII_FEED_TIMEOUT_SECONDS: '2', JAMII_MANAGERS: 'sandbox:manager' },
      start: { clock: { now: () => now } },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts language: de and proposes a news post written in German, with no fallback note', async () => {
    expect(t.jamii.config.communities[0]).toMatchObject({ id: 'kaffee', language: 'de' });
    await t.jamii.news.poller.pollDue();
    const [result] = await t.jamii.news.publisher.publishDue();
    expect(result).toMatchObject({ chat: 'sandbox:allgemein', outcome: 'proposed' });
    const draft = (await t.jamii.store.drafts.get(result!.draftId!))!;
    expect(draft.language).toBe('de');
    expect(draft.text).toMatch(/\nWeiterlesen \(Wire\): https:\/\/wire\.example\/mpesa-fees$/);
    expect(draft.text).not.toContain('Read more');
    expect(draft.reason).not.toMatch(/no de section/);
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card?.draftId === draft.id)?.card, 15_000, 'the news card');
    expect(card.body).toBe(draft.text);
  });

  it('writes a discussion starter in German when a manager asks for one', async () => {
    const reply = await t.jamii.commands.dispatchText(MANAGER, '/spark allgemein', DESK);
    const draftId = Number(/Spark #(\d+)/.exec(reply!.text)![1]);
    const draft = (await t.jamii.store.drafts.get(draftId))!;
    expect(draft).toMatchObject({ kind: 'spark', language: 'de' });
    // A new chat with no open question, posted news or topics: the general question, in German.
    expect(draft.text).toBe('👋 Woran arbeitet ihr diese Woche? Teilt eine Sache – ob groß oder klein.');
    expect(draft.reason).not.toMatch(/written in English/);
  });
});
