import { beforeEach, describe, expect, it } from 'vitest';
import { burstLabels } from '../../../src/core/draft-context.js';
import { createDraftingService, DRAFT_TEXT_MAX_CHARS, type DraftingService } from '../../../src/core/drafting-service.js';
import { JamiiError } from '../../../src/core/errors.js';
import type { LanguageProvider } from '../../../src/core/ports.js';
import type { Labels, Platform } from '../../../src/core/types.js';
import { createOfflineProvider } from '../../../src/llm/offline/offline-provider.js';
import { loadPromptRegistry } from '../../../src/llm/prompt-registry.js';
import { createFakeCore, type FakeCore } from '../../support/fakes.js';

const prompts = loadPromptRegistry();

let core: FakeCore;
let provider: LanguageProvider;
let deskPlatforms: Platform[];
let drafting: DraftingService;

/** A drafting service over the fake core, with `over` in place of its defaults. */
function build(over: Partial<Parameters<typeof createDraftingService>[0]> = {}) {
  drafting = createDraftingService({ store: core.store, provider, communities: core.communities, deskPlatforms: () => deskPlatforms, metrics: core.metrics, clock: core.clock, log: core.log, ...over });
}

beforeEach(() => {
  core = createFakeCore();
  provider = createOfflineProvider({ prompts });
  deskPlatforms = ['sandbox'];
  build();
});

const labels = (over: Partial<Labels>): Labels => ({ language: 'en', isQuestion: false, isNegative: false, severity: 0, reasons: [], ...over });

