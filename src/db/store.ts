import type { Repositories, Store } from '../core/ports.js';
import type { PeopleDirectory } from '../core/people.js';
import type { Platform } from '../core/types.js';
import type { Database, DbSession } from './database.js';
import { createAuditRepository } from './repositories/audit-repository.js';
import { createChatsRepository, type ChatCache, type ListedCommunityOf } from './repositories/chats-repository.js';
import { createCommunitiesRepository } from './repositories/communities-repository.js';
import { createDraftsRepository } from './repositories/drafts-repository.js';
import { createFeedsRepository } from './repositories/feeds-repository.js';
import { createMemberEventsRepository } from './repositories/member-events-repository.js';
import { createMembersRepository, type MemberCache } from './repositories/members-repository.js';
import { createReactionsRepository } from './repositories/reactions-repository.js';
import { createConversationRepository } from './repositories/conversation-repository.js';
import { createKnowledgeRepository } from './repositories/knowledge-repository.js';
import { createMessagesRepository, type MessageJobs } from './repositories/messages-repository.js';
import { createOutboxRepository } from './repositories/outbox-repository.js';
import { createRolesRepository } from './repositories/roles-repository.js';
import { createPromptEvidenceRepository } from './repositories/prompt-evidence-repository.js';
import { createPromptVersionsRepository } from './repositories/prompt-versions-repository.js';

export interface StoreDeps {
  db: Database;
  /** Which community a chat first seen belongs to. */
  communityOf: (platform: Platform, chatId: string) => string;
  /** The community the configuration lists a chat under (none: never move a stored chat). */
  listedCommunityOf?: ListedCommunityOf | undefined;
  /**
   * Binds job enqueueing to a session (pg-boss's `db` option). With `inline`, the message insert
   * queues draft jobs in its own statement; without (stores of tests that run no queue), they are
   * enqueued after it.
   */
  enqueuerFor: (session: DbSession) => MessageJobs;
  /** The embeddings model whose vectors retrieval uses (null: full-text alone). */
  embeddingModel?: string | null | undefined;
  /** Platform ids linked to one person: the audit log names the person. */
  people?: PeopleDirectory | undefined;
}

interface Caches {
  chats: ChatCache;
  members: MemberCache;
}

function repositories(session: DbSession, deps: StoreDeps, caches: Caches): Repositories {
  const jobs = deps.enqueuerFor(session);
  const chats = createChatsRepository(session, caches.chats, deps.listedCommunityOf);
  const messages = createMessagesRepository(session, deps.communityOf, { chats, members: caches.members }, jobs);
  return {
    communities: createCommunitiesRepository(session),
    chats,
    members: createMembersRepository(session, caches.members),
    memberEvents: createMemberEventsRepository(session, deps.communityOf, chats),
    reactions: createReactionsRepository(session, deps.communityOf, chats),
    messages,
    drafts: createDraftsRepository(session, messages),
    outbox: createOutboxRepository(session),
    audit: createAuditRepository(session, deps.people),
    roles: createRolesRepository(session),
    conversation: createConversationRepository(session),
    knowledge: createKnowledgeRepository(session, { vectors: deps.db.vectors, embeddingModel: deps.embeddingModel ?? null }),
    promptVersions: createPromptVersionsRepository(session),
    promptEvidence: createPromptEvidenceRepository(session),
    feeds: createFeedsRepository(session),
    jobs,
  };
}

/** The core's Store port over one database. */
export function createStore(deps: StoreDeps): Store {
  // Chats and members seen by this process: ingest skips their upserts when nothing changed.
  const caches: Caches = { chats: new Map(), members: new Map() };
  return {
    ...repositories(deps.db, deps, caches),
    transaction: (fn) => deps.db.transaction((tx) => fn(repositories(tx, deps, caches))),
  };
}
