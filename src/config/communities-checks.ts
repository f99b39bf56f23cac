/**
 * Checks across the communities of a communities file: ids, chats, defaults and linked people.
 * They read a plain view of the file, so they also run on the readable part of a file the schema
 * refused, and every problem is reported at once.
 */
import type { PrincipalRef } from './communities-file.js';

/** A community as the checks see it; `id` is undefined where the file's id is unreadable. */
export interface CheckedCommunity {
  id: string | undefined;
  default: boolean;
  chats: Partial<Record<string, readonly string[]>>;
  desk: Partial<Record<string, string | readonly string[]>>;
}

export interface CheckedPerson {
  name: string | undefined;
  ids: readonly PrincipalRef[];
}

const communityName = (c: CheckedCommunity, index: number) => c.id ?? `communities.${index}`;

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
