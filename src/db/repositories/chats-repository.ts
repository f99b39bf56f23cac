import { sql } from 'drizzle-orm';
import type { ChatRecord, ChatsRepository } from '../../core/ports.js';
import type { ChatRef, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { chats } from '../schema/index.js';

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
        const record: ChatRecord = {
          id: r.id,
          communityId: r.communityId,
          ref: { platform: r.platform as Platform, chatId: r.platformChatId },
          title: r.title,
          active: r.active,
        };
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
  };
}
