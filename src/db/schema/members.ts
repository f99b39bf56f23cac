import { bigserial, boolean, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { communities } from './communities.js';

/** A person (or bot) seen on a platform. */
export const members = pgTable(
  'members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    isBot: boolean('is_bot').notNull().default(false),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('members_platform_user_uq').on(t.platform, t.platformUserId)],
);

/**
 * Manager and admin grants: a platform identity × community → role. Keyed by the platform
 * identity rather than a members row, so a grant can exist before the person has spoken.
 */
export const roles = pgTable(
  'roles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    role: text('role', { enum: ['manager', 'admin'] }).notNull(),
    /** `config` for grants synced from JAMII_MANAGERS / the community file. */
    source: text('source').notNull().default('config'),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Per source: a grant held both from configuration and from a platform role is two rows, so
    // either source can drop its own without taking the other's away.
    uniqueIndex('roles_grant_source_uq').on(t.communityId, t.platform, t.platformUserId, t.role, t.source),
    index('roles_principal_idx').on(t.platform, t.platformUserId),
  ],
);
