/**
 * Commands typed in a desk that two communities share (alpha and beta, as JAMII_TELEGRAM_DESK_CHAT
 * makes one group every community's desk): each covers the desk's communities the invoker holds,
 * and a command that acts on one community takes the one they hold or asks which.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsRepository, AnalyticsScope } from '../../../../src/core/analytics/analytics-types.js';
import { createApprovalService } from '../../../../src/core/approval-service.js';
import { createCommandDispatcher, type CommandDispatcher, type CommandServices } from '../../../../src/core/commands/command-registry.js';
import type { NewsCommandServices } from '../../../../src/core/commands/news-commands.js';
import { ERROR_MESSAGES } from '../../../../src/core/errors.js';
import type { FeedRecord } from '../../../../src/core/news/news-types.js';
import type { DryRunDeps } from '../../../../src/core/prompts/prompt-dry-run.js';
import type { SparkService } from '../../../../src/core/sparks/spark-service.js';
import type { SparkChat } from '../../../../src/core/sparks/spark-types.js';
import type { ChatRef, Draft } from '../../../../src/core/types.js';
import { createPromptLibrary } from '../../../../src/llm/prompt-library.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';
import { createFakeCore, createTestCommunities, invoker, TEST_COMMUNITIES, type FakeCore } from '../../../support/fakes.js';

const TEAM: ChatRef = { platform: 'sandbox', chatId: 'team' };
const alice = invoker('alice', 'Alice');
const carla = invoker('carla', 'Carla');

const CHATS: SparkChat[] = [
  { id: 1, communityId: 'alpha', ref: { platform: 'sandbox', chatId: 'general' }, title: 'general' },
  { id: 2, communityId: 'beta', ref: { platform: 'sandbox', chatId: 'plaza' }, title: 'plaza' },
];

let core: FakeCore;
let commands: CommandDispatcher;
/** What each service was asked for, by community. */
let seen: { stats: string[][]; polled: string[][]; published: string[]; sparkChats: string[][]; sparked: string[]; feeds: string[][] };

function analyticsRepository(): AnalyticsRepository {
  const record = (scope: AnalyticsScope) => void seen.stats.push(scope.communityIds);
  return {
    memberFlow: async (scope) => (record(scope), { joined: 0, left: 0 }),
    memberFlowByDay: async () => [],
    activity: async () => ({ daily: [], hourOfWeek: [], totalMessages: 0, activeMembers: 0 }),
    attention: async () => [],
    draftDecisions: async () => [],
    topics: async () => [],
    sampleTexts: async () => [],
    oldestPendingDraftAt: async () => null,
    chatNames: async () => ['general', 'plaza'],
    anyPosted: async () => false,
  };
}

function newsServices(): NewsCommandServices {
  return {
    fetcher: { fetch: () => Promise.reject(new Error('not fetched in these tests')) },
    poller: {
      pollDue: async (options?: { communityIds?: string[] }) => (seen.polled.push(options?.communityIds ?? []), []),
    } as unknown as NewsCommandServices['poller'],
    publisher: { publishNow: async (communityId: string) => (seen.published.push(communityId), []) } as unknown as NewsCommandServices['publisher'],
    communities: core.communities,
    clock: core.clock,
  };
}

function sparkService(): SparkService {
  return {
    chats: async (communityIds) => (seen.sparkChats.push(communityIds), CHATS.filter((c) => communityIds.includes(c.communityId))),
    async sparkNow(chat) {
      seen.sparked.push(chat.communityId);
      return { chat, draft: { id: 7, text: `Who is in ${chat.title} today?`, poll: null } as Draft, idea: null, verdict: null, skipped: null };
    },
    material: () => Promise.reject(new Error('no material in these tests')),
    checkLulls: async () => [],
  };
}

function promptServices(): NonNullable<CommandServices['prompts']> {
  const dryRun = { store: core.store, communities: core.communities, providers: { kind: 'offline' }, clock: core.clock, log: core.log } as unknown as DryRunDeps;
  return { catalog: createPromptLibrary({ files: loadPromptRegistry(), versions: core.store.promptVersions, log: core.log }), dryRun, communities: core.communities };
}

beforeEach(() => {
  core = createFakeCore();
  seen = { stats: [], polled: [], published: [], sparkChats: [], sparked: [], feeds: [] };
  // Both communities' desk is the sandbox room `team`; beta is the last one listed.
  const communities = createTestCommunities(TEST_COMMUNITIES.map((c) => ({ ...c, desk: { sandbox: 'team' } })));
  core = { ...core, communities };
  const feeds = {
    list: async (ids: string[]) => (seen.feeds.push(ids), ids.map((communityId, i) => ({ id: i + 1, communityId, url: `https://${communityId}.example/feed`, name: null, title: `${communityId} news`, source: 'config', consecutiveFailures: 0, lastSuccessAt: null, lastError: null }) as unknown as FeedRecord)),
  } as unknown as FakeCore['store']['feeds'];
  const approvals = createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log });
  commands = createCommandDispatcher({
    services: {
      store: { ...core.store, feeds },
      clock: core.clock,
      approvals,
      analytics: { repository: analyticsRepository(), clock: core.clock, timeZoneOf: () => 'UTC' },
      news: newsServices(),
      sparks: { service: sparkService() },
      prompts: promptServices(),
    },
    access: core.access,
    audit: core.store.audit,
    log: core.log,
    communities,
  });
  core.store.grant('sandbox', 'alice', 'alpha', 'admin');
  core.store.grant('sandbox', 'carla', 'alpha', 'admin');
  core.store.grant('sandbox', 'carla', 'beta', 'admin');
});

