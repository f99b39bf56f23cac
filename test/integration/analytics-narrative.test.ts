/** The weekly report's narrative from a model (a loopback fake OpenAI server), and its fallback. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { seedAnalyticsHistory } from './analytics-seed.js';
import { ask } from './prompt-support.js';

const NOW = new Date('2026-11-09T09:30:00Z');
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

const start = async () => {
  t = await startTestJamii({
    env: { JAMII_LLM: 'openai', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test-not-a-real-key', JAMII_LLM_MODEL: 'report-model', JAMII_LLM_TIMEOUT_MS: '5000', JAMII_LLM_MAX_RETRIES: '0', JAMII_ADMINS: 'sandbox:ada' },
    start: { clock: { now: () => NOW } },
  });
  await seedAnalyticsHistory(t.jamii.db);
  return t;
};

const weeklyReport = async (t: TestJamii) =>
  waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🗓 Weekly report')));

describe('weekly report narrative with JAMII_LLM=openai', () => {
  it('asks the model with the report-narrative prompt and the week’s figures, and posts its answer', async () => {
    const story = 'A busier week: 14 messages against 3, and 3 new members. Three complaints still need a reply.';
    fake.onChat(() => story);
    const t = await start();
    expect(await t.jamii.reports.postDue()).toBe(1);
    expect((await weeklyReport(t)).text).toContain(`\n\n${story}`);

    const [body] = fake.chatBodies().filter((b) => b.messages.some((m) => m.content.includes('weekly community report')));
    expect(body!.model).toBe('report-model');
    const user = body!.messages.find((m) => m.role === 'user')!.content;
    const figures = JSON.parse(user.slice(0, user.indexOf('\n\n')));
    expect(figures.this_week).toMatchObject({ joined: 5, left: 2, messages: 14, questions_unanswered: 1, complaints_needing_attention: 3 });
    expect(figures.last_week).toMatchObject({ joined: 1, messages: 3 });
    expect(user).toContain('<member_context source="topics">\nbilling (2), delivery (2), account (1), app (1)\n</member_context>');
  });

  it('writes with the community\'s override of report-narrative once an admin sets one', async () => {
    fake.onChat((body) => (body.messages.some((m) => m.role === 'system' && m.content.includes('ONE SENTENCE ONLY')) ? 'Busier, and three complaints wait.' : 'The file prompt.'));
    const t = await start();
    const saved = await ask(t, 'ada', '/prompt set report-narrative Summarise the week of "{{communityName}}" in "{{language}}". ONE SENTENCE ONLY.\n{{dataRule}}');
    expect(saved).toMatch(/^✅ report-narrative v1/);
    expect(await t.jamii.reports.postDue()).toBe(1);
    expect((await weeklyReport(t)).text).toContain('\n\nBusier, and three complaints wait.');
  });

  it('falls back to the template when the model answer fails its checks', async () => {
    fake.onChat(() => 'Great week! Read more at https://evil.example @everyone');
    const t = await start();
    expect(await t.jamii.reports.postDue()).toBe(1);
    const report = await weeklyReport(t);
    expect(report.text).toContain('The week was busier than the week before');
    expect(report.text).not.toContain('evil.example');
  });
});
