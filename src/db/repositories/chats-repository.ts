import { sql } from 'drizzle-orm';
import type { ChatRecord, ChatsRepository } from '../../core/ports.js';
import type { ChatRef, Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { chats } from '../schema/index.js';

export function createChatsRepository(s: DbSession): ChatsRepository {
  return {
    async ensure(list, communityOf) {
      const unique = new Map<string, { ref: ChatRef; title?: string | undefined }>();
      for (const c of list) unique.set(`${c.ref.platform}\u0000${c.ref.chatId}`, c);
      const values = [...unique.values()].map((c) => ({
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
      const map = new Map<string, ChatRecord>();
      const put = (r: typeof chats.$inferSelect) =>
        map.set(`${r.platform}\u0000${r.platformChatId}`, {
          id: r.id,
          communityId: r.communityId,
          ref: { platform: r.platform as Platform, chatId: r.platformChatId },
          title: r.title,
          active: r.active,
        });
      rows.forEach(put);
      const missing = values.filter((v) => !map.has(`${v.platform}\u0000${v.platformChatId}`));
      if (missing.length > 0) {
        const found = await s.orm
          .select()
          .from(chats)
          .where(sql`(${chats.platform}, ${chats.platformChatId}) in (${sql.join(missing.map((m) => sql`(${m.platform}, ${m.platformChatId})`), sql`, `)})`);
        found.forEach(put);
      }
      return map;
    },
  };
}
