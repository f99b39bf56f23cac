/**
 * storeMany on each real database: a batch goes in as one array per column (unnest), so every
 * text a member can write must come back exactly — quotes, backslashes, braces and commas (array
 * literal syntax), the word NULL, empty-looking and multi-line text, emoji — with labels, nulls,
 * timestamps and redeliveries intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageToStore, Store } from '../../src/core/ports.js';
import type { Labels } from '../../src/core/types.js';
import type { Database } from '../../src/db/database.js';
import { DATABASES } from '../support/databases.js';
import { openTestStore } from '../support/harness.js';

const AWKWARD = [
  'He said "hi", then {left}',
  'C:\\path\\to\\file and a \\" escaped quote',
  'NULL',
  'null',
  ' ',
  '{}',
  '{"a": [1, 2]}',
  'line one\nline two\r\n\ttab',
  "it's Jamii's",
  'Привет, как дела? ¿Qué tal? Habari! 👍🏽🇰🇪',
  'a,b,c',
  '(1,2)',
];
const LABELS: Labels = { language: 'en', isQuestion: true, isNegative: false, severity: 0, reasons: ['asks with "a" question mark', 'back\\slash'] };
const AT = new Date('2026-05-04T10:11:12.345Z');

describe.each(DATABASES)('messages.storeMany on %s', (kind) => {
  let db: Database;
  let store: Store;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, store, close } = await openTestStore(kind, { id: 'c1', name: 'C1', language: 'en' }));
  });
  afterAll(() => close());

  const record = (id: string, text: string, extra: { labels?: Labels | null; replyTo?: string; threadId?: string; bot?: boolean } = {}): MessageToStore => ({
    communityId: 'c1',
    labels: extra.labels ?? null,
    inbound: {
      chat: { platform: 'sandbox', chatId: 'general', ...(extra.threadId ? { threadId: extra.threadId } : {}) },
      messageId: id,
      author: { id: extra.bot ? 'jamii' : 'amina', displayName: 'Amina', isBot: extra.bot ?? false },
      text,
      sentAt: AT,
      ...(extra.replyTo ? { replyToMessageId: extra.replyTo } : {}),
    },
  });

  it('stores awkward texts, labels, nulls and timestamps exactly', async () => {
    const batch = AWKWARD.map((text, i) => record(`awk-${i}`, text, i % 2 === 0 ? { labels: LABELS, replyTo: `r"${i}`, threadId: `t,${i}` } : { bot: true }));
    const refs = await store.messages.storeMany(batch);
    expect(refs.every((r) => r.inserted)).toBe(true);
    const stored = await store.messages.getMany(refs.map((r) => r.id));
    const byId = new Map(stored.map((m) => [m.platformMessageId, m]));
    AWKWARD.forEach((text, i) => {
      const m = byId.get(`awk-${i}`)!;
      expect(m.text).toBe(text);
      expect(m.sentAt.toISOString()).toBe(AT.toISOString());
      if (i % 2 === 0) {
        expect(m.labels).toEqual(LABELS);
        expect(m.replyToMessageId).toBe(`r"${i}`);
        expect(m.chat.threadId).toBe(`t,${i}`);
      } else {
        expect(m.labels).toBeNull();
        expect(m.replyToMessageId).toBeNull();
        expect(m.chat.threadId).toBeUndefined();
        expect(m.author.isBot).toBe(true);
      }
    });
  });

  it('stores a redelivered message once, also when it repeats inside one batch', async () => {
    const first = await store.messages.storeMany([record('dup-1', 'first'), record('dup-1', 'again, same batch'), record('dup-2', 'second')]);
    expect(first.map((r) => r.inserted)).toEqual([true, false, true]);
    expect(first[0]!.id).toBe(first[1]!.id);
    const again = await store.messages.storeMany([record('dup-2', 'redelivered'), record('dup-3', 'new')]);
    expect(again.map((r) => r.inserted)).toEqual([false, true]);
    expect(again[0]!.id).toBe(first[2]!.id);
    const [kept] = await store.messages.getMany([first[2]!.id]);
    expect(kept!.text).toBe('second');
  });

  it('keeps each author once: a new name replaces the old, last seen never moves back, first seen stays', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 4, 10, minute));
    const by = (id: string, name: string, minute: number, isBot = false): MessageToStore => ({
      communityId: 'c1',
      labels: null,
      inbound: { chat: { platform: 'telegram', chatId: 'g1' }, messageId: `mem-${id}-${minute}`, author: { id, displayName: name, isBot }, text: 'hi', sentAt: at(minute) },
    });
    await store.messages.storeMany([by('u"1', 'Amina "A", {NULL}', 10), by('u2', 'Jamii', 11, true)]);
    // Later: u"1 renamed, and a message of theirs from before arrives late (a redelivery of an older page).
    await store.messages.storeMany([by('u"1', 'Amina W.', 30), by('u"1', 'Amina W.', 5)]);
    const rows = (await db.sql.executeSql(
      `select platform_user_id, display_name, is_bot, first_seen_at, last_seen_at from members where platform = 'telegram' order by platform_user_id`,
      [],
    )).rows as Array<{ platform_user_id: string; display_name: string; is_bot: boolean; first_seen_at: Date | string; last_seen_at: Date | string }>;
    expect(rows.map((r) => ({ ...r, first_seen_at: new Date(r.first_seen_at).toISOString(), last_seen_at: new Date(r.last_seen_at).toISOString() }))).toEqual([
      { platform_user_id: 'u"1', display_name: 'Amina W.', is_bot: false, first_seen_at: at(10).toISOString(), last_seen_at: at(30).toISOString() },
      { platform_user_id: 'u2', display_name: 'Jamii', is_bot: true, first_seen_at: at(11).toISOString(), last_seen_at: at(11).toISOString() },
    ]);
  });

  it('links every message to its author’s row: members new in the batch, ones seen a moment ago, and the same user id on two platforms', async () => {
    const at = new Date(Date.UTC(2026, 4, 5, 9, 0));
    const by = (platform: 'telegram' | 'discord', user: string, messageId: string, seconds = 0): MessageToStore => ({
      communityId: 'c1',
      labels: null,
      inbound: { chat: { platform, chatId: 'g-auth' }, messageId, author: { id: user, displayName: `${platform} ${user}`, isBot: false }, text: 'hi', sentAt: new Date(at.getTime() + seconds * 1000) },
    });
    // Both new: written by the messages' statement itself.
    await store.messages.storeMany([by('telegram', 'same', 'auth-1'), by('discord', 'same', 'auth-2')]);
    // Seen a moment ago (known), next to a member new in this batch, twice.
    await store.messages.storeMany([by('telegram', 'same', 'auth-3', 5), by('telegram', 'fresh', 'auth-4', 5), by('telegram', 'fresh', 'auth-5', 6)]);
    const rows = (await db.sql.executeSql(
      `select m.platform_message_id, c.platform, a.platform as author_platform, a.platform_user_id
         from messages m join chats c on c.id = m.chat_id left join members a on a.id = m.author_id
        where m.platform_message_id like 'auth-%' order by m.platform_message_id`,
      [],
    )).rows as Array<{ platform_message_id: string; platform: string; author_platform: string | null; platform_user_id: string | null }>;
    expect(rows).toEqual([
      { platform_message_id: 'auth-1', platform: 'telegram', author_platform: 'telegram', platform_user_id: 'same' },
      { platform_message_id: 'auth-2', platform: 'discord', author_platform: 'discord', platform_user_id: 'same' },
      { platform_message_id: 'auth-3', platform: 'telegram', author_platform: 'telegram', platform_user_id: 'same' },
      { platform_message_id: 'auth-4', platform: 'telegram', author_platform: 'telegram', platform_user_id: 'fresh' },
      { platform_message_id: 'auth-5', platform: 'telegram', author_platform: 'telegram', platform_user_id: 'fresh' },
    ]);
    const fresh = (await db.sql.executeSql(`select last_seen_at from members where platform = 'telegram' and platform_user_id = 'fresh'`, [])).rows as Array<{ last_seen_at: Date | string }>;
    expect(fresh.map((r) => new Date(r.last_seen_at).toISOString())).toEqual([new Date(at.getTime() + 6000).toISOString()]);
  });

  it('writes the audit entry of a message in the same statement, once: none for a redelivery or a message without one', async () => {
    const withAudit = (id: string): MessageToStore => ({ ...record(id, 'how do I pay?', { labels: LABELS }), audit: { action: 'message.labelled', details: { labels: LABELS } } });
    const [first, plain] = await store.messages.storeMany([withAudit('aud-1'), record('aud-2', 'hello')]);
    await store.messages.storeMany([withAudit('aud-1')]);
    const entries = (await db.sql.executeSql(`select community_id, actor, action, subject, details from audit_log where subject in ($1, $2) order by id`, [`message:${first!.id}`, `message:${plain!.id}`])).rows;
    expect(entries).toEqual([{ community_id: 'c1', actor: 'jamii', action: 'message.labelled', subject: `message:${first!.id}`, details: { labels: LABELS } }]);
  });
});
