import type { ChatsRepository, MemberEventsRepository } from '../../core/ports.js';
import type { Platform } from '../../core/types.js';
import type { DbSession } from '../database.js';
import { memberEvents } from '../schema/index.js';

export function createMemberEventsRepository(s: DbSession, communityOf: (platform: Platform, chatId: string) => string, chatsRepo: ChatsRepository): MemberEventsRepository {
  return {
    async record(events) {
      if (events.length === 0) return;
      const chatMap = await chatsRepo.ensure(
        events.map((e) => ({ ref: e.chat })),
        (ref) => communityOf(ref.platform, ref.chatId),
      );
      await s.orm
        .insert(memberEvents)
        .values(
          events.map((e) => ({
            chatId: chatMap.get(`${e.chat.platform}\u0000${e.chat.chatId}`)!.id,
            platformUserId: e.member.id,
            displayName: e.member.displayName,
            isBot: e.member.isBot,
            kind: e.kind,
            occurredAt: e.at,
          })),
        )
        .onConflictDoNothing();
    },
  };
}