describe('draftFor', () => {
  it('drafts a reply for a question, holds it pending, and puts a card on the community’s desk', async () => {
    const message = core.store.seedMessage({ text: '¿Dónde está la tienda?', labels: labels({ language: 'es', isQuestion: true, reasons: ['asks with a question mark'] }) });
    core.clock.advance(2000);

    const { created: ids } = await drafting.draftFor([message.id]);

    expect(ids).toHaveLength(1);
    const draft = core.store.state.drafts.get(ids[0]!)!;
    expect(draft).toMatchObject({
      messageId: message.id,
      communityId: 'alpha',
      kind: 'question',
      status: 'pending',
      language: 'es',
      promptName: 'offline-question',
      promptVersion: prompts.get('offline-question').version,
      provider: 'offline',
    });
    expect(draft.reason).toMatch(/^Question in es: asks with a question mark\. Nothing in the knowledge base answers it/);
    expect(draft.text).toMatch(/^¡Gracias por tu pregunta, Amina!/);
    const cards = [...core.store.state.outbox.values()];
    expect(cards).toEqual([expect.objectContaining({ kind: 'card', target: { platform: 'sandbox', chatId: 'desk' }, draftId: draft.id, dedupeKey: `card:${draft.id}:sandbox:desk` })]);
    expect(cards[0]!.card).toMatchObject({ draftId: draft.id, body: draft.text, status: 'pending' });
    expect(core.store.jobs.of('send')).toEqual([{ outboxIds: [cards[0]!.id] }]);
    expect(core.store.auditOf('draft.created')[0]).toMatchObject({ communityId: 'alpha', subject: `draft:${draft.id}`, details: { kind: 'question', provider: 'offline' } });
    expect(core.metrics.drafts).toEqual(['question']);
    expect(core.metrics.latencies).toEqual([{ stage: 'draft_pending', seconds: 2 }]);
  });

  it('drafts negative feedback as a complaint even when it is also a question', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true, isNegative: true, severity: 2 }) });
    const {
      created: [id],
    } = await drafting.draftFor([message.id]);
    expect(core.store.state.drafts.get(id!)).toMatchObject({ kind: 'negative', promptName: 'offline-negative' });
  });

  it('drafts a burst by its messages together: a question followed by an angry message is an urgent complaint', async () => {
    const question = core.store.seedMessage({ text: 'Where is my order?', labels: labels({ isQuestion: true, reasons: ['asks with a question mark'] }) });
    const angry = core.store.seedMessage({ text: 'Worst service ever!!!', labels: labels({ isNegative: true, severity: 3, reasons: ['complaint: "worst"'] }) });
    core.store.conversation.burstOf = async (id) => (id === question.id ? [question.id, angry.id] : []);
    build({ burstWindowSeconds: 10 });

    const { created } = await drafting.draftFor([question.id]);

    const draft = core.store.state.drafts.get(created[0]!)!;
    expect(draft).toMatchObject({ messageId: question.id, mergedMessageIds: [angry.id], kind: 'negative', promptName: 'offline-negative' });
    expect(draft.reason).toContain('worst');
    expect(core.metrics.drafts).toEqual(['negative']);
  });

  it('puts the card on the desk of the message’s own community', async () => {
    const message = core.store.seedMessage({ communityId: 'beta', chat: { platform: 'sandbox', chatId: 'plaza' }, labels: labels({ isQuestion: true }) });
    await drafting.draftFor([message.id]);
    expect([...core.store.state.outbox.values()].map((r) => r.target.chatId)).toEqual(['desk-beta']);
  });

  it('drafts once per message however often the job runs', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    const first = await drafting.draftFor([message.id]);
    const second = await drafting.draftFor([message.id]);
    expect(first.created).toHaveLength(1);
    expect(second).toEqual({ created: [], failed: [] });
    expect(core.store.state.drafts.size).toBe(1);
    expect(core.store.state.outbox.size).toBe(1);
  });

  it('skips messages that are neutral, unlabelled, from a bot, or unknown', async () => {
    const neutral = core.store.seedMessage({ labels: labels({}) });
    const unlabelled = core.store.seedMessage({ labels: null });
    const bot = core.store.seedMessage({ labels: labels({ isQuestion: true }), author: { isBot: true } });
    expect(await drafting.draftFor([neutral.id, unlabelled.id, bot.id, 999])).toEqual({ created: [], failed: [] });
    expect(core.store.state.drafts.size).toBe(0);
  });

  it('creates no card when no desk platform is running', async () => {
    deskPlatforms = [];
    build();
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    expect((await drafting.draftFor([message.id])).created).toHaveLength(1);
    expect(core.store.state.outbox.size).toBe(0);
  });

  it('writes no draft for a message deleted before its job ran', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    core.store.state.messages.get(message.id)!.deletedAt = new Date();
    expect((await drafting.draftFor([message.id])).created).toEqual([]);
    expect(core.store.state.drafts.size).toBe(0);
  });

  it('refuses an empty draft from the provider and stores nothing', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    for (const text of ['   ', '\u200b\u2060']) {
      provider = { name: 'stub', classify: async () => labels({}), draft: async () => ({ text, reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'stub' }) };
      build();
      const outcome = await drafting.draftFor([message.id]);
      expect(outcome.created).toEqual([]);
      expect(outcome.failed).toEqual([{ messageId: message.id, error: expect.any(JamiiError) }]);
    }
    expect(core.store.state.drafts.size).toBe(0);
  });

  it.each([
    ['too long', 'x'.repeat(DRAFT_TEXT_MAX_CHARS + 1), 'too_long'],
    ['pinging everyone', 'Sure! @everyone look at this', 'mass_mention'],
    ['with a link no source holds', 'See https://evil.example/login for details.', 'unknown_link'],
  ])('flags a draft that is %s: stored for a human, without an Approve button', async (_what, text, code) => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    provider = { name: 'stub', classify: async () => labels({}), draft: async () => ({ text, reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'stub' }) };
    build();
    const outcome = await drafting.draftFor([message.id]);
    expect(outcome.created).toHaveLength(1);
    const stored = core.store.state.drafts.get(outcome.created[0]!)!;
    expect(stored.flags.some((f) => f.startsWith(`${code}:`))).toBe(true);
    const card = [...core.store.state.outbox.values()].find((p) => p.kind === 'card')!;
    expect(card.card!.actions.map((a) => a.id)).not.toContain(`approve:${stored.id}`);
  });

  it('strips invisible characters from the provider\'s text before storing it', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    provider = { name: 'stub', classify: async () => labels({}), draft: async () => ({ text: 'Hello\u200b there\u{E0041}', reason: 'r', language: 'en', promptName: 'p', promptVersion: '1', provider: 'stub' }) };
    build();
    const outcome = await drafting.draftFor([message.id]);
    expect(core.store.state.drafts.get(outcome.created[0]!)!.text).toBe('Hello there');
  });

  it('stores the drafts it could make when another message in the batch fails, in one transaction', async () => {
    const good = core.store.seedMessage({ text: 'How do I log in?', labels: labels({ isQuestion: true }) });
    const bad = core.store.seedMessage({ text: 'poison', labels: labels({ isQuestion: true }) });
    const real = provider;
    provider = { ...real, draft: async (req) => (req.message.text === 'poison' ? Promise.reject(new Error('model down')) : real.draft(req)) };
    build();
    const outcome = await drafting.draftFor([good.id, bad.id]);
    expect(outcome.created).toHaveLength(1);
    expect(outcome.failed.map((f) => f.messageId)).toEqual([bad.id]);
    expect([...core.store.state.drafts.values()].map((d) => d.messageId)).toEqual([good.id]);
  });

  it('spends no provider call on a message that already has a draft', async () => {
    const message = core.store.seedMessage({ labels: labels({ isQuestion: true }) });
    await drafting.draftFor([message.id]);
    let calls = 0;
    const real = provider;
    provider = { ...real, draft: async (req) => (calls++, real.draft(req)) };
    build();
    await drafting.draftFor([message.id]);
    expect(calls).toBe(0);
  });
});

