import type { ChatRef, Platform } from './types.js';

/** A community as the core needs it. */
export interface Community {
  id: string;
  name: string;
  language: string;
  /** Receives chats that no community lists. Exactly one community is the default. */
  isDefault: boolean;
  chats: Partial<Record<Platform, string[]>>;
  /** Desk chats per platform: one id, or several (Telegram: each manager's private chat and a desk group). */
  desk: Partial<Record<Platform, string | string[]>>;
}

/** The desk chat ids of a community on one platform, in configured order, without repeats. */
export function deskChatIds(community: Pick<Community, 'desk'>, platform: Platform): string[] {
  const value = community.desk[platform];
  if (value === undefined) return [];
  return [...new Set(typeof value === 'string' ? [value] : value)];
}

/** Every chat the communities list under `chats:`, with the community listing it. */
export function listedChats(communities: readonly Pick<Community, 'id' | 'chats'>[]): Array<{ ref: ChatRef; communityId: string }> {
  return communities.flatMap((c) => Object.entries(c.chats).flatMap(([platform, ids]) => (ids ?? []).map((chatId) => ({ ref: { platform: platform as Platform, chatId }, communityId: c.id }))));
}

/** Answers "which community is this chat in?" and "where is its desk?". */
export interface CommunityDirectory {
  list(): Community[];
  get(id: string): Community;
  /** The community a chat belongs to: the one listing it, else the default one. */
  communityOf(platform: Platform, chatId: string): string;
  /**
   * Every community whose desk this chat is, in configured order; none for a chat that is no desk.
   * One desk chat may serve several communities (a Telegram desk group from
   * JAMII_TELEGRAM_DESK_CHAT is every community's): ask what a command covers of them there.
   */
  desksAt(platform: Platform, chatId: string): Community[];
  /**
   * The communities that list this chat themselves, as their desk or one of their chats; none for
   * a chat that only falls to the default community. Roles read from a platform (a group's
   * administrators, a Discord role, a Slack user group) count only in such chats: anyone can add
   * the bot to a group or server of their own, where they are the administrator.
   */
  listedCommunitiesOf(platform: Platform, chatId: string): string[];
  /** The community whose `chats:` lists this chat; null for a chat no community lists (desks do not count). */
  listedIn(platform: Platform, chatId: string): string | null;
  /** Desk chats of a community on the given platforms (several per platform when configured). */
  desksOf(communityId: string, platforms: Iterable<Platform>): ChatRef[];
}

export function createCommunityDirectory(communities: Community[]): CommunityDirectory {
  if (communities.length === 0) throw new Error('at least one community is required');
  const byId = new Map(communities.map((c) => [c.id, c]));
  const fallback = communities.find((c) => c.isDefault) ?? communities[0]!;
  const chatIndex = new Map<string, string>();
  const deskIndex = new Map<string, Community[]>();
  for (const c of communities) {
    for (const [platform, ids] of Object.entries(c.chats)) for (const id of ids ?? []) chatIndex.set(`${platform}:${id}`, c.id);
    for (const platform of Object.keys(c.desk) as Platform[]) {
      for (const id of deskChatIds(c, platform)) deskIndex.set(`${platform}:${id}`, [...(deskIndex.get(`${platform}:${id}`) ?? []), c]);
    }
  }
  return {
    list: () => communities,
    get(id) {
      const c = byId.get(id);
      if (!c) throw new Error(`unknown community ${id}`);
      return c;
    },
    communityOf: (platform, chatId) => chatIndex.get(`${platform}:${chatId}`) ?? fallback.id,
    desksAt: (platform, chatId) => [...(deskIndex.get(`${platform}:${chatId}`) ?? [])],
    listedCommunitiesOf(platform, chatId) {
      const listing = chatIndex.get(`${platform}:${chatId}`);
      const ids = (deskIndex.get(`${platform}:${chatId}`) ?? []).map((c) => c.id);
      return [...new Set(listing ? [...ids, listing] : ids)];
    },
    listedIn: (platform, chatId) => chatIndex.get(`${platform}:${chatId}`) ?? null,
    desksOf(communityId, platforms) {
      const c = byId.get(communityId);
      if (!c) return [];
      const refs: ChatRef[] = [];
      for (const p of platforms) for (const id of deskChatIds(c, p)) refs.push({ platform: p, chatId: id });
      return refs;
    },
  };
}
