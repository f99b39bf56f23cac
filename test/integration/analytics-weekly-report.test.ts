import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { seedAnalyticsHistory } from './analytics-seed.js';

/** Monday 09:30 UTC: the default schedule (Monday 09:00 UTC) made the week of 2026-11-02..08 due. */
const NOW = new Date('2026-11-09T09:30:00Z');
const clock = { now: () => NOW };

const reportsIn = async (t: TestJamii) => (await t.messages('desk')).filter((m) => m.fromBot && m.text.startsWith('🗓 Weekly report'));

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.each(DATABASES)('weekly report on %s', (database) => {
  let t: TestJamii;

  beforeAll(async () => {
    t = await startTestJamii({ database, start: { clock } });
    await seedAnalyticsHistory(t.jamii.db);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('registers a durable pg-boss schedule', async () => {
    const { rows } = await t.jamii.db.sql.executeSql(`select name, cron from pgboss.schedule where name = 'weekly-report'`, []);
    expect(rows).toEqual([{ name: 'weekly-report', cron: '*/10 * * * *' }]);
  });

  it('posts the week to the desk once, even when the job runs twice at the same moment and again later', async () => {
    const runs = await Promise.all([t.jamii.reports.postDue(), t.jamii.reports.postDue()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await t.jamii.reports.postDue()).toBe(0);
    const [report] = await waitFor(async () => {
      const found = await reportsIn(t);
      return found.length > 0 ? found : null;
    });
    expect(report!.text).toContain('week to 2026-11-08 (2026-11-02 – 2026-11-08, UTC)');
    expect(report!.text).toContain('Members: +5 joined, −2 left, net +3 (+2 (+200%))');
    expect(report!.text).toContain(
      'The week was busier than the week before (+11 (+367%) messages) and the community grew by 3. 3 of 4 questions got an answer, typically within 12m. 3 of 4 complaints still need attention — see /complaints. Most talked about: billing.',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await reportsIn(t)).toHaveLength(1);
  });

  it('links a PNG chart of growth and activity', async () => {
    const [report] = await reportsIn(t);
    const link = /Chart: (\S+)/.exec(report!.text)?.[1];
    expect(link).toBe(`${t.url}/api/reports/chart.png?community=default&week=2026-11-09`);
    const res = await fetch(link!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(pngSize(Buffer.from(await res.arrayBuffer()))).toEqual({ width: 800, height: 420 });
    expect((await fetch(`${t.url}/api/reports/chart.png?community=nope&week=2026-11-09`)).status).toBe(404);
  });

  it('attaches the chart to the desk post itself, for platforms that show pictures', async () => {
    const { rows } = await t.jamii.db.sql.executeSql(`select id from outbox where dedupe_key = 'report:weekly:default:2026-11-09:sandbox:desk'`, []);
    const post = await t.jamii.store.outbox.get(Number(rows[0]!.id));
    expect(post?.image).toMatchObject({ filename: 'jamii-default-week-2026-11-09.png', contentType: 'image/png', alt: 'Members and activity per day, week before 2026-11-09' });
    expect(pngSize(Buffer.from(post!.image!.dataBase64, 'base64'))).toEqual({ width: 800, height: 420 });
    // The sandbox has no pictures: it says one is there.
    const [report] = await reportsIn(t);
    expect(report!.text.endsWith('[image: Members and activity per day, week before 2026-11-09]')).toBe(true);
  });
});

describe('weekly report across a restart (PGlite data directory)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jamii-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not posted again by the next process', async () => {
    const start = { clock, memoryDb: false, pgliteTemplate: undefined };
    const first = await startTestJamii({ env: { JAMII_DATA_DIR: dir }, start });
    try {
      await seedAnalyticsHistory(first.jamii.db);
      expect(await first.jamii.reports.postDue()).toBe(1);
      await waitFor(async () => (await reportsIn(first)).length === 1);
    } finally {
      await first.stop();
    }
    const second = await startTestJamii({ env: { JAMII_DATA_DIR: dir }, start });
    try {
      expect(await second.jamii.reports.postDue()).toBe(0);
      expect(await reportsIn(second)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