/** `origin` null: typed outside any chat the connector names. */
const say = async (who: typeof alice, text: string, origin: ChatRef | null = TEAM) => (await commands.dispatchText(who, text, origin ? { ...origin, direct: false } : undefined))!.text;

describe('/stats, /complaints and /export in a shared desk', () => {
  it('cover the one community of the desk a manager holds, not the desk’s last community', async () => {
    expect(await say(alice, '/stats')).toMatch(/^📊 alpha — /);
    expect(await say(alice, '/complaints')).not.toBe(ERROR_MESSAGES.not_a_manager);
    await say(alice, '/export');
    expect(new Set(seen.stats.map((ids) => ids.join(',')))).toEqual(new Set(['alpha']));
  });

  it('cover every community of the desk for a manager of all of them', async () => {
    expect(await say(carla, '/stats')).toMatch(/^📊 alpha, beta — /);
    expect(seen.stats.at(-1)).toEqual(['alpha', 'beta']);
  });
});

describe('/news and /feeds in a shared desk', () => {
  it('act on the one community of the desk a manager holds', async () => {
    expect(await say(alice, '/news')).toMatch(/^Polled 0 feeds/);
    expect(seen.polled).toEqual([['alpha']]);
    expect(seen.published).toEqual(['alpha']);
    expect(await say(alice, '/feeds list')).toBe('Feeds of Alpha Club:\n#1 alpha news — https://alpha.example/feed (config file; not polled yet)');
  });

  it('ask a manager of both which community, naming them, and act on the one named first', async () => {
    const asked = await say(carla, '/news');
    expect(asked).toBe('Which community? This desk serves several of your communities: alpha (Alpha Club), beta (Beta Club). Put the id of the one you mean first, for example /news alpha');
    expect(seen.polled).toEqual([]);
    expect(await say(carla, '/feeds list')).toMatch(/^Which community\? .*alpha \(Alpha Club\), beta \(Beta Club\)\. .* \/feeds alpha …$/);
    await say(carla, '/news alpha');
    await say(carla, '/news Beta');
    expect(seen.published).toEqual(['alpha', 'beta']);
    expect(await say(carla, '/feeds beta list')).toMatch(/^Feeds of Beta Club:/);
    expect(seen.feeds).toEqual([['beta']]);
  });

  it('refuse a community the invoker holds no role in, and audit it', async () => {
    expect(await say(alice, '/news beta')).toBe(ERROR_MESSAGES.not_a_manager);
    expect(seen.published).toEqual([]);
    expect(core.store.auditOf('access.refused').at(-1)).toMatchObject({ communityId: 'beta', actor: 'sandbox:alice', subject: 'command:news' });
  });
});

describe('/spark in a shared desk', () => {
  it('offers the chats of the desk’s communities the manager holds', async () => {
    expect(await say(alice, '/spark')).toMatch(/^✨ Spark #7 for sandbox:general \(general\) is on the desk/);
    expect(seen.sparkChats).toEqual([['alpha']]);
    expect(await say(alice, '/spark plaza')).toBe('No chat you manage matches "plaza". Chats: sandbox:general (general).');
  });

  it('asks a manager of both which chat, listing the chats of both communities', async () => {
    expect(await say(carla, '/spark')).toBe('Which chat? Usage: /spark [chat]. Chats: sandbox:general (general), sandbox:plaza (plaza).');
    expect(await say(carla, '/spark general')).toMatch(/^✨ Spark #7 for sandbox:general/);
    expect(seen.sparked).toEqual(['alpha']);
  });
});

describe('/prompt in a shared desk', () => {
  const WARM = '## en\nHey {{member}}, on it!';

  it('acts on the one community of the desk an admin holds', async () => {
    expect(await say(alice, '/prompt list')).toMatch(/^Prompts in force for alpha:/);
    await say(alice, `/prompt set offline-question ${WARM}`);
    expect(core.store.state.promptVersions.map((v) => v.communityId)).toEqual(['alpha']);
  });

  it('asks an admin of both which community, and saves in the one named first', async () => {
    expect(await say(carla, `/prompt set offline-question ${WARM}`)).toBe(
      'Which community? This desk serves several of your communities: alpha (Alpha Club), beta (Beta Club). Put the id of the one you mean first, for example /prompt alpha …',
    );
    expect(core.store.state.promptVersions).toEqual([]);
    expect(await say(carla, `/prompt beta set offline-question ${WARM}`)).toMatch(/saved and in force for beta\./);
    expect(core.store.state.promptVersions.map((v) => v.communityId)).toEqual(['beta']);
  });
});

describe('a command that acts on one community, elsewhere', () => {
  it('asks a manager of several which one outside a desk, and takes a leading id', async () => {
    expect(await say(carla, '/news', null)).toBe(
      'Which community? You can act on several communities: alpha (Alpha Club), beta (Beta Club). Put the id of the one you mean first, for example /news alpha',
    );
    await say(carla, '/news beta', null);
    expect(seen.published).toEqual(['beta']);
  });

  it('refuses from a desk a community that desk does not serve, naming the ones it does', async () => {
    const communities = createTestCommunities();
    const approvals = createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log });
    const own = createCommandDispatcher({ services: { store: core.store, approvals, news: newsServices() }, access: core.access, audit: core.store.audit, log: core.log, communities });
    const reply = await own.dispatchText(carla, '/news beta', { platform: 'sandbox', chatId: 'desk', direct: false });
    expect(reply!.text).toBe('This desk does not serve beta: send it from a desk of beta. Here: alpha (Alpha Club).');
    expect(seen.published).toEqual([]);
  });
});
