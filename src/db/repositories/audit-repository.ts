import type { PeopleDirectory } from '../../core/people.js';
import type { AuditEntry, AuditRepository } from '../../core/ports.js';
import type { DbSession } from '../database.js';
import { auditLog } from '../schema/index.js';

/** Writes audit entries; an actor linked to a person (see `people:`) is named as that person in `details.person`. */
export function createAuditRepository(s: DbSession, people?: PeopleDirectory): AuditRepository {
  const personOf = (actor: string) => {
    const person = people?.personOf(actor);
    return person ? { person: person.name } : {};
  };
  const writeMany = async (entries: AuditEntry[]) => {
    if (entries.length === 0) return;
    await s.orm.insert(auditLog).values(
      entries.map((e) => ({
        communityId: e.communityId,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: { ...e.details, ...personOf(e.actor) },
      })),
    );
  };
  return { writeMany, write: (entry) => writeMany([entry]) };
}
