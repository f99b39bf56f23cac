/**
 * /prompt with JAMII_LLM=openai against the loopback OpenAI-compatible server: an override of a
 * model prompt reaches the model (with the untrusted-data rule still in it), drafts name the
 * override, and test and replay compare drafts and labels without posting or storing a draft.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNTRUSTED_DATA_RULE } from '../../src/core/safety/untrusted.js';
import { PROMPTS_DIR } from '../../src/llm/prompt-registry.js';
import { startFakeOpenAIServer, type ChatRequestBody, type FakeOpenAIServer } from '../support/fake-openai-server.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { ask, rows } from './prompt-support.js';

let fake: FakeOpenAIServer;
let t: TestJamii | undefined;

beforeAll(async () => {
  fake = await startFakeOpenAIServer();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  fake.reset();
});

const systemOf = (body: ChatRequestBody) => body.messages.find((m) => m.role === 'system')?.content ?? '';
const formatOf = (body: ChatRequestBody) => (body as unknown as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name;
/** The author of the message to answer: the last data block's (earlier ones are context). */
const authorOf = (body: ChatRequestBody) => [...(body.messages.find((m) => m.role === 'user')?.content ?? '').matchAll(/author="([^"]+)"/g)].at(-1)?.[1] ?? 'friend';

/** The model: a pirate when the prompt asks for one; strict labels when the classification prompt says so. */
function script(body: ChatRequestBody): string {
  const system = systemOf(body);
  if (formatOf(body) === 'jamii_classification') {
    const strict = system.includes('STRICT LABELS');
    return JSON.stringify({ language: 'en', is_question: !strict, is_negative: false, severity: 0, topic: null, needs_reply: !strict, reason: strict ? 'Strict.' : 'Asks something.' });
  }
  const reply = system.includes('PIRATE') ? `Ahoy ${authorOf(body)}! The crew will answer ye here.` : `Hello ${authorOf(body)}, the team will answer you here.`;
  return JSON.stringify({ reply, language: 'en', sources: [], translation: null, reason: 'No passage.' });
}

function fileBody(name: string): string {
  const source = readFileSync(path.join(PROMPTS_DIR, `${name}.md`), 'utf8');
  return source.slice(source.indexOf('\n---\n') + 5).trim();
}

const PIRATE_DRAFT = fileBody('model-draft-question').replace(/^Voice: .*$/m, 'Voice: a friendly PIRATE from the team; brief.');
const STRICT_CLASSIFY = `${fileBody('model-classify')}\n\nSTRICT LABELS: only a message that names an order number is a question.`;

const start = (database: 'pglite' | 'postgres') =>
  startTestJamii({
    database,
    env: {
      JAMII_LLM: 'openai',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      JAMII_LLM_MODEL: 'duka-model',
      JAMII_LLM_TIMEOUT_MS: '5000',
      JAMII_LLM_MAX_RETRIES: '0',
      JAMII_ADMINS: 'sandbox:ada',
    },
  });

const field = (card: any, label: string): string | undefined => card.fields.find((f: { label: string }) => f.label === label)?.value;

