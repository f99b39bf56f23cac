import { beforeEach, describe, expect, it } from 'vitest';
import { createApprovalService } from '../../../../src/core/approval-service.js';
import { createCommandDispatcher, type CommandDispatcher } from '../../../../src/core/commands/command-registry.js';
import type { DryRunDeps } from '../../../../src/core/prompts/prompt-dry-run.js';
import type { ReplayJob } from '../../../../src/core/prompts/prompt-ports.js';
import { createPromptReplayService, REPLAY_PROGRESS_EVERY, type ReplayReport } from '../../../../src/core/prompts/prompt-replay.js';
import type { ChatRef } from '../../../../src/core/types.js';
import { createOfflineNewsWriter } from '../../../../src/llm/offline/news-offline-writer.js';
import { sampleItem } from '../../../../src/core/prompts/post-prompt-dry-run.js';
import { createPromptLibrary, type PromptLibrary } from '../../../../src/llm/prompt-library.js';
import { loadPromptRegistry } from '../../../../src/llm/prompt-registry.js';
import { offlineDryRunProviders } from '../../../support/offline-dry-run.js';
import { createFakeCore, invoker, type FakeCore } from '../../../support/fakes.js';

let core: FakeCore;
let library: PromptLibrary;
let dryRun: DryRunDeps;
let commands: CommandDispatcher;

const ada = invoker('ada', 'Ada');
const alice = invoker('alice', 'Alice');
const DESK: ChatRef = { platform: 'sandbox', chatId: 'desk' };
const DESK_BETA: ChatRef = { platform: 'sandbox', chatId: 'desk-beta' };
const WARM = '## en\nHey {{member}}, on it!';

beforeEach(async () => {
  core = createFakeCore();
  library = createPromptLibrary({ files: loadPromptRegistry(), versions: core.store.promptVersions, log: core.log });
  dryRun = {
    store: core.store,
    communities: core.communities,
    providers: offlineDryRunProviders(library),
    clock: core.clock,
    log: core.log,
  };
  const approvals = createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log });
  commands = createCommandDispatcher({
    services: { store: core.store, approvals, prompts: { catalog: library, dryRun, communities: core.communities } },
    access: core.access,
    audit: core.store.audit,
    log: core.log,
    communities: core.communities,
  });
  core.store.grant('sandbox', 'ada', 'alpha', 'admin');
  core.store.grant('sandbox', 'alice', 'alpha', 'manager');
});

/** `origin` null: a connector that does not say where the command was typed. */
const say = async (who: typeof ada, text: string, origin: ChatRef | null = DESK, direct = false) => (await commands.dispatchText(who, text, origin ? { ...origin, direct } : undefined))!.text;

