/**
 * A chat's community follows the communities file: a chat first stored under one community and
 * later listed under another moves there at start (and in `chats.ensure`, whatever the chats
 * cache held), so its new messages, their drafts' knowledge and the sparks follow it. Drafts
 * already written stay with the community whose desk holds them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommunityDirectory, listedChats, type Community, type CommunityDirectory } from '../../src/core/communities.js';
import { gatherDraftContext } from '../../src/core/draft-context.js';
import type { MessageToStore, Store } from '../../src/core/ports.js';
import type { Labels } from '../../src/core/types.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSparksRepository } from '../../src/db/repositories/sparks-repository.js';
import { createStore } from '../../src/db/store.js';
import { chunkDocument } from '../../src/knowledge/markdown-chunker.js';
import { createOfflineProvider } from '../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../src/llm/prompt-registry.js';
import { DATABASES } from '../support/databases.js';
import { dropPostgresDatabase, freshPostgresUrl, pgliteTemplate, startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

const log = pino({ level: 'silent' });
const QUESTION: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: [], topic: null, needsReply: true, labeledBy: 'test' };
const ALPHA: Community = { id: 'alpha', name: 'Alpha', language: 'en', isDefault: true, chats: {}, desk: { sandbox: 'desk' } };
const ACME: Community = { id: 'acme', name: 'Acme', language: 'en', isDefault: false, chats: { sandbox: ['lounge'] }, desk: { sandbox: 'desk-acme' } };

describe.each(DATABASES)('a chat listed under another community on %s', (kind) => {
  let db: Database;
  let url: string | undefined;
  let seq = 0;

  beforeAll(async () => {
    url = kind === 'postgres' ? await freshPostgresUrl() : undefined;
    db = await openDatabase({ databaseUrl: url, dataDir: '', memory: true, log, ...(kind === 'pglite' ? { pgliteLoadDataDir: await pgliteTemplate() } : {}) });
  });
  afterAll(async () => {
    await db.close();
    if (url) await dropPostgresDatabase(url);
  });

  /** A store as a process with this communities file builds it. */
  const storeFor = (directory: CommunityDirectory): Store =>
    createStore({ db, communityOf: directory.communityOf, listedCommunityOf: directory.listedIn, enqueuerFor: () => ({ enqueue: async () => undefined }) });

  const message = (chatId: string, text: string): MessageToStore => ({
    communityId: 'unused',
    labels: QUESTION,
    inbound: { chat: { platform: 'sandbox', chatId }, messageId: `m${++seq}`, author: { id: 'amina', displayName: 'Amina', isBot: false }, text, sentAt: new Date('2026-11-27T06:00:00Z') },
  });

  const storeOne = async (store: Store, chatId: string, text: string) => {
    const [ref] = await store.messages.storeMany([message(chatId, text)]);
    return (await store.messages.get(ref!.id))!;
  };

  it('moves the chat at start: new messages, their drafts\' knowledge and sparks follow; drafts already written stay', async () => {
    // Day 1: only "alpha"; the bot sees "lounge", which falls to alpha, and drafts a reply there.
    const day1 = storeFor(createCommunityDirectory([ALPHA]));
    await day1.communities.upsert([ALPHA, ACME].map((c) => ({ id: c.id, name: c.name, language: c.language })));
    await day1.transaction((tx) => tx.knowledge.replaceFile('alpha', 'refunds.md', 'h1', chunkDocument('refunds.md', '# Refunds\nAlpha-internal refund policy: 90 days.')));
    await day1.transaction((tx) => tx.knowledge.replaceFile('acme', 'refunds.md', 'h2', chunkDocument('refunds.md', '# Refunds\nAcme refund policy: 14 days.')));
    const before = await storeOne(day1, 'lounge', 'Is there a refund policy?');
    expect(before.communityId).toBe('alpha');
    const [pending] = await day1.drafts.insertMany([
      { messageId: before.id, communityId: 'alpha', kind: 'question', text: 'Yes: 90 days.', reason: 'r', language: 'en', promptName: 'p', promptVersion: 'v1', provider: 'offline', model: null, sources: [], translation: null, flags: [] },
    ]);

    // Day 2: the communities file lists "lounge" under acme; the new process moves it at start.
    const directory = createCommunityDirectory([ALPHA, ACME]);
    const day2 = storeFor(directory);
    const moved = await day2.chats.assignListed(listedChats(directory.list()));
    expect(moved.map((m) => ({ chat: m.chat.ref.chatId, from: m.from, to: m.chat.communityId }))).toEqual([{ chat: 'lounge', from: 'alpha', to: 'acme' }]);
    expect(await day2.chats.assignListed(listedChats(directory.list()))).toEqual([]);

    const after = await storeOne(day2, 'lounge', 'What is your refund policy?');
    expect(after.communityId).toBe('acme');
    const context = await gatherDraftContext(
      { store: day2, provider: createOfflineProvider({ prompts: loadPromptRegistry() }), communities: directory, log, now: new Date('2026-11-27T06:00:01Z'), burstWindowSeconds: 0 },
      { ...after, labels: QUESTION },
    );
    expect(context?.passages.map((p) => p.text).join(' ')).toContain('Acme refund policy');
    expect(context?.passages.map((p) => p.text).join(' ')).not.toContain('Alpha-internal');
    expect((await createSparksRepository(db as never).chats(['acme'])).map((c) => c.ref.chatId)).toEqual(['lounge']);
    // The reply drafted on day 1 stays on alpha's desk, where its managers decide it.
    expect((await day2.drafts.get(pending!.id))?.communityId).toBe('alpha');
  });

  it('moves a listed chat in ensure when its stored community differs, whatever the chats cache held', async () => {
    const old = createCommunityDirectory([ALPHA]);
    let listing = old;
    // One store (one chats cache) whose communities file changes under it.
    const store = createStore({ db, communityOf: (p, id) => listing.communityOf(p, id), listedCommunityOf: (p, id) => listing.listedIn(p, id), enqueuerFor: () => ({ enqueue: async () => undefined }) });
    expect((await storeOne(store, 'porch', 'hello?')).communityId).toBe('alpha');
    expect((await storeOne(store, 'veranda', 'hi')).communityId).toBe('alpha');
    listing = createCommunityDirectory([ALPHA, { ...ACME, chats: { sandbox: ['porch'] } }]);
    expect((await storeOne(store, 'porch', 'anyone?')).communityId).toBe('acme');
    // A chat no community lists keeps the community it has.
    expect((await storeOne(store, 'veranda', 'still here')).communityId).toBe('alpha');
    listing = old;
    expect((await storeOne(store, 'porch', 'and now?')).communityId).toBe('acme');
  });
});

