import { and, eq, sql } from 'drizzle-orm';
import type { ChatRecord, ChatsRepository } from '../../core/ports.js';
import type { ChatRef, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { chats, drafts, memberEvents, messages } from '../schema/index.js';

const toRecord = (r: typeof chats.$inferSelect): ChatRecord => ({
  id: r.id,
  communityId: r.communityId,
  ref: { platform: r.platform as Platform, chatId: r.platformChatId },
  title: r.title,
  active: r.active,
});

/** Chats known to exist, shared by every session of one store; filled only after commit. */
export type ChatCache = Map<string, ChatRecord>;

export function createChatsRepository(s: DbSession, cache: ChatCache = new Map()): ChatsRepository {
  return {
    async ensure(list, communityOf) {
      const unique = new Map<string, { ref: ChatRef; title?: string | undefined }>();
      const map = new Map<string, ChatRecord>();
      for (const c of list) {
        const key = `${c.ref.platform}\u0000${c.ref.chatId}`;
        const known = cache.get(key);
        // Known, and no new title to record: no statement needed.
        if (known && (c.title === undefined || c.title === known.title)) map.set(key, known);
        else unique.set(key, c);
      }
      if (unique.size === 0) return map;
      // Sorted by the conflict key: concurrent upserts from several processes lock rows in the same order.
      const values = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => ({
        platform: c.ref.platform,
        platformChatId: c.ref.chatId,
        title: c.title ?? null,
        communityId: communityOf(c.ref),
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
      const fresh: ChatRecord[] = [];
      const put = (r: typeof chats.$inferSelect) => {
        const record = toRecord(r);
        map.set(`${r.platform}\u0000${r.platformChatId}`, record);
        fresh.push(record);
      };
      rows.forEach(put);
      const missing = values.filter((v) => !map.has(`${v.platform}\u0000${v.platformChatId}`));
      if (missing.length > 0) {
        const found = await s.orm
          .select()
          .from(chats)
          .where(sql`(${chats.platform}, ${chats.platformChatId}) in (${sql.join(missing.map((m) => sql`(${m.platform}, ${m.platformChatId})`), sql`, `)})`);
        found.forEach(put);
      }
      s.afterCommit(() => {
        for (const r of fresh) cache.set(`${r.ref.platform}\u0000${r.ref.chatId}`, r);
      });
      return map;
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
