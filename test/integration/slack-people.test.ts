/**
 * A manager is one person across platforms: the communities file links Amina's sandbox id and
 * her Slack id (`people:`). Managing with one id means managing with both; the audit log names
 * her as the person behind either id, and /stats counts her decisions from both platforms as one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockAction, cardFor, draftIdOf, FAKE_SLACK, MANAGER, MEMBER, messageEvent, sendSigned, slackEnv, slashCommand, startFakeSlack, type FakeSlack } from '../support/fake-slack-server.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

let fake: FakeSlack;
let app: TestJamii;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'jamii-people-'));
  const file = path.join(dir, 'jamii.config.yaml');
  writeFileSync(
    file,
    [
      'communities:',
      '  - id: kilimo',
      '    name: Kilimo',
      `    desk: { slack: ${FAKE_SLACK.deskChannelId} }`,
      '    managers: [sandbox:amina]',
      'people:',
      '  - name: Amina',
      `    ids: [sandbox:amina, slack:${MANAGER.id}]`,
    ].join('\n'),
  );
  fake = await startFakeSlack();
  app = await startTestJamii({ env: { ...slackEnv(fake), JAMII_CONFIG: file, JAMII_MANAGERS: '', JAMII_SANDBOX: 'on' } });
});
afterEach(async () => {
  await app.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function draftFor(text: string): Promise<number> {
  await sendSigned(app.url, messageEvent(MEMBER, text));
  return draftIdOf(await waitFor(async () => cardFor(fake, text), 15_000, 'card'));
}

describe('one manager across platforms', () => {
  it('lets a linked Slack id manage, names the person in the audit log, and counts her decisions once', async () => {
    const first = await draftFor('How do I register my farm?');
    const second = await draftFor('Where is the nearest collection point?');

    // Only sandbox:amina is named a manager; her linked Slack id manages too.
    await sendSigned(app.url, blockAction(MANAGER, `approve:${first}`));
    await waitFor(async () => (await app.jamii.store.drafts.statusOf(first)) !== 'pending', 10_000, 'approved from Slack');
    const reply = await app.action('amina', `reject:${second}`);
    expect(JSON.stringify(reply)).toContain('rejected');

    const audit = await app.jamii.db.sql.executeSql(`select actor, details->>'person' as person from audit_log where action in ('draft.approved', 'draft.rejected') order by id`, []);
    expect(audit.rows).toEqual([
      { actor: `slack:${MANAGER.id}`, person: 'Amina' },
      { actor: 'sandbox:amina', person: 'Amina' },
    ]);

    const res = await sendSigned(app.url, slashCommand(fake, MANAGER, 'stats 7d'));
    const text = res.text ? (JSON.parse(res.text) as { text: string }).text : (await waitFor(async () => fake.responses[0], 10_000, 'stats answer')).body.text;
    expect(text).toContain('Decided by: Amina 2');
  });
});
