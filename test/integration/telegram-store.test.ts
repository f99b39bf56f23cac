/**
 * The store methods the Telegram connector added, on a real (embedded) Postgres: message edits,
 * chat activity, chat migration and member events.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Labels, Platform } from '../../src/core/types.js';
import type { Store } from '../../src/core/ports.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createStore } from '../../src/db/store.js';
import { pgliteTemplate } from '../support/harness.js';

let db: Database;
let store: Store;

beforeEach(async () => {
  db = await openDatabase({ databaseUrl: undefined, dataDir: '', memory: true, log: pino({ level: 'silent' }), pgliteLoadDataDir: await pgliteTemplate() });
  store = createStore({ db, communityOf: (_p: Platform, _id: string) => 'default', enqueuerFor: () => ({ enqueue: async () => undefined }) });
  await store.communities.upsert([{ id: 'default', name: 'Default', language: 'en' }]);
});

afterEach(async () => {
  await db.close();
});

const chat = (chatId: string) => ({ platform: 'telegram' as const, chatId });
const labels = (isQuestion: boolean): Labels => ({ language: 'en', isQuestion, isNegative: false, severity: 0, reasons: [] });
const store1 = (chatId: string, messageId: string, text: string) =>
  store.messages.storeMany([{ communityId: 'default', labels: labels(false), inbound: { chat: chat(chatId), messageId, author: { id: '7', displayName: 'Baraka', isBot: false }, text, sentAt: new Date('2026-05-01T10:00:00Z') } }]);
const rows = async (sql: string) => (await db.sql.executeSql(sql)).rows as Array<Record<string, unknown>>;

describe('messages.updateText', () => {
  it('replaces the text and labels of a stored message and ignores an older edit arriving late', async () => {
    const [ref] = await store1('-100', '5', 'hi');
    const edit = { chat: chat('-100'), platformMessageId: '5', text: 'hi, how do I pay?', labels: labels(true), editedAt: new Date('2026-05-01T10:05:00Z') };
    expect(await store.messages.updateText(edit)).toEqual({ id: ref!.id, applied: true });
    expect(await store.messages.updateText({ ...edit, text: 'stale', editedAt: new Date('2026-05-01T10:01:00Z') })).toEqual({ id: ref!.id, applied: false });
    const stored = await store.messages.get(ref!.id);
    expect(stored).toMatchObject({ text: 'hi, how do I pay?', labels: { isQuestion: true }, editedAt: new Date('2026-05-01T10:05:00Z') });
    expect(await rows('select needs_draft, is_question from messages')).toEqual([{ needs_draft: true, is_question: true }]);
  });

  it('returns null for a message never stored', async () => {
    expect(await store.messages.updateText({ chat: chat('-100'), platformMessageId: '404', text: 'x', labels: null, editedAt: new Date() })).toBeNull();
  });
});

describe('chats.setActive and chats.migrate', () => {
  it('marks a known chat inactive and active again, and reports an unknown one', async () => {
    await store1('-100', '1', 'a');
    expect(await store.chats.setActive(chat('-100'), false)).toBe(true);
    expect(await rows('select active from chats')).toEqual([{ active: false }]);
    expect(await store.chats.setActive(chat('-100'), true)).toBe(true);
    expect(await store.chats.setActive(chat('-999'), false)).toBe(false);
  });

  it('renames the chat when the new id is unknown', async () => {
    await store1('-5', '1', 'old words');
    await store.chats.migrate(chat('-5'), chat('-1005'));
    expect(await rows('select platform_chat_id from chats')).toEqual([{ platform_chat_id: '-1005' }]);
    const [again] = await store1('-1005', '1', 'old words');
    expect(again!.inserted).toBe(false);
  });

  it('merges the history into the new chat when messages already arrived under the new id', async () => {
    await store1('-5', '1', 'old group');
    await store1('-5', '2', 'old group again');
    await store1('-1005', '2', 'new supergroup');
    await store.memberEvents.record([{ chat: chat('-5'), member: { id: '7', displayName: 'Baraka', isBot: false }, kind: 'joined', at: new Date('2026-05-01T09:00:00Z') }]);
    // A news post waiting for approval in the old group, and a reply draft to each old message.
    const oldChat = (await rows(`select id from chats where platform_chat_id = '-5'`))[0]!.id as number;
    const post = { communityId: 'default', targetChatId: Number(oldChat), kind: 'news' as const, text: 'News', poll: null, reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'offline', model: null, sources: [], flags: [], details: {}, dedupeKey: 'news:x' };
    await store.drafts.insertPost(post);
    const [m1, m2] = (await rows(`select id from messages where chat_id = ${oldChat} order by id`)).map((r) => Number(r.id));
    const reply = { communityId: 'default', kind: 'question' as const, text: 'Reply', reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'offline' };
    await store.drafts.insertMany([{ ...reply, messageId: m1! }, { ...reply, messageId: m2! }]);
    await store.chats.migrate(chat('-5'), chat('-1005'));
    // Drafts follow: the post and the reply to the moved message go to the supergroup; the reply
    // to the message that stayed with the retired chat stays with it.
    expect(await rows(`select d.kind, d.message_id is null as post, c.platform_chat_id as chat from drafts d join chats c on c.id = d.target_chat_id order by d.id`)).toEqual([
      { kind: 'news', post: true, chat: '-1005' },
      { kind: 'question', post: false, chat: '-1005' },
      { kind: 'question', post: false, chat: '-5' },
    ]);
    const moved = await rows(`select c.platform_chat_id as chat, m.platform_message_id as id, m.text from messages m join chats c on c.id = m.chat_id order by m.id`);
    // Message 2 exists in both: the supergroup's copy stays, the old one stays with the retired chat.
    expect(moved).toEqual([
      { chat: '-1005', id: '1', text: 'old group' },
      { chat: '-5', id: '2', text: 'old group again' },
      { chat: '-1005', id: '2', text: 'new supergroup' },
    ]);
    expect(await rows(`select platform_chat_id, active from chats order by id`)).toEqual([
      { platform_chat_id: '-5', active: false },
      { platform_chat_id: '-1005', active: true },
    ]);
    expect(await rows(`select c.platform_chat_id as chat from member_events e join chats c on c.id = e.chat_id`)).toEqual([{ chat: '-1005' }]);
  });
});

describe('memberEvents.record', () => {
  it('stores each join or leave once', async () => {
    const e = { chat: chat('-100'), member: { id: '7', displayName: 'Baraka', isBot: false }, kind: 'joined' as const, at: new Date('2026-05-01T09:00:00Z') };
    await store.memberEvents.record([e, e]);
    await store.memberEvents.record([e, { ...e, kind: 'left', at: new Date('2026-05-02T09:00:00Z') }]);
    expect(await rows('select kind, display_name from member_events order by occurred_at')).toEqual([
      { kind: 'joined', display_name: 'Baraka' },
      { kind: 'left', display_name: 'Baraka' },
    ]);
  });
});
