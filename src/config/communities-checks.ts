/**
 * Checks across the communities of a communities file: ids, chats, desks, defaults and linked
 * people. They read a plain view of the file, so they also run on the readable part of a file the
 * schema refused, and every problem is reported at once.
 */
import type { ChatRef } from '../core/types.js';
import type { PrincipalRef } from './communities-file.js';

/** A community as the checks see it; `id` is undefined where the file's id is unreadable. */
export interface CheckedCommunity {
  id: string | undefined;
  default: boolean;
  chats: Partial<Record<string, readonly string[]>>;
  desk: Partial<Record<string, string | readonly string[]>>;
  /** The chats `news.chats` names (the readable ones); absent or empty when it names none. */
  news?: { chats?: ReadonlyArray<ChatRef | { chat: ChatRef }> | undefined } | undefined;
}

export interface CheckedPerson {
  name: string | undefined;
  ids: readonly PrincipalRef[];
}

/** A chat that is a member chat of `member` and a desk of `desk` (possibly the same community). */
export interface DeskChatOverlap {
  platform: string;
  chatId: string;
  member: string;
  desk: string;
}

const communityName = (c: Pick<CheckedCommunity, 'id'>, index: number) => c.id ?? `communities.${index}`;

/** Member chats that are also desks: a desk's messages are read as manager commands, so members' would be too. */
export function deskChatOverlaps(communities: readonly Pick<CheckedCommunity, 'id' | 'chats' | 'desk'>[]): DeskChatOverlap[] {
  const desks = new Map<string, string>();
  communities.forEach((c, index) => {
    for (const [platform, value] of Object.entries(c.desk)) {
      for (const id of typeof value === 'string' ? [value] : (value ?? [])) {
        const key = `${platform}:${id}`;
        if (!desks.has(key)) desks.set(key, communityName(c, index));
      }
    }
  });
  return communities.flatMap((c, index) =>
    Object.entries(c.chats).flatMap(([platform, list]) =>
      (list ?? []).flatMap((id) => {
        const desk = desks.get(`${platform}:${id}`);
        return desk === undefined ? [] : [{ platform, chatId: id, member: communityName(c, index), desk }];
      }),
    ),
  );
}

export function deskChatOverlapMessage(overlap: DeskChatOverlap, deskOrigin = ''): string {
  const where = overlap.member === overlap.desk ? `a member chat of "${overlap.member}" and its desk` : `a member chat of "${overlap.member}" and the desk of "${overlap.desk}"`;
  return `chat ${overlap.platform}:${overlap.chatId} is ${where}${deskOrigin}: members' messages there would be taken as manager commands (give the desk a chat of its own)`;
}

/** A chat `news.chats` names that is not the community's to post in. */
export interface MisplacedNewsChat {
  platform: string;
  chatId: string;
  community: string;
  /** `desk`: a desk (of `owner`); `elsewhere`: a chat `owner` lists; `unlisted`: no one lists it and `owner` is the default community. */
  kind: 'desk' | 'elsewhere' | 'unlisted';
  owner: string;
}

/**
 * News chats that are not the community's own: a desk (an auto post would go to the managers), a
 * chat another community lists, or, for a community that is not the default, a chat no community
 * lists (it belongs to the default one, whose members and managers see it).
 */
export function misplacedNewsChats(communities: readonly CheckedCommunity[]): MisplacedNewsChat[] {
  const listedBy = new Map<string, string>();
  const deskOf = new Map<string, string>();
  communities.forEach((c, index) => {
    for (const [platform, list] of Object.entries(c.chats)) for (const id of list ?? []) if (!listedBy.has(`${platform}:${id}`)) listedBy.set(`${platform}:${id}`, communityName(c, index));
    for (const [platform, value] of Object.entries(c.desk)) {
      for (const id of typeof value === 'string' ? [value] : (value ?? [])) if (!deskOf.has(`${platform}:${id}`)) deskOf.set(`${platform}:${id}`, communityName(c, index));
    }
  });
  const fallback = communities.find((c) => c.default) ?? communities[0];
  const fallbackName = fallback ? communityName(fallback, communities.indexOf(fallback)) : '';
  return communities.flatMap((c, index) => {
    const name = communityName(c, index);
    return (c.news?.chats ?? []).flatMap((entry): MisplacedNewsChat[] => {
      const ref = 'chat' in entry ? entry.chat : entry;
      const key = `${ref.platform}:${ref.chatId}`;
      const at = { platform: ref.platform, chatId: ref.chatId, community: name };
      const desk = deskOf.get(key);
      if (desk !== undefined) return [{ ...at, kind: 'desk', owner: desk }];
      const owner = listedBy.get(key) ?? fallbackName;
      if (owner === name) return [];
      return [{ ...at, kind: listedBy.has(key) ? 'elsewhere' : 'unlisted', owner }];
    });
  });
}

export function misplacedNewsChatMessage(m: MisplacedNewsChat, deskOrigin = ''): string {
  const chat = `news chat ${m.platform}:${m.chatId} of "${m.community}"`;
  if (m.kind === 'desk') return `${chat} is ${m.owner === m.community ? 'its' : `the "${m.owner}"`} desk${deskOrigin}: news would be posted to the managers (name a chat the community lists under chats:)`;
  if (m.kind === 'elsewhere') return `${chat} is a chat of "${m.owner}": a community posts news only in its own chats`;
  return `${chat} is not listed under its chats: (a chat no community lists belongs to the default community "${m.owner}"); list it there too`;
}

/** Every problem across communities and people, each prefixed with the file. */
export function crossCommunityProblems(file: string, communities: readonly CheckedCommunity[], people: readonly CheckedPerson[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const seenChats = new Map<string, string>();
  communities.forEach((c, index) => {
    if (c.id !== undefined) {
      if (ids.has(c.id)) problems.push(`${file}: community id "${c.id}" is defined twice`);
      ids.add(c.id);
    }
    for (const [platform, list] of Object.entries(c.chats)) {
      for (const chat of list ?? []) {
        const key = `${platform}:${chat}`;
        const other = seenChats.get(key);
        if (other) problems.push(`${file}: chat ${key} is listed in both "${other}" and "${communityName(c, index)}"`);
        seenChats.set(key, communityName(c, index));
      }
    }
  });
  for (const overlap of deskChatOverlaps(communities)) problems.push(`${file}: ${deskChatOverlapMessage(overlap)}`);
  for (const misplaced of misplacedNewsChats(communities)) problems.push(`${file}: ${misplacedNewsChatMessage(misplaced)}`);
  const owners = new Map<string, string>();
  for (const person of people) {
    if (person.name === undefined) continue;
    for (const id of person.ids) {
      const key = `${id.platform}:${id.userId}`;
      const other = owners.get(key);
      if (other !== undefined && other !== person.name) problems.push(`${file}: ${key} is linked to both "${other}" and "${person.name}"`);
      owners.set(key, person.name);
    }
  }
  const names = people.flatMap((p) => (p.name === undefined ? [] : [p.name]));
  if (new Set(names).size < names.length) problems.push(`${file}: a person is named twice in people`);
  if (communities.filter((c) => c.default).length > 1) problems.push(`${file}: more than one community has default: true`);
  return problems;
}
