/**
 * Where a replay reports is decided when its job runs, not read from the job: a job queued before
 * /prompt replay stopped reporting to members' chats still names the chat it was typed in.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ReplayJob } from '../../../../src/core/prompts/prompt-ports.js';
import { createPromptReplayService, type PromptReplayService } from '../../../../src/core/prompts/prompt-replay.js';
import type { ChatRef } from '../../../../src/core/types.js';
import { createPromptLibrary } from '../../../../src/llm/prompt-library.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';
import { offlineDryRunProviders } from '../../../support/offline-dry-run.js';
import { createFakeCore, type FakeCore } from '../../../support/fakes.js';

const DESK: ChatRef = { platform: 'sandbox', chatId: 'desk' };
const DESK_BETA: ChatRef = { platform: 'sandbox', chatId: 'desk-beta' };
const GENERAL: ChatRef = { platform: 'sandbox', chatId: 'general' };
const ADA_PRIVATE: ChatRef = { platform: 'sandbox', chatId: 'dm-ada' };
const WARM = '## en\nHey {{member}}, on it!';

let core: FakeCore;
let replays: PromptReplayService;
let seq = 0;

beforeEach(async () => {
  core = createFakeCore();
  const library = createPromptLibrary({ files: loadPromptRegistry(), versions: core.store.promptVersions, log: core.log });
  replays = createPromptReplayService({
    store: core.store,
    communities: core.communities,
    providers: offlineDryRunProviders(library),
    clock: core.clock,
    log: core.log,
    catalog: library,
    deskPlatforms: () => ['sandbox'],
  });
  core.store.grant('sandbox', 'ada', 'alpha', 'admin');
  await core.store.promptVersions.add({ communityId: 'alpha', name: 'offline-question', body: WARM, comment: null, createdBy: 'sandbox:ada', createdByName: 'Ada', rollbackOf: null });
  core.store.seedMessage({ text: 'How do I reset my password?' });
});

/** A replay job as it sits in the queue; without `originDirect`, as an earlier version wrote it. */
const job = (origin: ChatRef | null, extra: Partial<ReplayJob> = {}): ReplayJob => ({
  replayId: `r${++seq}`,
  communityId: 'alpha',
  name: 'offline-question',
  candidate: 1,
  baseline: null,
  days: 7,
  origin,
  requestedBy: 'sandbox:ada',
  ...extra,
});

async function reportedTo(j: ReplayJob): Promise<ChatRef[]> {
  const before = new Set(core.store.state.outbox.keys());
  await replays.run(j);
  const targets = [...core.store.state.outbox.entries()].filter(([id]) => !before.has(id)).map(([, row]) => row.target);
  expect(targets.length).toBeGreaterThan(0);
  return [...new Map(targets.map((t) => [`${t.platform}:${t.chatId}`, t])).values()];
}

describe('a replay job reports', () => {
  it("to the community's desks, not to the members, when it was queued with a members' chat as its origin", async () => {
    expect(await reportedTo(job(GENERAL))).toEqual([DESK]);
    expect(core.log.entries.some((e) => e.msg === 'prompt.replay.origin_refused')).toBe(true);
  });

  it("to its own community's desks when its origin is another community's desk", async () => {
    expect(await reportedTo(job(DESK_BETA))).toEqual([DESK]);
  });

  it('back to the desk of its community it was asked from', async () => {
    expect(await reportedTo(job(DESK))).toEqual([DESK]);
  });

  it('to the private chat the command marked as the requester\'s, while the requester is an admin of the community', async () => {
    expect(await reportedTo(job(ADA_PRIVATE, { originDirect: true }))).toEqual([ADA_PRIVATE]);
    // Queued by an earlier version, the same chat is not known to be private: the desks get it.
    expect(await reportedTo(job(ADA_PRIVATE))).toEqual([DESK]);
    // A chat a community lists is no private chat, whatever the job says.
    expect(await reportedTo(job(GENERAL, { originDirect: true }))).toEqual([DESK]);
    // Someone else's request does not make it ada's chat; nor does a requester who is no admin any more.
    expect(await reportedTo(job(ADA_PRIVATE, { originDirect: true, requestedBy: 'sandbox:mallory' }))).toEqual([DESK]);
    await core.store.roles.clearGrants('test', 'sandbox', 'ada');
    expect(await reportedTo(job(ADA_PRIVATE, { originDirect: true }))).toEqual([DESK]);
  });
});
