/**
 * In-memory fakes for the core's ports. The fake store keeps every table in memory, makes each
 * repository call atomic (conditional updates check and write in one synchronous step), and runs
 * transactions one at a time with rollback, like a database with a single connection. Jobs
 * enqueued inside a transaction become visible only when it commits.
 */
import { createAccess, type Access } from '../../src/core/access.js';
import { createApprovalService } from '../../src/core/approval-service.js';
import { createCommandDispatcher, type CommandDispatcher } from '../../src/core/commands/command-registry.js';
import { createCommunityDirectory, type Community, type CommunityDirectory } from '../../src/core/communities.js';
import type { CommandReply, InboundMessage, Invoker, Platform } from '../../src/core/types.js';
import { createFakeClock, createRecordingLogger, createRecordingMetrics, T0, type FakeClock, type RecordingLogger, type RecordingMetrics } from './fakes/basics.js';
import type { FakeStore } from './fakes/store-context.js';
import { createFakeStore } from './fakes/store.js';

export * from './fakes/basics.js';
export * from './fakes/sender.js';
export type { FakeState, FakeStore, OutboxRow, SeedDraft, SeedMessage } from './fakes/store-context.js';
export { createFakeStore } from './fakes/store.js';

// ---------------------------------------------------------------- communities and people

/** Two communities: alpha (English, desk `desk`, the default) and beta (Spanish, desk `desk-beta`). */
export const TEST_COMMUNITIES: Community[] = [
  { id: 'alpha', name: 'Alpha Club', language: 'en', isDefault: true, chats: { sandbox: ['general'] }, desk: { sandbox: 'desk' } },
  { id: 'beta', name: 'Beta Club', language: 'es', isDefault: false, chats: { sandbox: ['plaza'] }, desk: { sandbox: 'desk-beta' } },
];

export function createTestCommunities(communities: Community[] = TEST_COMMUNITIES): CommunityDirectory {
  return createCommunityDirectory(structuredClone(communities));
}

export function invoker(userId: string, displayName = userId.charAt(0).toUpperCase() + userId.slice(1), platform: Platform = 'sandbox'): Invoker {
  return { platform, userId, displayName };
}

let inboundSeq = 0;

/** An inbound message from a member of the `general` sandbox chat unless told otherwise. */
export function inbound(text: string, overrides: Partial<InboundMessage> & { user?: string } = {}): InboundMessage {
  inboundSeq += 1;
  const { user, ...rest } = overrides;
  return {
    chat: { platform: 'sandbox', chatId: 'general' },
    messageId: `in-${inboundSeq}`,
    author: { id: user ?? 'amina', displayName: user ?? 'amina', isBot: false },
    text,
    sentAt: new Date(T0),
    ...rest,
  };
}

// ---------------------------------------------------------------- the core, wired over fakes

export interface FakeCore {
  clock: FakeClock;
  store: FakeStore;
  log: RecordingLogger;
  metrics: RecordingMetrics;
  communities: CommunityDirectory;
  access: Access;
}

/** Clock, store, logger, metrics, the two test communities and access checks over the fake store. */
export function createFakeCore(): FakeCore {
  const clock = createFakeClock();
  const store = createFakeStore({ clock });
  return {
    clock,
    store,
    log: createRecordingLogger(),
    metrics: createRecordingMetrics(),
    communities: createTestCommunities(),
    access: createAccess({ roles: store.roles, audit: store.audit }),
  };
}

/** The manager commands over a fake core, with the approval service they decide through. */
export function createFakeCommands(core: FakeCore): CommandDispatcher {
  const approvals = createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log });
  return createCommandDispatcher({ services: { store: core.store, clock: core.clock, approvals }, access: core.access, audit: core.store.audit, log: core.log, communities: core.communities });
}

/** The drafts a /pending answer lists, in order: one line each, `#12 question · …` (after a community id for a manager of several). */
export function listedDraftIds(reply: CommandReply | null): number[] {
  return [...(reply?.text ?? '').matchAll(/^(?:[a-z0-9_-]+ · )?#(\d+) /gm)].map((m) => Number(m[1]));
}