describe('/prompt', () => {
  it('refuses a manager who is not an admin, and audits it', async () => {
    expect(await say(alice, '/prompt list')).toBe('Only an admin of this community can do that.');
    expect(core.store.auditOf('access.refused')).toMatchObject([{ actor: 'sandbox:alice', subject: 'command:prompt', details: { needed: 'admin' } }]);
  });

  it('acts on the community whose desk it is typed in, and refuses an admin of another community there', async () => {
    core.store.grant('sandbox', 'ada', 'beta', 'admin');
    await say(ada, `/prompt set offline-question ${WARM}`, DESK_BETA);
    expect(core.store.state.promptVersions.map((v) => v.communityId)).toEqual(['beta']);
    expect(await say(ada, '/prompt list', null)).toBe(
      'Which community? You can act on several communities: alpha (Alpha Club), beta (Beta Club). Put the id of the one you mean first, for example /prompt alpha …',
    );

    core.store.grant('sandbox', 'alice', 'beta', 'admin');
    expect(await say(alice, '/prompt list', DESK)).toBe('Only an admin of this community can do that.');
    expect(core.store.auditOf('access.refused').at(-1)).toMatchObject({ communityId: 'alpha', actor: 'sandbox:alice', subject: 'command:prompt' });
  });

  it('uses the only community of an admin when the chat is not a desk', async () => {
    expect(await say(ada, '/prompt list', null)).toMatch(/^Prompts in force for alpha:/);
  });

  it('saves, refreshes the versions in force at once, and audits the change', async () => {
    expect(await say(ada, `/prompt set offline-question # comment: friendlier\n${WARM}`)).toMatch(/^✅ offline-question v1 \(c1\+[0-9a-f]{7}\) saved and in force for alpha\./);
    expect(library.get('offline-question', 'alpha').version).toMatch(/^c1\+/);
    expect(core.store.auditOf('prompt.set')).toMatchObject([{ communityId: 'alpha', actor: 'sandbox:ada', subject: 'prompt:alpha:offline-question', details: { version: 1, comment: 'friendlier' } }]);
    expect(await say(ada, '/prompt show offline-question 7')).toBe('offline-question has no version 7 in alpha: its versions are 1 to 1 (or file).');
  });

  it('queues a replay with its versions fixed, and answers at once when there is nothing to replay', async () => {
    await say(ada, `/prompt set offline-question ${WARM}`);
    expect(await say(ada, '/prompt replay offline-question')).toBe('Nothing to replay: no questions or complaints in alpha over the last 7 days.');
    core.store.seedMessage({ text: 'How do I reset my password?' });
    expect(await say(ada, '/prompt replay offline-question 14d')).toMatch(/^🔁 Replaying offline-question: v1 \(candidate\) against the file default \(baseline\) on 1 message from the last 14 days\./);
    expect(core.store.jobs.of('prompt-replay')).toMatchObject([{ communityId: 'alpha', name: 'offline-question', candidate: 1, baseline: null, days: 14, origin: DESK, requestedBy: 'sandbox:ada' }]);
    expect(core.store.state.drafts.size).toBe(0);
  });

  it('sends a replay asked from a members\' chat to the community\'s desks, and one asked from a desk or a private chat back there', async () => {
    await say(ada, `/prompt set offline-question ${WARM}`);
    core.store.seedMessage({ text: 'How do I reset my password?' });
    const GENERAL: ChatRef = { platform: 'sandbox', chatId: 'general' };
    const PRIVATE: ChatRef = { platform: 'telegram', chatId: '4242' };
    // A slash command typed in a members' channel (Discord, Slack): the answer is the invoker's alone, the report is not.
    expect(await say(ada, '/prompt replay offline-question', GENERAL)).toContain('Progress and the report will be posted to the desks of alpha;');
    // The connector says whether a chat is the invoker's private chat with the bot.
    expect(await say(ada, '/prompt replay offline-question', PRIVATE, true)).toContain('Progress and the report will be posted here;');
    expect(await say(ada, '/prompt replay offline-question', DESK)).toContain('Progress and the report will be posted here;');
    // Typed in beta's desk, the replay is beta's and reports there.
    core.store.grant('sandbox', 'ada', 'beta', 'admin');
    core.store.seedMessage({ communityId: 'beta', chat: { platform: 'sandbox', chatId: 'plaza' }, text: '¿Cómo cambio mi contraseña?' });
    await say(ada, `/prompt set offline-question ${WARM}`, DESK_BETA);
    expect(await say(ada, '/prompt replay offline-question', DESK_BETA)).toContain('posted here;');
    expect(core.store.jobs.of('prompt-replay').map((j) => [j.communityId, j.origin, j.originDirect])).toEqual([
      ['alpha', null, false],
      ['alpha', PRIVATE, true],
      ['alpha', DESK, false],
      ['beta', DESK_BETA, false],
    ]);

    // The job of the replay asked in the members' chat posts to alpha's desk, not to the members.
    const replays = createPromptReplayService({ ...dryRun, catalog: library, deskPlatforms: () => ['sandbox'] });
    await replays.run(core.store.jobs.of('prompt-replay')[0]!);
    expect([...core.store.state.outbox.values()].map((n) => n.target)).toEqual([DESK]);
  });

  it('has nothing to compare when the prompt reads as its file default', async () => {
    core.store.seedMessage({ text: 'How do I reset my password?' });
    expect(await say(ada, '/prompt replay offline-question')).toMatch(/^Nothing to compare: offline-question reads as its file default in alpha/);
  });
});