describe('draftFor: intake first', () => {
  it('waits while intake is storing messages before it drafts, then drafts as usual', async () => {
    const message = core.store.seedMessage({ text: 'How do I pay?', labels: labels({ isQuestion: true }) });
    let release!: () => void;
    let waits = 0;
    const intakeBusy = new Promise<void>((r) => (release = r));
    build({
      intakeFirst: () => (waits++, intakeBusy),
    });
    const pending = drafting.draftFor([message.id]);
    await new Promise((r) => setTimeout(r, 10));
    expect(core.store.state.drafts.size).toBe(0);
    release();
    const { created } = await pending;
    expect(created).toHaveLength(1);
    expect(waits).toBeGreaterThanOrEqual(1);
  });
});

describe('draftFor: a long batch runs in time slices', () => {
  it('lets intake store members’ messages between drafts once a slice is used up, and drafts the whole batch', async () => {
    const messages = ['How do I pay?', 'Where is the shop?', 'When do you open?'].map((text) => core.store.seedMessage({ text, labels: labels({ isQuestion: true }) }));
    // Each draft takes 3 ms of this thread, past the 2 ms slice: intake gets its turn between drafts.
    let t = 0;
    const real = provider;
    const drafted: string[] = [];
    const events: string[] = [];
    let intakeBusy: Promise<void> | null = null;
    let releaseIntake = () => {};
    provider = {
      ...real,
      draft: async (req) => {
        t += 3;
        drafted.push(req.message.text);
        events.push(`draft ${req.message.text}`);
        return real.draft(req);
      },
    };
    build({
      sliceClock: () => t,
      intakeFirst: () => {
        events.push('intake first');
        return intakeBusy ?? Promise.resolve();
      },
    });
    // Intake turns busy after the first draft, and stays busy until the test lets it go.
    const pending = drafting.draftFor(messages.map((m) => m.id));
    while (drafted.length === 0) await new Promise((r) => setImmediate(r));
    intakeBusy = new Promise<void>((resolve) => (releaseIntake = resolve));
    await new Promise((r) => setTimeout(r, 10));
    expect(drafted).toEqual(['How do I pay?']);
    releaseIntake();
    intakeBusy = null;
    const { created } = await pending;
    expect(created).toHaveLength(3);
    expect(drafted).toEqual(['How do I pay?', 'Where is the shop?', 'When do you open?']);
    // Before the batch, then between every two drafts (each used up its slice), then before the transaction.
    const drafts = events.filter((e) => e.startsWith('draft'));
    expect(drafts).toHaveLength(3);
    const between = events.slice(events.indexOf(drafts[0]!), events.indexOf(drafts[2]!) + 1);
    expect(between).toEqual([drafts[0], 'intake first', drafts[1], 'intake first', drafts[2]]);
  });

  it('does not pause between drafts that fit in one slice', async () => {
    const messages = ['How do I pay?', 'Where is the shop?'].map((text) => core.store.seedMessage({ text, labels: labels({ isQuestion: true }) }));
    let waits = 0;
    build({
      sliceClock: () => 0,
      intakeFirst: async () => void waits++,
    });
    const { created } = await drafting.draftFor(messages.map((m) => m.id));
    expect(created).toHaveLength(2);
    // Only the batch's own steps: before it starts, before writing, before its transaction.
    expect(waits).toBe(3);
  });
});

