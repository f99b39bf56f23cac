import { afterEach, describe, expect, it } from 'vitest';
import { dropPostgresDatabase, freshPostgresUrl as newDatabase, startTestJamii, TEST_DATABASE_URL, waitFor, type TestJamii } from '../support/harness.js';

describe.skipIf(!TEST_DATABASE_URL)('several processes on one Postgres (TEST_DATABASE_URL)', () => {
  const apps: TestJamii[] = [];
  const urls: string[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.stop();
    for (const url of urls.splice(0)) await dropPostgresDatabase(url);
  });
  /** A fresh database the processes of one test share, dropped after it. */
  const freshPostgresUrl = async () => {
    const url = await newDatabase();
    urls.push(url);
    return url;
  };

  it('migrates once when two instances start at the same moment on an empty database', async () => {
    const url = await freshPostgresUrl();
    const started = await Promise.all([startTestJamii({ database: { url } }), startTestJamii({ database: { url } }), startTestJamii({ database: { url } })]);
    apps.push(...started);
    const applied = await started[0]!.jamii.db.sql.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations', []);
    expect(applied.rows[0].n).toBeGreaterThan(0);
    const tables = await started[0]!.jamii.db.sql.executeSql(`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name = 'drafts'`, []);
    expect(tables.rows[0].n).toBe(1);
  });

  it('posts once when the same draft is approved through two processes at once', async () => {
    const url = await freshPostgresUrl();
    const env = { JAMII_MANAGERS: 'sandbox:manager,sandbox:maria' };
    const a = await startTestJamii({ database: { url }, env });
    const b = await startTestJamii({ database: { url }, env });
    apps.push(a, b);
    await a.post('general', 'alice', 'Can I pay by bank transfer?');
    const card = await waitFor(async () => (await a.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    const [ra, rb] = await Promise.all([a.action('manager', `approve:${card.draftId}`), b.action('maria', `approve:${card.draftId}`)]);
    const texts = [ra.reply.text, rb.reply.text];
    expect(texts.filter((t) => t.startsWith('✅'))).toHaveLength(1);
    expect(texts.filter((t) => /already approved by (manager|maria)/.test(t))).toHaveLength(1);
    await waitFor(async () => (await a.messages('general')).some((m) => m.fromBot), 10_000, 'reply');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await b.messages('general')).filter((m) => m.fromBot)).toHaveLength(1);
    const sent = await a.jamii.db.sql.executeSql(`select count(*)::int as n from outbox where kind = 'reply' and status = 'sent'`, []);
    expect(sent.rows[0].n).toBe(1);
  });

  it('shares the work: a message ingested by one process is drafted and carded once', async () => {
    const url = await freshPostgresUrl();
    const a = await startTestJamii({ database: { url } });
    const b = await startTestJamii({ database: { url } });
    apps.push(a, b);
    for (let i = 0; i < 20; i++) await (i % 2 ? a : b).post('general', `member${i}`, `Question number ${i}: how does this work?`);
    await waitFor(async () => (await a.messages('desk')).filter((m) => m.card).length === 20, 20_000, '20 cards');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await b.messages('desk')).filter((m) => m.card)).toHaveLength(20);
    const drafts = await a.jamii.db.sql.executeSql('select count(*)::int as n from drafts', []);
    expect(drafts.rows[0].n).toBe(20);
  });
});
