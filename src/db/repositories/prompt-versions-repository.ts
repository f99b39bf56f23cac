import type { PromptVersionRecord, PromptVersionsRepository } from '../../core/prompts/prompt-ports.js';
import type { DbSession } from '../database.js';

interface Row {
  community_id: string;
  name: string;
  version: number;
  body: string | null;
  comment: string | null;
  created_by: string;
  created_by_name: string;
  rollback_of: string | null;
  created_at: Date | string;
}

const COLUMNS = 'community_id, name, version, body, comment, created_by, created_by_name, rollback_of, created_at';

const toRecord = (r: Row): PromptVersionRecord => ({
  communityId: r.community_id,
  name: r.name,
  version: Number(r.version),
  body: r.body,
  comment: r.comment,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  createdAt: new Date(r.created_at),
  rollbackOf: r.rollback_of,
});

// The next number is taken in the insert itself; two admins saving at once collide on the
// unique index and the loser takes the number after.
const INSERT_NEXT = `
  insert into prompt_versions (community_id, name, version, body, comment, created_by, created_by_name, rollback_of)
  select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7
  from prompt_versions where community_id = $1 and name = $2
  on conflict (community_id, name, version) do nothing
  returning ${COLUMNS}`;

/**
 * Attempts at taking the next version number. Each round of colliding saves lets at least one
 * through, so this many saves of one prompt at the same moment all succeed.
 */
const ADD_ATTEMPTS = 25;
/** Upper bound of the random pause before another attempt, spreading colliding saves apart. */
const ADD_RETRY_JITTER_MS = 10;

export function createPromptVersionsRepository(s: DbSession): PromptVersionsRepository {
  return {
    async add(entry) {
      for (let attempt = 0; attempt < ADD_ATTEMPTS; attempt++) {
        const { rows } = await s.sql.executeSql(INSERT_NEXT, [
          entry.communityId,
          entry.name,
          entry.body,
          entry.comment,
          entry.createdBy,
          entry.createdByName,
          entry.rollbackOf,
        ]);
        const row = rows[0] as Row | undefined;
        if (row) return toRecord(row);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ADD_RETRY_JITTER_MS));
      }
      throw new Error(`could not number a new version of ${entry.name} for ${entry.communityId}`);
    },
    async history(communityId, name) {
      const { rows } = await s.sql.executeSql(`select ${COLUMNS} from prompt_versions where community_id = $1 and name = $2 order by version`, [communityId, name]);
      return (rows as Row[]).map(toRecord);
    },
    async get(communityId, name, version) {
      const { rows } = await s.sql.executeSql(`select ${COLUMNS} from prompt_versions where community_id = $1 and name = $2 and version = $3`, [communityId, name, version]);
      const row = rows[0] as Row | undefined;
      return row ? toRecord(row) : null;
    },
    async latestAll() {
      const { rows } = await s.sql.executeSql(
        `select distinct on (community_id, name) ${COLUMNS} from prompt_versions order by community_id, name, version desc`,
      );
      return (rows as Row[]).map(toRecord);
    },
  };
}
