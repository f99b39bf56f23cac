/**
 * Grounded drafting end to end on the sandbox with the offline provider: knowledge files →
 * a member's question → a draft quoting the knowledge with its sources on the card, in the
 * member's language; bursts answered once; a member's answer shown on the card; the learning
 * loop answering the next question from an approved reply.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jamii-grounded-'));
  writeFileSync(
    path.join(dir, 'faq.md'),
    `# Duka FAQ\n\n## How long does delivery take?\nOrders inside Nairobi arrive in 1-2 working days; the rest of Kenya takes 3-5 days.\n\n## Can I pay with M-Pesa?\nYes: choose M-Pesa at checkout and confirm the prompt on your phone within 2 minutes.\n`,
  );
  writeFileSync(
    path.join(dir, 'faq.sw.md'),
    `## Usafirishaji huchukua muda gani?\nOda za Nairobi hufika ndani ya siku 1-2 za kazi; sehemu nyingine za Kenya siku 3-5.\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cardsOn = async (t: TestJamii) => (await t.messages('desk')).filter((m) => m.card).map((m) => m.card);
const field = (card: any, label: string): string | undefined => card.fields.find((f: { label: string }) => f.label === label)?.value;

describe.each(DATABASES)('grounded drafting on %s', (database) => {
  let t: TestJamii | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('answers a question from the knowledge base, in the member’s language, with its sources on the card', async () => {
    t = await startTestJamii({ database, env: { JAMII_KNOWLEDGE_DIR: dir } });
    await t.post('general', 'amina', 'How long does delivery take to Mombasa?');
    await t.post('general', 'juma', 'Habari, usafirishaji huchukua muda gani hadi Kisumu?');
    const cards = await waitFor(async () => {
      const list = await cardsOn(t!);
      return list.length === 2 ? list : null;
    }, 20_000, 'two cards');
    const en = cards.find((c) => c.quoteAuthor === 'amina')!;
    expect(en.body).toBe('Hi amina! Orders inside Nairobi arrive in 1-2 working days; the rest of Kenya takes 3-5 days.');
    expect(field(en, 'Sources')).toBe('faq.md › Duka FAQ › How long does delivery take?');
    expect(field(en, 'Why')).toContain('Answered from faq.md');
    const sw = cards.find((c) => c.quoteAuthor === 'juma')!;
    expect(sw.body).toBe('Habari juma! Oda za Nairobi hufika ndani ya siku 1-2 za kazi; sehemu nyingine za Kenya siku 3-5.');
    expect(field(sw, 'Sources')).toBe('faq.sw.md › Usafirishaji huchukua muda gani?');
    expect(field(sw, 'Why')).toContain('cannot translate it for the desk');
  });

  it('starts with a UTF-16 knowledge file (Notepad\'s "Unicode") and answers from it', async () => {
    const notepad = mkdtempSync(path.join(tmpdir(), 'jamii-grounded-utf16-'));
    const faq = '# Gift cards\r\n\r\n## Do you sell gift cards?\r\nYes: gift cards from 500 to 5000 shillings are sold in the app.\r\n';
    writeFileSync(path.join(notepad, 'gift-cards.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(faq, 'utf16le')]));
    try {
      t = await startTestJamii({ database, env: { JAMII_KNOWLEDGE_DIR: notepad } });
      await t.post('general', 'amina', 'Do you sell gift cards?');
      const card = await waitFor(async () => (await cardsOn(t!))[0], 20_000, 'card');
      expect(card.body).toBe('Hi amina! Yes: gift cards from 500 to 5000 shillings are sold in the app.');
      expect(field(card, 'Sources')).toBe('gift-cards.md › Gift cards › Do you sell gift cards?');
    } finally {
      rmSync(notepad, { recursive: true, force: true });
    }
  });

  it('answers a burst of messages from one member with one draft', async () => {
    t = await startTestJamii({ database, env: { JAMII_KNOWLEDGE_DIR: dir, JAMII_BURST_WINDOW_SECONDS: '2' } });
    await t.post('general', 'amina', 'hi team');
    await t.post('general', 'amina', 'my order is late again, this is really annoying');
    await t.post('general', 'amina', 'where is it??');
    await t.post('general', 'baraka', 'Can I pay with M-Pesa?');
    const cards = await waitFor(async () => {
      const list = await cardsOn(t!);
      return list.length >= 2 ? list : null;
    }, 20_000, 'cards');
    // Give any stray per-message draft time to appear; none may.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const all = await cardsOn(t);
    const amina = all.filter((c) => c.quoteAuthor === 'amina');
    expect(amina).toHaveLength(1);
    expect(amina[0].quote).toBe('hi team\nmy order is late again, this is really annoying\nwhere is it??');
    expect(amina[0].title).toContain('3 messages');
    expect(all.filter((c) => c.quoteAuthor === 'baraka')).toHaveLength(1);
  });

  it('marks a pending draft answered when another member replies to the question, and learns from an approval', async () => {
    t = await startTestJamii({ database, env: { JAMII_KNOWLEDGE_DIR: dir } });
    const question = await t.post('general', 'amina', 'Do you deliver to Kampala?');
    const card = await waitFor(async () => (await cardsOn(t!))[0], 20_000, 'card');
    expect(field(card, 'Sources')).toBe('none: not grounded in the knowledge base');

    await t.post('general', 'baraka', 'yes they do, took 6 days for me', question.body.id);
    const answered = await waitFor(async () => {
      const c = (await cardsOn(t!)).find((x) => x.draftId === card.draftId);
      return c && field(c, 'Answered') ? c : null;
    }, 20_000, 'answered card');
    expect(field(answered, 'Answered')).toMatch(/^by baraka at .* UTC: check before posting$/);

    // The manager edits in the real answer: Jamii learns it…
    await t.post('desk', 'manager', `/edit ${card.draftId} Yes! Kampala orders arrive in 5-7 days.`);
    await waitFor(async () => (await t!.messages('general')).some((m) => m.fromBot && m.text === 'Yes! Kampala orders arrive in 5-7 days.'), 20_000, 'reply posted');
    // …and the next similar question is answered from the learned entry.
    await t.post('general', 'chausiku', 'do you deliver to kampala?');
    const next = await waitFor(async () => (await cardsOn(t!)).find((c) => c.quoteAuthor === 'chausiku'), 20_000, 'second card');
    expect(next.body).toBe('Hi chausiku! Yes! Kampala orders arrive in 5-7 days.');
    const cited = /^learned\/(L\d+)$/.exec(field(next, 'Sources') ?? '');
    expect(cited, 'the card cites the learned entry by the id /learned lists').not.toBeNull();
    const learnedList = await t.post('desk', 'manager', '/learned');
    expect(learnedList.status).toBe(201);
    const replies = (await t.messages('desk')).filter((m) => m.fromBot && m.text.startsWith('Learned answers'));
    expect(replies.at(-1)!.text).toContain(`${cited![1]} · Q: Do you deliver to Kampala?`);
  });
});
