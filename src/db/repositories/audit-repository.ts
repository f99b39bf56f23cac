import type { AuditEntry, AuditRepository } from '../../core/ports.js';
import type { DbSession } from '../database.js';
import { auditLog } from '../schema/index.js';

export function createAuditRepository(s: DbSession): AuditRepository {
  const writeMany = async (entries: AuditEntry[]) => {
    if (entries.length === 0) return;
    await s.orm.insert(auditLog).values(
      entries.map((e) => ({
        communityId: e.communityId,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: e.details ?? {},
      })),
    );
  };
  return { writeMany, write: (entry) => writeMany([entry]) };
}
