import { and, eq, sql } from 'drizzle-orm';
import type { ChatRecord, ChatsRepository } from '../../core/ports.js';
import type { ChatRef, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { chats, drafts, memberEvents, messageReactions, messages, newsPostedItems, newsSlots } from '../schema/index.js';

const toRecord = (r: typeof chats.$inferSelect): ChatRecord => ({
  id: r.id,
  communityId: r.communityId,
  ref: { platform: r.platform as Platform, chatId: r.platformChatId },
  title: r.title,
  active: r.active,
});

/** Chats known to exist, shared by every session of one store; filled only after commit. */
export type ChatCache = Map<string, ChatRecord>;

/** The community the configuration lists a chat under, or null when none lists it. */
export type ListedCommunityOf = (platform: Platform, chatId: string) => string | null;

const chatKey = (ref: ChatRef) => `${ref.platform}\u0000${ref.chatId}`;

export function createChatsRepository(s: DbSession, cache: ChatCache = new Map(), listedIn: ListedCommunityOf = () => null): ChatsRepository {
  /** Moves a chat to a community (its history goes with it; drafts keep theirs); returns it as it is now. */
  const moveTo = async (communityId: string, id: number): Promise<ChatRecord | null> => {
    const [row] = await s.orm.update(chats).set({ communityId, updatedAt: sql`now()` }).where(eq(chats.id, id)).returning();
    return row ? toRecord(row) : null;
  };

  return {
    async ensure(list, communityOf) {
      const unique = new Map<string, { ref: ChatRef; title?: string | undefined }>();
      const map = new Map<string, ChatRecord>();
      for (const c of list) {
        const key = chatKey(c.ref);
        const known = cache.get(key);
        const listed = listedIn(c.ref.platform, c.ref.chatId);
        // Known, in the community that lists it, and no new title to record: no statement needed.
        if (known && (c.title === undefined || c.title === known.title) && (listed === null || listed === known.communityId)) map.set(key, known);
        else unique.set(key, c);
      }
      if (unique.size === 0) return map;
      // Sorted by the conflict key: concurrent upserts from several processes lock rows in the same order.
      const values = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => ({
        platform: c.ref.platform,
        platformChatId: c.ref.chatId,
        title: c.title ?? null,
        communityId: listedIn(c.ref.platform, c.ref.chatId) ?? communityOf(c.ref),
      }));
      // One statement creates the new chats and returns every chat (new or known).
      const rows = await s.orm
        .insert(chats)
        .values(values)
        .onConflictDoUpdate({
          target: [chats.platform, chats.platformChatId],
          set: { title: sql`coalesce(excluded.title, ${chats.title})` },
          setWhere: sql`excluded.title is not null and excluded.title is distinct from ${chats.title}`,
        })
        .returning();
      // Keyed: a chat found, then moved, is cached as moved.
      const fresh = new Map<string, ChatRecord>();
      const put = (record: ChatRecord) => {
        map.set(chatKey(record.ref), record);
        fresh.set(chatKey(record.ref), record);
      };
      rows.map(toRecord).forEach(put);
      const missing = values.filter((v) => !map.has(`${v.platform}\u0000${v.platformChatId}`));
      if (missing.length > 0) {
        const found = await s.orm
          .select()
          .from(chats)
          .where(sql`(${chats.platform}, ${chats.platformChatId}) in (${sql.join(missing.map((m) => sql`(${m.platform}, ${m.platformChatId})`), sql`, `)})`);
        found.map(toRecord).forEach(put);
      }
      // A known chat the configuration now lists under another community moves there.
      for (const record of [...fresh.values()]) {
        const listed = listedIn(record.ref.platform, record.ref.chatId);
        if (listed === null || record.communityId === listed) continue;
        const moved = await moveTo(listed, record.id);
        if (moved) put(moved);
      }
      s.afterCommit(() => {
        for (const [key, r] of fresh) cache.set(key, r);
      });
      return map;
    },

    async assignListed(listed) {
      if (listed.length === 0) return [];
      const target = new Map(listed.map((l) => [chatKey(l.ref), l.communityId]));
      const stored = await s.orm
        .select()
        .from(chats)
        .where(sql`(${chats.platform}, ${chats.platformChatId}) in (${sql.join(listed.map((l) => sql`(${l.ref.platform}, ${l.ref.chatId})`), sql`, `)})`);
      const moved: Array<{ chat: ChatRecord; from: string }> = [];
      for (const record of stored.map(toRecord)) {
        const to = target.get(chatKey(record.ref));
        if (to === undefined || to === record.communityId) continue;
        const chat = await moveTo(to, record.id);
        if (chat) moved.push({ chat, from: record.communityId });
      }
      s.afterCommit(() => {
        for (const { chat } of moved) cache.delete(chatKey(chat.ref));
      });
      return moved;
    },

    async get(id) {
      const [row] = await s.orm.select().from(chats).where(eq(chats.id, id));
      return row ? toRecord(row) : null;
    },

    async listActive(platform) {
      const rows = await s.orm.select().from(chats).where(and(eq(chats.platform, platform), eq(chats.active, true)));
      return rows.map(toRecord);
    },

    async setActive(ref, active) {
      const rows = await s.orm
        .update(chats)
        .set({ active, updatedAt: sql`now()` })
        .where(and(eq(chats.platform, ref.platform), eq(chats.platformChatId, ref.chatId)))
        .returning({ id: chats.id });
      s.afterCommit(() => {
        const known = cache.get(`${ref.platform}\u0000${ref.chatId}`);
        if (known) known.active = active;
      });
      return rows.length > 0;
    },

    async migrate(from, to) {
      const find = async (ref: ChatRef) =>
        (await s.orm.select().from(chats).where(and(eq(chats.platform, ref.platform), eq(chats.platformChatId, ref.chatId))))[0];
      const old = await find(from);
      if (!old) return;
      const target = await find(to);
      if (!target) {
        // The usual case: the new id is not known yet, so the chat row simply takes it.
        await s.orm.update(chats).set({ platformChatId: to.chatId, updatedAt: sql`now()` }).where(eq(chats.id, old.id));
      } else {
        // Messages already arrived under the new id: move the old history over (message ids of
        // the two chats are separate sequences; a clash keeps the newer copy) and retire the old row.
        await s.orm.execute(
          sql`update ${messages} set chat_id = ${target.id} where chat_id = ${old.id} and not exists (select 1 from ${messages} m2 where m2.chat_id = ${target.id} and m2.platform_message_id = ${messages.platformMessageId})`,
        );
        await s.orm.execute(
          sql`update ${memberEvents} set chat_id = ${target.id} where chat_id = ${old.id} and not exists (select 1 from ${memberEvents} e2 where e2.chat_id = ${target.id} and e2.platform_user_id = ${memberEvents.platformUserId} and e2.kind = ${memberEvents.kind} and e2.occurred_at = ${memberEvents.occurredAt})`,
        );
        // What was posted there and when stays known: no item is posted to the chat twice.
        await s.orm.execute(
          sql`update ${newsPostedItems} set chat_id = ${target.id} where chat_id = ${old.id} and not exists (select 1 from ${newsPostedItems} p2 where p2.chat_id = ${target.id} and p2.item_id = ${newsPostedItems.itemId})`,
        );
        await s.orm.execute(
          sql`update ${newsSlots} set chat_id = ${target.id} where chat_id = ${old.id} and not exists (select 1 from ${newsSlots} s2 where s2.chat_id = ${target.id} and s2.slot_key = ${newsSlots.slotKey})`,
        );
        await s.orm.execute(
          sql`update ${messageReactions} set chat_id = ${target.id} where chat_id = ${old.id} and not exists (select 1 from ${messageReactions} r2 where r2.chat_id = ${target.id} and r2.platform_message_id = ${messageReactions.platformMessageId} and r2.reactor = ${messageReactions.reactor} and r2.emoji = ${messageReactions.emoji})`,
        );
        // Drafts follow: a reply goes where its message now is, a post to the new chat.
        await s.orm
          .update(drafts)
          .set({ targetChatId: sql`coalesce((select ${messages.chatId} from ${messages} where ${messages.id} = ${drafts.messageId}), ${target.id})` })
          .where(eq(drafts.targetChatId, old.id));
        await s.orm.update(chats).set({ active: false, updatedAt: sql`now()` }).where(eq(chats.id, old.id));
      }
      s.afterCommit(() => {
        cache.delete(`${from.platform}\u0000${from.chatId}`);
        cache.delete(`${to.platform}\u0000${to.chatId}`);
      });
    },
  };
}
