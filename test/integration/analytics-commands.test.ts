import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { seedAnalyticsHistory } from './analytics-seed.js';

const NOW = new Date('2026-11-09T06:00:00Z');

describe.each(DATABASES)('/stats, /complaints and /export in the sandbox desk on %s', (database) => {
  let t: TestJamii;

  beforeAll(async () => {
    t = await startTestJamii({ database, start: { clock: { now: () => NOW } } });
    await seedAnalyticsHistory(t.jamii.db);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** Posts a command in the desk and returns Jamii's answer to it. */
  async function ask(user: string, text: string): Promise<string> {
    const posted = await t.post('desk', user, text);
    expect(posted.status).toBe(201);
    const id = String(posted.body.id ?? posted.body.message?.id);
    const reply = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && String(m.replyTo) === id), 15_000, `reply to ${text}`);
    return reply.text;
  }

  it('answers /stats with the numbers of the period and the change against the one before', async () => {
    const text = await ask('manager', '/stats 2026-11-02..2026-11-08');
    expect(text).toContain('default — 2026-11-02..2026-11-08 (2026-11-02 – 2026-11-08, UTC)');
    expect(text).toContain('Members: +5 joined, −2 left, net +3 (+2 (+200%))');
    expect(text).toContain('Messages: 14 (+11 (+367%)) · active members: 6 (+4 (+200%))');
    expect(text).toContain('busiest: Mon 10:00 (2 msgs)');
    expect(text).toContain('Questions: 4 asked, 3 answered (1 by Jamii, 2 by members), 1 unanswered · first response median 12m, p90 26m');
    expect(text).toContain('Complaints: 4 (+4 (new)), 2 acknowledged, 2 open · first response median 21m, p90 30m · 2 left');
    expect(text).toContain('Drafts: 2 approved, 1 edited, 1 rejected, 1 expired, 1 pending · approval median 10m, p90 26m');
    expect(text).toContain('Top topics: billing (2), delivery (2), account (1), app (1)');
  });

  it('defaults /stats to the last 7 days and narrows it to a platform', async () => {
    // NOW is 2026-11-09T06:00Z: the last 7 days run from 2026-11-02T06:00Z, so Frank's join and
    // "good morning" at midnight on the 9th count too.
    const text = await ask('manager', '/stats');
    expect(text).toContain('last 7 days (2026-11-02 – 2026-11-09, UTC)');
    expect(text).toContain('Members: +6 joined, −2 left, net +4');
    expect(text).toContain('Messages: 15 ');
    expect(await ask('manager', '/stats 2026-11-02..2026-11-08 telegram')).toContain('Members: +1 joined, −0 left, net +1');
  });

  it('lists the complaints that need attention with what happened to them', async () => {
    const text = await ask('manager', '/complaints 2026-11-02..2026-11-08');
    expect(text).toContain('4 complaints: 2 acknowledged (1 by Jamii, 1 by people), 2 with no response');
    expect(text).toContain('Afterwards: 2 wrote again (1 calmer, 1 still negative), 2 left');
    expect(text).toContain('Needs attention (3):');
    expect(text).toContain('Draft #9903 2026-11-04 09:00 · Dave (sandbox · General, severity 2): Delivery is terrible, my order is late again');
    expect(text).toContain('↳ answered after 32m by Jamii (approved by manager): Sorry about the delay, we are on it.');
    expect(text).toContain('↳ wrote again 1× — still negative; left the chat');
    expect(text).toContain('Draft #9904 2026-11-06 20:00 · Alice (sandbox · General, severity 3): This is a scam\n   ↳ no response yet');
    expect(text).toContain('Recently handled:\nMessage 95007 (no draft) 2026-11-05');
    expect(text).toContain('↳ answered after 10m by Alice: Update to 2.1, that fixes it');
  });

  it('exports the metrics as CSV', async () => {
    const text = await ask('manager', '/export 2026-11-02..2026-11-08');
    const lines = text.split('\n');
    expect(lines[0]).toBe('metric,key,value');
    expect(lines).toContain('members_joined,,5');
    expect(lines).toContain('questions_unanswered,,1');
    expect(lines).toContain('complaints_open,,2');
  });

  it('explains a malformed period', async () => {
    expect(await ask('manager', '/stats 2026-13-01')).toContain('"2026-13-01" is not a period');
  });

  it('refuses a period out of range as /stats 0d does, instead of reading it as a chat', async () => {
    expect(await ask('manager', '/stats 9999d')).toMatch(/^A period runs from 1 to \d+ days; "9999d" does not\.$/);
  });

  it('says there is no such chat, naming known ones, instead of reporting zero', async () => {
    for (const command of ['/stats foo', '/complaints bar']) {
      const text = await ask('manager', command);
      expect(text).toMatch(/^There is no chat "(foo|bar)" here\. Known chats: .*"General"/);
    }
    expect(await ask('manager', '/stats 2026-11-02..2026-11-08 general')).toContain('Members:');
  });

  it('refuses /stats and /complaints from a non-manager', async () => {
    expect(await ask('alice', '/stats')).toBe('Only a manager of this community can do that.');
    expect(await ask('alice', '/complaints')).toBe('Only a manager of this community can do that.');
  });
});

describe('/stats in another community’s desk', () => {
  let t: TestJamii;
  const dir = mkdtempSync(path.join(tmpdir(), 'jamii-analytics-'));

  beforeAll(async () => {
    const file = path.join(dir, 'jamii.config.yaml');
    writeFileSync(
      file,
      ['communities:', '  - id: acme', '    name: Acme', '    default: true', '    managers: [sandbox:ann]', '  - id: beta', '    name: Beta', '    chats: { sandbox: [beta-chat] }', '    managers: [sandbox:bo]'].join('\n'),
    );
    t = await startTestJamii({ env: { JAMII_CONFIG: file, JAMII_MANAGERS: '' }, start: { clock: { now: () => NOW } } });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a manager of one community asking in the other’s desk, and answers in their own', async () => {
    const reply = async (chat: string, user: string, text: string) => {
      const posted = await t.post(chat, user, text);
      const id = String(posted.body.id ?? posted.body.message?.id);
      return (await waitFor(async () => (await t.messages(chat)).find((m) => m.fromBot && String(m.replyTo) === id))).text;
    };
    expect(await reply('desk', 'bo', '/stats')).toBe('Only a manager of this community can do that.');
    expect(await reply('desk-beta', 'bo', '/stats')).toContain('📊 beta — last 7 days');
  });
});

describe.each(DATABASES)('operational gauges on %s', (database) => {
  it('exposes how long the oldest pending draft has waited on /metrics', async () => {
    const t = await startTestJamii({ database, start: { clock: { now: () => NOW } } });
    try {
      const metric = async () => /^jamii_drafts_oldest_pending_age_seconds (\S+)$/m.exec(await (await fetch(`${t.url}/metrics`)).text())?.[1];
      expect(await metric()).toBe('0');
      await seedAnalyticsHistory(t.jamii.db);
      // Draft 9906, pending since 2026-11-05T10:01Z; NOW is 2026-11-09T06:00Z: 3 d 19 h 59 min.
      expect(await metric()).toBe(String(3 * 86_400 + 19 * 3_600 + 59 * 60));
    } finally {
      await t.stop();
    }
  }, 60_000);
});