describe('a chat the communities file lists after Jamii has run', () => {
  it('has its new questions drafted on the listing community\'s desk after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-chat-move-'));
    const onDisk = { env: { JAMII_DATA_DIR: path.join(dir, 'data') }, start: { memoryDb: false } };
    const cardsIn = async (t: TestJamii, room: string) => (await t.messages(room)).filter((m) => m.card);
    let t: TestJamii | undefined;
    try {
      // Day 1, no communities file: "lounge" belongs to the default community.
      t = await startTestJamii(onDisk);
      await t.post('lounge', 'amina', 'How do I reset my password?');
      await waitFor(async () => (await cardsIn(t!, 'desk')).length === 1, 20_000, 'card on desk');
      await t.stop();
      t = undefined;

      // Day 2: the file lists "lounge" under acme, whose desk is desk-acme.
      const file = path.join(dir, 'communities.yaml');
      writeFileSync(file, 'communities:\n  - id: default\n    name: Default\n    default: true\n  - id: acme\n    name: Acme\n    chats:\n      sandbox: [lounge]\n');
      t = await startTestJamii({ ...onDisk, env: { ...onDisk.env, JAMII_CONFIG: file } });
      await t.post('lounge', 'bea', 'Where is my order?');
      await waitFor(async () => (await cardsIn(t!, 'desk-acme')).length === 1, 20_000, 'card on desk-acme');
      expect((await cardsIn(t, 'desk')).length).toBe(1);
    } finally {
      await t?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