describe('draftFor: a provider that serves several requests at once', () => {
  /** A provider whose calls wait until the test lets them go, counting how many run at once. */
  function gatedProvider(parallelism: number | undefined) {
    const real = createOfflineProvider({ prompts });
    const gate = { inFlight: 0, maxInFlight: 0, started: [] as string[], waiting: [] as Array<() => void> };
    const gated = async <T>(text: string, work: () => Promise<T>): Promise<T> => {
      gate.inFlight++;
      gate.maxInFlight = Math.max(gate.maxInFlight, gate.inFlight);
      gate.started.push(text);
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
      gate.inFlight--;
      return work();
    };
    const wrapped: LanguageProvider = {
      name: 'gated',
      parallelism,
      classify: (text, hint) => gated(`classify:${text}`, () => real.classify(text, hint)),
      draft: (req) => (req.message.text === 'poison' ? gated('draft:poison', () => Promise.reject(new Error('model down'))) : gated(`draft:${req.message.text}`, () => real.draft(req))),
    };
    return { provider: wrapped, gate };
  }

  /** Lets every waiting call go, again and again, until `done` settles. */
  async function releaseUntil<T>(gate: { waiting: Array<() => void> }, done: Promise<T>): Promise<T> {
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((r) => setTimeout(r, 1));
      for (const go of gate.waiting.splice(0)) go();
    }
    return done;
  }

  const seedQuestions = (texts: string[]) => texts.map((text) => core.store.seedMessage({ text, labels: labels({ isQuestion: true }) }));

  it('writes up to its parallelism of the batch at once, and stores them in the messages’ order', async () => {
    const { provider: gatedOne, gate } = gatedProvider(3);
    provider = gatedOne;
    build();
    const messages = seedQuestions(['q1?', 'q2?', 'q3?', 'q4?', 'poison', 'q6?', 'q7?']);
    const pending = drafting.draftFor(messages.map((m) => m.id));
    await new Promise((r) => setTimeout(r, 5));
    expect(gate.inFlight).toBe(3); // three calls started before any finished
    const outcome = await releaseUntil(gate, pending);
    expect(gate.maxInFlight).toBe(3);
    expect(outcome.failed.map((f) => f.messageId)).toEqual([messages[4]!.id]);
    const drafted = [...core.store.state.drafts.values()].map((d) => d.messageId);
    expect(drafted).toEqual(messages.filter((m) => m.text !== 'poison').map((m) => m.id));
  });

  it('labels again at the same parallelism when it reclassifies', async () => {
    const { provider: gatedOne, gate } = gatedProvider(2);
    provider = gatedOne;
    drafting = createDraftingService({ store: core.store, provider, communities: core.communities, deskPlatforms: () => deskPlatforms, metrics: core.metrics, clock: core.clock, log: core.log, reclassify: true });
    const messages = seedQuestions(['Where is my order?', 'How do I pay?', 'Can I return it?']);
    const outcome = await releaseUntil(gate, drafting.draftFor(messages.map((m) => m.id)));
    expect(outcome.created).toHaveLength(3);
    expect(gate.maxInFlight).toBe(2);
    expect(gate.started.filter((s) => s.startsWith('classify:'))).toHaveLength(3);
  });

  it('calls one at a time when it names no parallelism (the offline provider)', async () => {
    const { provider: gatedOne, gate } = gatedProvider(undefined);
    provider = gatedOne;
    build();
    const messages = seedQuestions(['a?', 'b?', 'c?']);
    const outcome = await releaseUntil(gate, drafting.draftFor(messages.map((m) => m.id)));
    expect(outcome.created).toHaveLength(3);
    expect(gate.maxInFlight).toBe(1);
  });
});

describe('burstLabels', () => {
  it('raises the anchor’s labels by the rest of the burst, leaving deleted messages out', () => {
    const anchor = core.store.seedMessage({ labels: labels({ isQuestion: true, reasons: ['asks'] }) });
    const mild = core.store.seedMessage({ labels: labels({ isNegative: true, severity: 1, reasons: ['"slow"'] }) });
    const gone = { ...core.store.seedMessage({ labels: labels({ isNegative: true, severity: 3, reasons: ['"scam"'] }) }), deletedAt: new Date() };
    expect(burstLabels(anchor, [anchor, mild, gone])).toEqual({ ...anchor.labels, isQuestion: true, isNegative: true, severity: 1, reasons: ['asks', '"slow"'] });
    expect(burstLabels(anchor, [anchor])).toEqual(anchor.labels);
  });
});