describe('/prompt for the prompts that write posts', () => {
  const TOWN_CRIER = '## en\n📣 Hear ye: {{headline}}! {{summary}}\nMore from {{source}}: {{link}}';

  it('lists news, spark and report prompts, marking the ones only the model reads as unused offline', async () => {
    const list = await say(ada, '/prompt list');
    expect(list.split('\n').filter((l) => !l.startsWith('•'))).toEqual([
      'Prompts in force for alpha:',
      'Replies to members:',
      'News posts:',
      'Discussion starters:',
      'Weekly report:',
      'See one with /prompt show NAME; change it with /prompt set NAME <text>.',
    ]);
    expect(list).toMatch(/News posts:\n• news-offline: 1\+[0-9a-f]{7} \(file default\)\n/);
    for (const name of ['news-take', 'news-score', 'spark-model', 'report-narrative']) expect(list).toMatch(new RegExp(`• ${name}: \\d+\\+[0-9a-f]{7} \\(file default\\) — unused: Jamii runs offline`));
  });

  it('tests a news-offline version on a sample item, and the live news writer uses the version in force for that community only', async () => {
    expect(await say(ada, `/prompt set news-offline ${TOWN_CRIER}`)).toMatch(/^✅ news-offline v1 \(c1\+[0-9a-f]{7}\) saved and in force for alpha/);
    const test = await say(ada, '/prompt test news-offline Maize prices fall 10% in Eldoret\nTraders expect a rebound after the harvest. Prices were high.\nhttps://news.example/maize');
    expect(test).toMatch(/^🧪 Dry run of news-offline c1\+[0-9a-f]{7} \(override v1\) — nothing was posted or stored\./);
    expect(test).toContain('Item: "Maize prices fall 10% in Eldoret" — Traders expect a rebound after the harvest. Prices were high. (https://news.example/maize)');
    expect(test).toContain('📣 Hear ye: Maize prices fall 10% in Eldoret! Traders expect a rebound after the harvest.\nMore from prompt test: https://news.example/maize');
    const file = await say(ada, '/prompt test news-offline@file Maize prices fall');
    expect(file).toContain('📰 Maize prices fall');
    expect(file).toContain('https://example.org/jamii-prompt-test');
    expect(core.store.auditOf('prompt.test').map((a) => a.subject)).toEqual(['prompt:alpha:news-offline', 'prompt:alpha:news-offline']);

    const writer = createOfflineNewsWriter(library);
    const item = { ...sampleItem('alpha', 'Seed fair on Saturday', core.clock.now()), link: 'https://news.example/fair', feedLabel: 'Kilimo Wire' };
    const topics = { keywords: [], description: 'farming' };
    const alpha = await writer.writeTake({ community: { id: 'alpha', name: 'Alpha', language: 'en', topics }, items: [item], maxLength: 1900 });
    expect(alpha).toMatchObject({ text: '📣 Hear ye: Seed fair on Saturday! \nMore from Kilimo Wire: https://news.example/fair', promptName: 'news-offline' });
    expect(alpha.promptVersion).toMatch(/^c1\+/);
    const beta = await writer.writeTake({ community: { id: 'beta', name: 'Beta', language: 'en', topics }, items: [item], maxLength: 1900 });
    expect(beta.text).toMatch(/^📰 Seed fair on Saturday/);
  });

  it('refuses a news-offline version without the item\'s link, and saves nothing', async () => {
    const reply = await say(ada, '/prompt set news-offline ## en\n📰 {{headline}}');
    expect(reply).toMatch(/^Not saved: the new news-offline is refused\./);
    expect(reply).toContain('{{link}}');
    expect(core.store.state.promptVersions).toEqual([]);
  });

  it('asks for the sample item a news prompt needs, and explains that sparks and the narrative are not replayed', async () => {
    expect(await say(ada, '/prompt test news-take')).toBe('The sample item is missing: /prompt test news-take <headline>, then its summary on the next lines and its link.');
    expect(await say(ada, '/prompt test model-draft-question')).toBe('The sample message is missing: /prompt test model-draft-question <a message a member might write>.');
    expect(await say(ada, '/prompt replay spark-model')).toBe(
      "A replay rewrites the community's recent replies or news posts, which spark-model does not write (it writes discussion starters). Try a version of it with /prompt test spark-model.",
    );
    expect(await say(ada, '/prompt replay report-narrative')).toContain("which report-narrative does not write (it writes the weekly report's narrative)");
    // A news prompt is replayed over the community's news posts: here there are none.
    await say(ada, '/prompt set news-offline ## en\n📰 {{headline}} ({{source}}): {{link}}');
    expect(await say(ada, '/prompt replay news-offline')).toBe('Nothing to replay: no news posts in alpha over the last 7 days.');
    expect(core.store.jobs.of('prompt-replay')).toEqual([]);
  });

  it('shows a news post prompt with its drafts\' quality, and a report narrative without any', async () => {
    expect(await say(ada, '/prompt show news-offline')).toContain('Quality per version (from this community’s drafts, newest version first):\n  no drafts yet');
    const report = await say(ada, '/prompt show report-narrative');
    expect(report).toContain('Quality per version: none (what report-narrative writes is not a draft managers approve or reject).');
    expect(report).toContain('{{dataRule}}');
  });

  it('scores a sample item against the community\'s news topics, or its name when it has none', async () => {
    const without = await say(ada, '/prompt test news-score Maize prices fall in Eldoret');
    expect(without).toContain('(alpha has no news topics configured: scored against its name alone.)');
    expect(without).toMatch(/Score: 0\.00 by lexical/);

    const topics = { keywords: ['maize', 'seed'], description: 'Smallholder farming' };
    const scoped = createCommandDispatcher({
      services: { store: core.store, approvals: createApprovalService({ store: core.store, access: core.access, metrics: core.metrics, clock: core.clock, log: core.log }), prompts: { catalog: library, dryRun, communities: core.communities, newsOf: () => ({ topics, feeds: [], chats: [] }) } },
      access: core.access,
      audit: core.store.audit,
      log: core.log,
      communities: core.communities,
    });
    const withTopics = (await scoped.dispatchText(ada, '/prompt test news-score Maize prices fall in Eldoret', { ...DESK, direct: false }))!.text;
    expect(withTopics).not.toContain('no news topics configured');
    expect(withTopics).toMatch(/Score: 0\.\d\d by lexical — matches: maize/);
    expect(withTopics).not.toMatch(/Score: 0\.00/);
  });

  it('says offline that spark-model and report-narrative have nothing to try', async () => {
    expect(await say(ada, '/prompt test spark-model')).toMatch(/spark-model is only used with the language model, and offline templates write sparks\. Nothing to try\.$/);
    expect(await say(ada, '/prompt test report-narrative')).toMatch(/report-narrative is only used with the language model, and offline templates write the report narrative\. Nothing to try\.$/);
  });
});