describe.each(DATABASES)('/prompt with JAMII_LLM=openai on %s', (database) => {
  it('sends an override to the model, records it on drafts, and tests and replays it without posting or storing drafts', async () => {
    fake.onChat(script);
    t = await start(database);
    await t.post('general', 'amina', 'How long does delivery take?');
    await t.post('general', 'bea', 'Can I pay with M-Pesa?');
    const cards = await waitFor(async () => {
      const found = (await t!.messages('desk')).filter((m) => m.card).map((m) => m.card);
      return found.length >= 2 ? found : null;
    }, 20_000, 'two cards');
    const amina = cards.find((c) => c.quote === 'How long does delivery take?')!;
    expect(amina.body).toBe('Hello amina, the team will answer you here.');
    await t.post('desk', 'manager', `/edit ${amina.draftId} Ahoy amina! Delivery takes 1-2 days.`);
    await waitFor(async () => (await rows(t!, `select id from drafts where status = 'sent'`)).length === 1, 15_000, 'the edited reply sent');

    expect(await ask(t, 'ada', `/prompt set model-draft-question ${PIRATE_DRAFT}`)).toMatch(/^✅ model-draft-question v1 \(c1\+[0-9a-f]{7}\)/);
    await t.post('general', 'chidi', 'Do you deliver to Mombasa?');
    const chidi = await waitFor(async () => (await t!.messages('desk')).find((m) => m.card?.quote === 'Do you deliver to Mombasa?')?.card, 20_000, 'third card');
    expect(chidi.body).toBe('Ahoy chidi! The crew will answer ye here.');
    expect(field(chidi, 'Drafted by')).toMatch(/^openai \(duka-model\) · model-draft-question vc1\+[0-9a-f]{7}$/);
    const pirateRequest = fake.chatBodies().find((b) => systemOf(b).includes('PIRATE'))!;
    expect(systemOf(pirateRequest)).toContain(UNTRUSTED_DATA_RULE);

    const generalBefore = await t.messages('general');
    const draftsBefore = await rows(t, 'select id, status, text, prompt_version from drafts order by id');

    const test = await ask(t, 'ada', '/prompt test model-draft-question@file Is there a shop in Kisumu?');
    expect(test).toMatch(/^🧪 Dry run of model-draft-question 1\+[0-9a-f]{7} \(file default\)/);
    expect(test).toContain('Labels: question · en · Asks something.');
    expect(test).toMatch(/Drafted by openai \(duka-model\) · model-draft-question v1\+[0-9a-f]{7}/);
    expect(test).toContain('Hello ada, the team will answer you here.');

    await ask(t, 'ada', '/prompt replay model-draft-question');
    const report = await waitFor(async () => (await t!.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🔁 Replay of model-draft-question'))?.text, 20_000, 'draft replay report');
    expect(report).toMatch(/\(3 messages\): candidate c1\+[0-9a-f]{7} vs baseline 1\+[0-9a-f]{7}\./);
    expect(report).toContain('Drafts that would differ: 3 of 3 (drafts written: candidate 3, baseline 3).');
    // amina's reply was edited to a pirate greeting: the candidate comes closer to it.
    expect(report).toMatch(/Closeness to what managers sent \(1 decided; .*\): candidate 0\.\d\d, baseline 0\.\d\d; candidate closer on 1, farther on 0\./);
    expect(report).toContain('candidate: Ahoy amina! The crew will answer ye here.');

    expect(await ask(t, 'ada', `/prompt set model-classify ${STRICT_CLASSIFY}`)).toMatch(/^✅ model-classify v1/);
    await ask(t, 'ada', '/prompt replay model-classify');
    const labels = await waitFor(async () => (await t!.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🔁 Replay of model-classify'))?.text, 20_000, 'classify replay report');
    expect(labels).toContain('Labels that would change: question → no reply needed ×3.');
    expect(labels).toContain('Drafts that would differ: 3 of 3 (drafts written: candidate 0, baseline 3).');

    expect(await t.messages('general')).toEqual(generalBefore);
    expect(await rows(t, 'select id, status, text, prompt_version from drafts order by id')).toEqual(draftsBefore);

    // Live labelling reads the community's override too.
    await t.post('general', 'dana', 'Any discounts today?');
    const live = await waitFor(
      async () => fake.chatBodies().find((b) => formatOf(b) === 'jamii_classification' && b.messages.some((m) => m.role === 'user' && m.content.includes('Any discounts today?'))),
      20_000,
      'live classification',
    );
    expect(systemOf(live)).toContain('STRICT LABELS');
  });

  it('refuses a model prompt that drops the untrusted-data rule, and saves nothing', async () => {
    fake.onChat(script);
    t = await start(database);
    const reply = await ask(t, 'ada', `/prompt set model-draft-negative ${fileBody('model-draft-negative').replace('{{dataRule}}', 'Be kind.')}`);
    expect(reply).toMatch(/^Not saved: the new model-draft-negative is refused\.\n• drops \{\{dataRule\}\}/);
    expect(await rows(t, 'select * from prompt_versions')).toEqual([]);
  });
});

/** The model for news takes, scores, sparks and narratives: its voice follows the words the prompt in force uses. */
function postScript(body: ChatRequestBody): string {
  const system = systemOf(body);
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const link = /https?:\/\/[^\s"<]+/.exec(user)?.[0] ?? '';
  switch (formatOf(body)) {
    case 'news_take':
      return JSON.stringify({ post: `${system.includes('TOWN CRIER') ? 'Hear ye, hear ye!' : 'Fresh news:'} maize prices are falling. ${link}` });
    case 'news_scores':
      return JSON.stringify({ scores: [{ item: 1, score: system.includes('TOWN CRIER') ? 0.9 : 0.4, reason: 'About maize.' }] });
    case 'spark':
      return JSON.stringify({
        kind: 'question',
        text: system.includes('PIRATE') ? 'Ahoy crew, what be yer best planting tip this season?' : 'What is your best planting tip this season?',
        poll_question: null,
        poll_options: [],
        basis: 'general',
        basis_ref: null,
        reason: 'The chat is quiet.',
      });
    case undefined:
      return system.includes('HAIKU') ? 'Quiet week in the fields, questions wait for rain.' : 'The week was quiet and questions were answered.';
    default:
      return script(body);
  }
}

describe('/prompt for the prompts that write posts (JAMII_LLM=openai)', () => {
  it('dry-runs news-take, news-score, spark-model and report-narrative versions, and the live writers read the version in force', async () => {
    fake.onChat(postScript);
    t = await start('pglite');
    // The scripted model labels every message a question: the greeting gets a draft of its own.
    await t.post('general', 'amina', 'Good morning everyone');
    await waitFor(async () => (await t!.messages('desk')).find((m) => m.card), 20_000, 'the greeting drafted');
    const draftsBefore = await rows(t, 'select id, status, text from drafts order by id');

    const crier = fileBody('news-take').replace(/^Voice: .*$/m, 'Voice: a TOWN CRIER sharing the news; brief.');
    expect(crier).toContain('TOWN CRIER');
    expect(await ask(t, 'ada', `/prompt set news-take ${crier}`)).toMatch(/^✅ news-take v1 \(c1\+[0-9a-f]{7}\)/);
    const item = 'Maize prices fall 10% in Eldoret\nTraders expect a rebound. https://news.example/maize';
    const take = await ask(t, 'ada', `/prompt test news-take ${item}`);
    expect(take).toMatch(/^🧪 Dry run of news-take c1\+[0-9a-f]{7} \(override v1\)/);
    expect(take).toMatch(/Written by openai \(duka-model\) · news-take vc1\+[0-9a-f]{7}/);
    expect(take).toContain('Hear ye, hear ye! maize prices are falling. https://news.example/maize');
    expect(await ask(t, 'ada', `/prompt test news-take@file ${item}`)).toContain('Fresh news: maize prices are falling. https://news.example/maize');
    expect(await ask(t, 'ada', `/prompt test news-score@file ${item}`)).toContain('Score: 0.40 by openai:duka-model — About maize.');

    const pirate = `${fileBody('spark-model')}\nWrite as a friendly PIRATE.`;
    expect(await ask(t, 'ada', `/prompt set spark-model ${pirate}`)).toMatch(/^✅ spark-model v1/);
    const spark = await ask(t, 'ada', '/prompt test spark-model');
    expect(spark).toMatch(/^🧪 Dry run of spark-model c1\+[0-9a-f]{7} \(override v1\)/);
    expect(spark).toContain('Chat: general (sandbox:general)');
    expect(spark).toMatch(/Written by openai \(duka-model\) · spark-model vc1\+[0-9a-f]{7} · question, grounded in general/);
    expect(spark).toContain('Ahoy crew, what be yer best planting tip this season?');
    expect(await ask(t, 'ada', '/prompt test spark-model@file general')).toContain('What is your best planting tip this season?');

    const haiku = `${fileBody('report-narrative')}\nWrite it as a HAIKU.`;
    expect(await ask(t, 'ada', `/prompt set report-narrative ${haiku}`)).toMatch(/^✅ report-narrative v1/);
    const narrative = await ask(t, 'ada', '/prompt test report-narrative');
    expect(narrative).toMatch(/^🧪 Dry run of report-narrative c1\+[0-9a-f]{7} \(override v1\)/);
    expect(narrative).toContain('Quiet week in the fields, questions wait for rain.');
    expect(fake.chatBodies().filter((b) => formatOf(b) === undefined).every((b) => systemOf(b).includes(UNTRUSTED_DATA_RULE))).toBe(true);

    // The dry runs posted nothing to members and stored no draft.
    expect((await t.messages('general')).filter((m) => m.fromBot)).toEqual([]);
    expect(await rows(t, 'select id, status, text from drafts order by id')).toEqual(draftsBefore);

    // Live: /spark writes with the version in force, and the card names it.
    await ask(t, 'manager', '/spark general');
    const card = await waitFor(async () => (await t!.messages('desk')).find((m) => m.card?.body?.includes('Ahoy crew'))?.card, 20_000, 'the spark card');
    expect(field(card, 'Drafted by')).toMatch(/^openai \(duka-model\) · spark-model vc1\+[0-9a-f]{7}$/);
  });
});

