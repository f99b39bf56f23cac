import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

describe('sandbox connector', () => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('redelivers member posts the core had not taken when the process stopped', async () => {
    app = await startTestJamii();
    // The platform side has the post (as Telegram holds an unconfirmed update); the core never saw it.
    const row = await app.jamii.sandbox!.platform.postFromMember('general', 'alice', 'Why was I charged twice?');
    expect((await app.jamii.sandbox!.platform.undelivered()).map((r) => r.id)).toEqual([row.id]);
    await app.jamii.sandbox!.start();
    expect(await app.jamii.sandbox!.platform.undelivered()).toEqual([]);
    const card = await waitFor(async () => (await app!.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    expect(card.quote).toBe('Why was I charged twice?');
  });

  it('shows a card as answered by the member who replied while the asker’s burst window was open', async () => {
    app = await startTestJamii({ env: { JAMII_BURST_WINDOW_SECONDS: '2' } });
    const t = app;
    const question = await t.post('general', 'alice', 'How do I reset my password?');
    expect((await t.post('general', 'bob', 'Settings › Account › Reset password', question.body.id)).status).toBe(201);
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 20_000, 'card');
    expect(card.fields).toContainEqual({ label: 'Answered', value: expect.stringMatching(/^by bob at .* UTC: check before posting$/) });
    const asked = await t.post('desk', 'manager', '/pending');
    const listing = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.replyTo === asked.body.id), 10_000, '/pending answer');
    expect(listing.text).toContain('answered by bob');
  });

  it.each([
    ['a non-JSON body', 'not json', 'invalid_json'],
    ['a missing chat', JSON.stringify({ user: 'a', text: 'hi' }), 'invalid_input'],
    ['an empty user', JSON.stringify({ chat: 'general', user: '  ', text: 'hi' }), 'invalid_input'],
    ['an empty text', JSON.stringify({ chat: 'general', user: 'a', text: '' }), 'invalid_input'],
    ['a non-string text', JSON.stringify({ chat: 'general', user: 'a', text: 42 }), 'invalid_input'],
    ['text over 4096 characters', JSON.stringify({ chat: 'general', user: 'a', text: 'x'.repeat(4097) }), 'text_too_long'],
    ['a JSON array', '[]', 'invalid_input'],
    ['a bad chat name', JSON.stringify({ chat: '../etc', user: 'a', text: 'hi' }), 'invalid_input'],
  ])('answers 400 with a clear error for %s, and stores nothing', async (_what, body, code) => {
    app ??= await startTestJamii();
    const res = await fetch(`${app.url}/api/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(5);
    const stored = await app.jamii.db.sql.executeSql('select count(*)::int as n from sandbox_messages', []);
    expect(stored.rows[0].n).toBe(0);
  });

  it('accepts text of exactly 4096 characters', async () => {
    app = await startTestJamii();
    const res = await app.post('general', 'alice', 'y'.repeat(4096));
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^\d+$/);
  });

  it('lists messages oldest first with bot posts included, and requires a chat', async () => {
    app = await startTestJamii();
    const q = await app.post('general', 'alice', 'How do I join the beta?');
    const card = await waitFor(async () => (await app!.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    await app.post('desk', 'manager', `/approve ${card.draftId}`);
    await app.post('general', 'bob', 'thanks');
    const list = await waitFor(async () => {
      const m = await app!.messages('general');
      return m.length === 3 ? m : null;
    }, 10_000, 'three messages');
    // The reply and bob's message race; whichever came first has the smaller id.
    expect(list[0]!.user).toBe('alice');
    expect(list.map((m) => `${m.user}:${m.fromBot}`).sort()).toEqual(['Jamii:true', 'alice:false', 'bob:false']);
    for (const m of list) expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'user', 'text', 'replyTo', 'fromBot', 'at']));
    const ids = list.map((m) => Number(m.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(list.find((m) => m.fromBot)!.replyTo).toBe(q.body.id);
    const bad = await fetch(`${app.url}/api/sandbox/messages`);
    expect(bad.status).toBe(400);
  });

  it('serves health and Prometheus metrics', async () => {
    app = await startTestJamii();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    await app.post('general', 'alice', 'This is awful, my order is broken!!');
    await waitFor(async () => (await app!.messages('desk')).find((m) => m.card), 15_000, 'card');
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/jamii_messages_ingested_total 1/);
    expect(text).toMatch(/jamii_drafts_created_total\{kind="negative"\} 1/);
    expect(text).toMatch(/jamii_drafts_created_total\{kind="question"\} 0/);
    expect(text).toMatch(/jamii_decisions_total\{outcome="approved"\} 0/);
    expect(text).toMatch(/jamii_posts_sent_total\{kind="card"\} 1/);
    expect(text).toMatch(/jamii_pipeline_latency_seconds_bucket\{le="[0-9.]+",stage="draft_pending"\}/);
    expect(text).toMatch(/jamii_drafts_pending 1/);
  });

  it('answers 503 on /healthz when the database is gone', async () => {
    app = await startTestJamii();
    await app.jamii.db.close();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    // The stop below must cope with the database already closed.
  });
});

describe.each(DATABASES)('sandbox bot posts (%s)', (database) => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const card = { draftId: 7, status: 'pending', quote: 'Where is my order?', body: 'It ships "today" — ¡sí!', fields: [{ label: 'Why', value: 'a question' }], actions: [] } as never;

  it('posts an outbox row once however often it is sent, keeps its card as JSON, and posts replies without one each time', async () => {
    app = await startTestJamii({ database });
    const platform = app.jamii.sandbox!.platform;
    const first = await platform.postFromBot({ chat: 'desk', text: 'card text', replyTo: null, card, outboxId: 41 });
    const again = await platform.postFromBot({ chat: 'desk', text: 'card text', replyTo: null, card, outboxId: 41 });
    expect(again).toEqual(first);
    const [a, b] = await Promise.all([
      platform.postFromBot({ chat: 'desk', text: 'reply', replyTo: null, card: null, outboxId: null }),
      platform.postFromBot({ chat: 'desk', text: 'reply', replyTo: null, card: null, outboxId: null }),
    ]);
    expect(a.id).not.toBe(b.id);
    const desk = await app.messages('desk');
    expect(desk.map((m) => m.text)).toEqual(['card text', 'reply', 'reply']);
    expect(desk[0]!.card).toEqual(card);
    const { rows } = await app.jamii.db.sql.executeSql(`select jsonb_typeof(card) as type from sandbox_messages where outbox_id = 41`, []);
    expect(rows).toEqual([{ type: 'object' }]);
  });

  it('posts a batch of outbox rows in one call, in order, and a row posted before keeps its first post', async () => {
    app = await startTestJamii({ database });
    const platform = app.jamii.sandbox!.platform;
    const member = await platform.postFromMember('general', 'alice', 'Where is my order?');
    const earlier = await platform.postFromBot({ chat: 'desk', text: 'card 2', replyTo: null, card, outboxId: 52 });
    const created: string[] = [];
    platform.changes.on('change', (c) => c.kind === 'created' && created.push(c.id));

    const posted = await platform.postManyFromBot([
      { chat: 'desk', text: 'card 1', replyTo: null, card, outboxId: 51 },
      { chat: 'desk', text: 'card 2', replyTo: null, card, outboxId: 52 },
      { chat: 'general', text: 'a reply', replyTo: member.id, card: null, outboxId: 53 },
    ]);
    expect(posted[1]).toEqual(earlier);
    expect(posted[0]!.id).toBeGreaterThan(earlier.id);
    expect(posted[2]!.id).toBeGreaterThan(posted[0]!.id);
    expect(created).toEqual([String(posted[0]!.id), String(posted[2]!.id)]);

    // The whole batch again (a retried job): the same posts, nothing new.
    expect(await platform.postManyFromBot([
      { chat: 'desk', text: 'card 1', replyTo: null, card, outboxId: 51 },
      { chat: 'general', text: 'a reply', replyTo: member.id, card: null, outboxId: 53 },
    ])).toEqual([posted[0], posted[2]]);
    expect(created).toHaveLength(2);
    expect((await app.messages('desk')).map((m) => m.text)).toEqual(['card 2', 'card 1']);
    const general = await app.messages('general');
    expect(general.map((m) => [m.text, m.replyTo, m.fromBot])).toEqual([['Where is my order?', null, false], ['a reply', String(member.id), true]]);
    expect((await app.messages('desk'))[1]!.card).toEqual(card);
  });
});
