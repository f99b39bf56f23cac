import { and, eq, sql } from 'drizzle-orm';
import type { ChatsRepository, ReactionsRepository } from '../../core/ports.js';
import type { Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { messageReactions as r } from '../schema/index.js';

/** The reactor key of anonymous totals. */
const ANONYMOUS = '';

export function createReactionsRepository(s: DbSession, communityOf: (platform: Platform, chatId: string) => string, chatsRepo: ChatsRepository): ReactionsRepository {
  return {
    async apply(updates, at) {
      if (updates.length === 0) return;
      const chatMap = await chatsRepo.ensure(
        updates.map((u) => ({ ref: u.chat })),
        (ref) => communityOf(ref.platform, ref.chatId),
      );
      for (const u of updates) {
        const chatId = chatMap.get(`${u.chat.platform}\u0000${u.chat.chatId}`)!.id;
        const onMessage = and(eq(r.chatId, chatId), eq(r.platformMessageId, u.messageId));
        switch (u.kind) {
          case 'added':
            await s.orm.insert(r).values({ chatId, platformMessageId: u.messageId, reactor: u.userId, emoji: u.emoji, count: 1, updatedAt: at }).onConflictDoNothing();
            break;
          case 'removed':
            await s.orm.delete(r).where(and(onMessage, eq(r.reactor, u.userId), eq(r.emoji, u.emoji)));
            break;
          case 'cleared':
            await s.orm.delete(r).where(u.emoji === null ? onMessage : and(onMessage, eq(r.emoji, u.emoji)));
            break;
          case 'set': {
            const reactor = u.userId ?? ANONYMOUS;
            await s.orm.delete(r).where(and(onMessage, eq(r.reactor, reactor)));
            const rows = u.reactions.filter((x) => x.count > 0).map((x) => ({ chatId, platformMessageId: u.messageId, reactor, emoji: x.emoji, count: x.count, updatedAt: at }));
            if (rows.length > 0) await s.orm.insert(r).values(rows).onConflictDoUpdate({ target: [r.chatId, r.platformMessageId, r.reactor, r.emoji], set: { count: sql`excluded.count`, updatedAt: at } });
            break;
          }
        }
      }
    },
  };
}
