/**
 * /prompt on the sandbox with the offline provider: admins only (refusals audited), every change
 * a new version, diff and rollback, drafts naming the version in force when they were written,
 * refusals that save nothing, and dry runs (test, replay) that post and store nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';
import { ask, rows } from './prompt-support.js';

const ADMIN_ENV = { JAMII_ADMINS: 'sandbox:ada' };

const field = (card: any, label: string): string | undefined => card.fields.find((f: { label: string }) => f.label === label)?.value;

const WARM_QUESTION = '# comment: warmer voice\n## en\nHey {{member}}, great question! We are checking and will be right back here.';
const WARMER_QUESTION = '## en\nHey {{member}}, lovely question! Give us a moment, we will answer right here.\n\n## es\n¡Hola {{member}}! Te respondemos enseguida.';

describe.each(DATABASES)('/prompt on the sandbox (offline provider) on %s', (database) => {
  let t: TestJamii | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('refuses a member and a manager who is not an admin, and audits both refusals', async () => {
    t = await startTestJamii({ database, env: ADMIN_ENV });
    expect(await ask(t, 'mallory', '/prompt list')).toBe('Only an admin of this community can do that.');
    expect(await ask(t, 'manager', '/prompt set offline-question ## en\nHi {{member}}')).toBe('Only an admin of this community can do that.');
    const refusals = await rows<{ actor: string; subject: string }>(t, `select actor, subject from audit_log where action = 'access.refused' order by id`);
    expect(refusals).toEqual([
      { actor: 'sandbox:mallory', subject: 'command:prompt' },
      { actor: 'sandbox:manager', subject: 'command:prompt' },
    ]);
    expect(await rows(t, 'select * from prompt_versions')).toEqual([]);
  });

  it('keeps every version, diffs them, rolls back, and each draft names the version in force when it was written', async () => {
    t = await startTestJamii({ database, env: ADMIN_ENV });
    const list0 = await ask(t, 'ada', '/prompt list');
    expect(list0).toMatch(/offline-question: 1\+[0-9a-f]{7} \(file default\)/);
    expect(list0).toMatch(/model-classify: .* unused: Jamii runs offline/);

    expect(await ask(t, 'ada', `/prompt set offline-question\n${WARM_QUESTION}`)).toMatch(/^✅ offline-question v1 \(c1\+[0-9a-f]{7}\) saved and in force for default/);
    await t.post('general', 'amina', 'How do I reset my password?');
    const first = await waitFor(async () => (await t!.messages('desk')).find((m) => m.card)?.card, 15_000, 'first card');
    expect(first.body).toBe('Hey amina, great question! We are checking and will be right back here.');
    expect(field(first, 'Drafted by')).toMatch(/^offline · offline-question vc1\+[0-9a-f]{7}$/);

    expect(await ask(t, 'ada', `/prompt set offline-question ${WARMER_QUESTION}`)).toMatch(/v2 \(c2\+/);
    const diff = await ask(t, 'ada', '/prompt diff offline-question 1 2');
    expect(diff).toMatch(/^--- offline-question c1\+[0-9a-f]{7} \(override v1\)\n\+\+\+ offline-question c2\+[0-9a-f]{7} \(override v2\)\n@@ -1,2 \+1,5 @@/);
    expect(diff).toContain('-Hey {{member}}, great question! We are checking and will be right back here.');
    expect(diff).toContain('+## es');
    const fromFile = await ask(t, 'ada', '/prompt diff offline-question');
    expect(fromFile).toMatch(/^--- offline-question 1\+[0-9a-f]{7} \(file default\)\n\+\+\+ offline-question c2\+/);
    expect(fromFile).toContain('-## ru');

    expect(await ask(t, 'ada', '/prompt rollback offline-question 1')).toMatch(/rolled back to v1: saved as v3, now in force: c3\+[0-9a-f]{7}/);
    expect(await ask(t, 'ada', '/prompt diff offline-question 1 3')).toMatch(/^No difference between/);
    await t.post('general', 'bea', 'Where can I see my invoices?');
    await waitFor(async () => (await t!.messages('desk')).filter((m) => m.card).length >= 2, 15_000, 'second card');

    expect(await ask(t, 'ada', '/prompt rollback offline-question file')).toMatch(/rolled back to the file default: saved as v4, now in force: 1\+[0-9a-f]{7}/);
    await t.post('general', 'chidi', 'When does the shop open?');
    await waitFor(async () => (await t!.messages('desk')).filter((m) => m.card).length >= 3, 15_000, 'third card');

    const drafts = await rows<{ prompt_version: string }>(t, `select prompt_version from drafts order by id`);
    const versions = drafts.map((d) => d.prompt_version);
    expect(versions[0]).toMatch(/^c1\+/);
    expect(versions[1]).toBe(versions[0]!.replace(/^c1/, 'c3'));
    expect(versions[2]).toMatch(/^1\+[0-9a-f]{7}$/);

    const history = await rows<{ version: number; body: string | null; comment: string | null; created_by: string; rollback_of: string | null }>(
      t,
      `select version, body, comment, created_by, rollback_of from prompt_versions order by version`,
    );
    expect(history.map((h) => [h.version, h.rollback_of, h.comment, h.created_by])).toEqual([
      [1, null, 'warmer voice', 'sandbox:ada'],
      [2, null, null, 'sandbox:ada'],
      [3, 'c1', null, 'sandbox:ada'],
      [4, 'file', null, 'sandbox:ada'],
    ]);
    expect(history[2]!.body).toBe(history[0]!.body);
    expect(history[3]!.body).toBeNull();

    const show = await ask(t, 'ada', '/prompt show offline-question 1');
    expect(show).toMatch(/Saved by ada at .* — "warmer voice"/);
    expect(show).toContain('History: v1, v2, v3, v4=file');
    expect(show).toMatch(/c1\+[0-9a-f]{7} — 1 draft: 0 approved as drafted, 0 edited, 0 rejected, 1 pending/);
    const audited = await rows<{ action: string }>(t, `select action from audit_log where action like 'prompt.%' order by id`);
    expect(audited.map((a) => a.action)).toEqual(['prompt.list', 'prompt.set', 'prompt.set', 'prompt.diff', 'prompt.diff', 'prompt.rollback', 'prompt.diff', 'prompt.rollback', 'prompt.show']);
  });

  it('refuses bad prompt text with a clear message and saves nothing', async () => {
    t = await startTestJamii({ database, env: ADMIN_ENV });
    expect(await ask(t, 'ada', '/prompt set offline-question ## en\nHi {{member}}, about {{order}}')).toMatch(/^Not saved: .*\n• it uses \{\{order\}\}, which offline-question does not take/);
    expect(await ask(t, 'ada', '/prompt set model-draft-question You write replies for {{community}} in {{language}} for {{deskLanguage}}, under {{maxLength}}.')).toMatch(
      /drops \{\{dataRule\}\}: it is the safety rule/,
    );
    expect(await ask(t, 'ada', '/prompt set offline-negative Sorry {{member}}!')).toMatch(/written per language/);
    expect(await ask(t, 'ada', '/prompt set brand-voice Be nice.')).toMatch(/^There is no prompt "brand-voice"\. Prompts: offline-question, offline-negative, offline-answer, model-classify/);
    expect(await rows(t, 'select * from prompt_versions')).toEqual([]);
  });

  it('dry-runs a sample and replays last week without posting to members or storing drafts', async () => {
    t = await startTestJamii({ database, env: ADMIN_ENV });
    for (const [user, text] of [
      ['amina', 'How do I reset my password?'],
      ['bea', 'Where can I see my invoices?'],
      ['chidi', 'This app is terrible, it crashed again and I lost my cart!'],
      ['dana', 'When does the shop open on Sundays?'],
    ] as const) {
      await t.post('general', user, text);
    }
    const cards = await waitFor(async () => {
      const found = (await t!.messages('desk')).filter((m) => m.card);
      return found.length >= 4 ? found.map((m) => m.card) : null;
    }, 15_000, 'four cards');
    const byQuote = (q: string) => cards.find((c) => c.quote === q)!;
    // Answers a manager writes to questions teach Jamii those answers (the learning loop; a
    // holding reply approved as drafted teaches nothing): replayed, these two questions are
    // answered from knowledge, by offline-answer.
    await t.post('desk', 'manager', `/edit ${byQuote('How do I reset my password?').draftId} Reset it under Account → Security → Reset password.`);
    await t.post('desk', 'manager', `/edit ${byQuote('Where can I see my invoices?').draftId} Your invoices are under Account → Billing.`);
    await waitFor(async () => (await rows(t!, `select id from drafts where status = 'sent'`)).length >= 2, 15_000, 'two replies sent');
    const generalBefore = await t.messages('general');
    const draftsBefore = await rows(t, 'select id, status, text, prompt_version from drafts order by id');

    await ask(t, 'ada', `/prompt set offline-question ${WARMER_QUESTION}`);
    const test = await ask(t, 'ada', '/prompt test offline-question How late is support open?');
    expect(test).toMatch(/^🧪 Dry run of offline-question c1\+[0-9a-f]{7} \(override v1\) — nothing was posted and no draft was stored\./);
    expect(test).toContain('Labels: question · en');
    expect(test).toMatch(/Drafted by offline · offline-question vc1\+[0-9a-f]{7}/);
    expect(test).toContain('Hey ada, lovely question! Give us a moment, we will answer right here.');
    expect(await ask(t, 'ada', '/prompt test offline-question@file How late is support open?')).toContain('Thanks for your question, ada!');
    // The sample is answered from what Jamii learned: another prompt writes it, and the reply says so.
    expect(await ask(t, 'ada', '/prompt test offline-question How do I reset my password?')).toContain('(offline-question was not used for this message: offline-answer wrote the draft.)');

    const queued = await ask(t, 'ada', '/prompt replay offline-question');
    expect(queued).toMatch(/^🔁 Replaying offline-question: v1 \(candidate\) against the file default \(baseline\) on 4 messages from the last 7 days\./);
    const report = await waitFor(async () => (await t!.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🔁 Replay of offline-question'))?.text, 20_000, 'replay report');
    expect(report).toMatch(/^🔁 Replay of offline-question over the last 7 days \(4 messages\): candidate c1\+[0-9a-f]{7} vs baseline 1\+[0-9a-f]{7}\./);
    expect(report).toContain('Drafts that would differ: 1 of 4 (drafts written: candidate 4, baseline 4).');
    expect(report).toContain('offline-question itself wrote 1 of the candidate');
    expect(report).toContain('Labels: none would change.');
    expect(report).toContain('• dana: "When does the shop open on Sundays?"\n   baseline: Thanks for your question, dana!');
    expect(report).toContain('   candidate: Hey dana, lovely question!');
    expect(report).toContain('Nothing was posted to members and no draft was stored.');

    // The brand voice of answers from knowledge: replayed against what the managers actually sent.
    expect(await ask(t, 'ada', '/prompt set offline-answer ## en\n{{answer}}\n\n## es\n{{member}}: {{answer}}')).toMatch(/section "en" leaves out \{\{member\}\}/);
    await ask(t, 'ada', '/prompt set offline-answer ## en\n{{answer}} ({{member}})');
    await ask(t, 'ada', '/prompt replay offline-answer');
    const answers = await waitFor(async () => (await t!.messages('desk')).find((m) => m.fromBot && m.text.startsWith('🔁 Replay of offline-answer'))?.text, 20_000, 'second report');
    expect(answers).toMatch(/candidate c1\+[0-9a-f]{7} vs baseline 1\+[0-9a-f]{7}\./);
    expect(answers).toContain('Drafts that would differ: 2 of 4');
    expect(answers).toMatch(/Closeness to what managers sent \(2 decided; mean normalised edit distance, 0 = identical\): candidate 0\.\d\d, baseline 0\.\d\d; candidate closer on \d, farther on \d\./);

    expect(await t.messages('general')).toEqual(generalBefore);
    expect(await rows(t, 'select id, status, text, prompt_version from drafts order by id')).toEqual(draftsBefore);
  });
});
