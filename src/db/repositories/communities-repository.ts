import { sql } from 'drizzle-orm';
import type { CommunitiesRepository } from '../../core/ports.js';
import type { DbSession } from '../database.js';
import { communities } from '../schema/index.js';

export function createCommunitiesRepository(s: DbSession): CommunitiesRepository {
  return {
    async upsert(list) {
      if (list.length === 0) return;
      await s.orm
        .insert(communities)
        .values(list)
        .onConflictDoUpdate({
          target: communities.id,
          set: { name: sql`excluded.name`, language: sql`excluded.language`, updatedAt: sql`now()` },
        });
    },
  };
}