describe('a replay job', () => {
  const job = (fields: Partial<ReplayJob> = {}): ReplayJob => ({
    replayId: 'r1',
    communityId: 'alpha',
    name: 'offline-question',
    candidate: 1,
    baseline: null,
    days: 7,
    origin: DESK,
    requestedBy: 'sandbox:ada',
    ...fields,
  });

  it('reports progress and the result to the desk it was asked from, once, storing no draft', async () => {
    await say(ada, `/prompt set offline-question ${WARM}`);
    for (let i = 0; i < REPLAY_PROGRESS_EVERY + 5; i++) core.store.seedMessage({ text: `Question number ${i}?`, author: { id: `m${i}`, displayName: `Member ${i}` } });
    const replays = createPromptReplayService({ ...dryRun, catalog: library, deskPlatforms: () => ['sandbox'] });
    const report = await replays.run(job());
    expect(report).toMatchObject({ total: 30, failed: 0, differ: 30, candidateDrafts: 30, baselineDrafts: 30, candidateUsed: 30, decided: 0 });
    const notices = [...core.store.state.outbox.values()];
    expect(notices.map((n) => [n.kind, n.target.chatId, n.text.split('\n')[0]])).toEqual([
      ['notice', 'desk', `⏳ Replay of offline-question: ${REPLAY_PROGRESS_EVERY} of 30 messages done…`],
      ['notice', 'desk', expect.stringMatching(/^🔁 Replay of offline-question over the last 7 days \(30 messages\): candidate c1\+[0-9a-f]{7} vs baseline 1\+[0-9a-f]{7}\.$/)],
    ]);
    expect(core.store.jobs.of('send')).toHaveLength(2);
    // A retried job posts nothing twice.
    await replays.run(job());
    expect(core.store.state.outbox.size).toBe(2);
    expect(core.store.state.drafts.size).toBe(0);
  });

  it('reports to every desk of the community when it does not know where it was asked', async () => {
    await say(ada, `/prompt set offline-question ${WARM}`);
    core.store.seedMessage({ text: 'How do I reset my password?' });
    const replays = createPromptReplayService({ ...dryRun, catalog: library, deskPlatforms: () => ['sandbox'] });
    await replays.run(job({ origin: null }));
    expect([...core.store.state.outbox.values()].map((n) => n.target)).toEqual([{ platform: 'sandbox', chatId: 'desk' }]);
  });

  it('measures each version against what the manager sent', async () => {
    await say(ada, `/prompt set offline-question ${WARM}`);
    const sent = core.store.seedDraft({ status: 'sent', text: 'Hey Amina, on it! Reset it under Settings.', originalText: 'Thanks for your question, Amina!' });
    const replays = createPromptReplayService({ ...dryRun, catalog: library, deskPlatforms: () => ['sandbox'] });
    const report = (await replays.run(job())) as ReplayReport;
    expect(sent.message!.text).toBe('How do I reset my password?');
    expect(report.decided).toBe(1);
    expect(report.closer).toBe(1);
    expect(report.meanDistance.candidate!).toBeLessThan(report.meanDistance.baseline!);
  });
});
