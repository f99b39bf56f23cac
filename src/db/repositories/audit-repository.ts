import type { PeopleDirectory } from '../../core/people.js';
import type { AuditEntry, AuditRepository } from '../../core/ports.js';
import type { DbSession } from '../database.js';
import { arrayLiteral } from './array-literal.js';

/** Writes audit entries; an actor linked to a person (see `people:`) is named as that person in `details.person`. */
export function createAuditRepository(s: DbSession, people?: PeopleDirectory): AuditRepository {
  const personOf = (actor: string) => {
    const person = people?.personOf(actor);
    return person ? { person: person.name } : {};
  };
  const writeMany = async (entries: AuditEntry[]) => {
    if (entries.length === 0) return;
    // One array per column (array-literal.ts): ingest and drafting write up to a batch at once.
    await s.sql.executeSql(
      `insert into audit_log (community_id, actor, action, subject, details)
       select community_id, actor, action, subject, details::jsonb
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as e(community_id, actor, action, subject, details)`,
      [
        arrayLiteral(entries.map((e) => e.communityId)),
        arrayLiteral(entries.map((e) => e.actor)),
        arrayLiteral(entries.map((e) => e.action)),
        arrayLiteral(entries.map((e) => e.subject)),
        arrayLiteral(entries.map((e) => JSON.stringify({ ...e.details, ...personOf(e.actor) }))),
      ],
    );
  };
  return { writeMany, write: (entry) => writeMany([entry]) };
}
