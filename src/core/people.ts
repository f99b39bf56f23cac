/**
 * People across platforms: a manager who works from Telegram, Discord and Slack is one person.
 * The communities file links their platform ids (`people:`); the audit log names the person
 * behind each linked actor, and statistics count a person's decisions once, under one name.
 */
import { principalKey, type Platform } from './types.js';

/** One person and the platform ids (`platform:user-id`) that are theirs. */
export interface Person {
  name: string;
  ids: Array<{ platform: Platform; userId: string }>;
}

export interface PeopleDirectory {
  /** The person a platform id (`slack:U123`) belongs to, if it is linked. */
  personOf(principal: string): Person | null;
  /** Who a decision counts for: `person:<name>` for a linked id, the id itself otherwise. */
  identityOf(principal: string): { key: string; name: string | null };
}

export function createPeopleDirectory(people: readonly Person[]): PeopleDirectory {
  const byId = new Map<string, Person>();
  for (const p of people) for (const id of p.ids) byId.set(principalKey(id), p);
  const personOf = (principal: string) => byId.get(principal) ?? null;
  return {
    personOf,
    identityOf(principal) {
      const person = personOf(principal);
      return person ? { key: `person:${person.name}`, name: person.name } : { key: principal, name: null };
    },
  };
}

/** No one linked: every id is its own person. */
export const NO_PEOPLE: PeopleDirectory = createPeopleDirectory([]);
