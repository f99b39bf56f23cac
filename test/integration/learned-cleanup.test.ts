/**
 * Answers learned before the learning loop was fixed are cleaned at start: a holding reply
 * approved as drafted had been learned as the answer (and was then quoted to the next member,
 * with the first member's name), and an answer kept the greeting naming the member it was written
 * for. Entries learned as they are learned now are left as they are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

const cardsOn = async (t: TestJamii) => (await t.messages('desk')).filter((m) => m.card).map((m) => m.card);

/** Asks in the members' chat and waits for the card; returns its draft id and drafted text. */
async function ask(t: TestJamii, member: string, question: string): Promise<{ draftId: number; body: string }> {
  await t.post('general', member, question);
  return waitFor(async () => (await cardsOn(t)).find((c) => c.quote === question), 20_000, `card for ${question}`);
}

/** What the desk sees: /learned's entries (the newest first), as `question → answer`. */
async function learnedLines(t: TestJamii): Promise<string[]> {
  const asked = await t.post('desk', 'manager', '/learned');
  const reply = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.replyTo === asked.body.id), 10_000, '/learned');
  return [...reply.text.matchAll(/^L\d+ · Q: (.*)\n\s+A: (.*)$/gm)].map((m) => `${m[1]} → ${m[2]}`);
}

describe('answers learned before the learning loop was fixed', () => {
  let t: TestJamii | undefined;
  let dir = '';
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('are cleaned at start: a learned holding reply is removed, a greeting naming the member is dropped, the rest is left alone', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-learned-cleanup-'));
    const onDisk = { env: { JAMII_DATA_DIR: path.join(dir, 'data') }, start: { memoryDb: false } };
    t = await startTestJamii(onDisk);
    const store = t.jamii.store;
    const learnAsBefore = (draft: { draftId: number }, question: string, answer: string) =>
      store.knowledge.learn({ communityId: 'default', question, answer, language: 'en', draftId: draft.draftId, createdBy: 'sandbox:manager' });

    // A holding reply approved as drafted: the earlier version learned it word for word.
    const holding = await ask(t, 'amina', 'Do you deliver to Kampala?');
    expect(holding.body).toBe('Thanks for your question, amina! Our team is looking into it and will answer you right here shortly.');
    await t.post('desk', 'manager', `/approve ${holding.draftId}`);
    await learnAsBefore(holding, 'Do you deliver to Kampala?', holding.body);

    // An edited answer opening with the member's name: the earlier version kept the greeting.
    const mpesa = await ask(t, 'baraka', 'Can I pay with M-Pesa?');
    await t.post('desk', 'manager', `/edit ${mpesa.draftId} Hi baraka! Yes, choose M-Pesa at checkout.`);
    await waitFor(async () => (await t!.messages('general')).some((m) => m.fromBot && m.text === 'Hi baraka! Yes, choose M-Pesa at checkout.'), 20_000, 'the reply');
    await learnAsBefore(mpesa, 'Can I pay with M-Pesa?', 'Hi baraka! Yes, choose M-Pesa at checkout.');

    // Learned as it is learned now: the greeting already dropped, and an answer with none.
    const hours = await ask(t, 'chausiku', 'When do you open?');
    await t.post('desk', 'manager', `/edit ${hours.draftId} Hi chausiku! We open at 9.`);
    const parking = await ask(t, 'juma', 'Is there parking?');
    await t.post('desk', 'manager', `/edit ${parking.draftId} Yes, behind the shop.`);
    await waitFor(async () => (await learnedLines(t!)).length === 4, 20_000, 'four learned answers');

    await t.stop();
    t = await startTestJamii(onDisk);

    const lines = await learnedLines(t);
    expect(lines.join('\n')).not.toContain('Our team is looking into it');
    expect(lines).toEqual(['Is there parking? → Yes, behind the shop.', 'When do you open? → We open at 9.', 'Can I pay with M-Pesa? → Yes, choose M-Pesa at checkout.']);
    const { rows } = await t.jamii.db.sql.executeSql(`select action, details from audit_log where action = 'knowledge.cleaned' order by id`, []);
    expect(rows.map((r: any) => r.details.reason)).toEqual(['holding_reply', 'member_greeting']);

    // The next member asking about Kampala gets a holding reply of their own, not amina's.
    const again = await ask(t, 'wanjiru', 'do you deliver to kampala?');
    expect(again.body).toBe('Thanks for your question, wanjiru! Our team is looking into it and will answer you right here shortly.');
  });
});
