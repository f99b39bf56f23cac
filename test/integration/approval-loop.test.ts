import { afterEach, describe, expect, it } from 'vitest';
import { heldEditVersion } from '../../src/core/card-actions.js';
import { DATABASES } from '../support/databases.js';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

describe.each(DATABASES)('the approval loop through the sandbox API on %s', (database) => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('drafts questions and complaints in two languages each, and posts exactly the approved and edited replies once', async () => {
    app = await startTestJamii({ database });
    const t = app;
    const posts = {
      enQuestion: await t.post('general', 'alice', 'How do I reset my password?'),
      esQuestion: await t.post('general', 'lucia', '¿Cómo puedo cambiar mi correo electrónico?'),
      enComplaint: await t.post('general', 'bob', 'This is terrible, the app keeps crashing and nobody answers!'),
      ruComplaint: await t.post('general', 'ivan', 'Ужасный сервис, заказ так и не пришёл, верните деньги'),
      chatter: await t.post('general', 'carol', 'Good morning everyone'),
    };
    for (const p of Object.values(posts)) expect(p.status).toBe(201);

    const cards = await waitFor(async () => {
      const desk = (await t.messages('desk')).filter((m) => m.card);
      return desk.length >= 4 ? desk : null;
    }, 15_000, 'four cards on the desk');
    expect(cards).toHaveLength(4);
    const byQuote = (text: string) => cards.find((c) => c.card.quote === text)!.card;
    const en = byQuote('How do I reset my password?');
    const es = byQuote('¿Cómo puedo cambiar mi correo electrónico?');
    const bob = byQuote('This is terrible, the app keeps crashing and nobody answers!');
    const ivan = byQuote('Ужасный сервис, заказ так и не пришёл, верните деньги');
    expect(en.title).toContain('Question');
    expect(es.title).toContain('Question');
    expect(bob.title).toContain('Negative feedback');
    expect(ivan.title).toContain('Negative feedback');
    // Drafted in the member's own language.
    expect(es.body).toMatch(/pregunta/);
    expect(ivan.body).toMatch(/жаль/);
    expect(en.body).toMatch(/question/);
    for (const c of [en, es, bob, ivan]) {
      expect(c.status).toBe('pending');
      expect(c.actions.map((a: { id: string }) => a.id)).toEqual([`approve:${c.draftId}`, `edit:${c.draftId}`, `reject:${c.draftId}`]);
      expect(c.fields.find((f: { label: string }) => f.label === 'Why').value.length).toBeGreaterThan(10);
    }
    // Chatter is stored but not drafted.
    expect(cards.some((c) => c.card.quote === 'Good morning everyone')).toBe(false);

    // Approve by typed command, edit by button, reject by typed command.
    expect((await t.post('desk', 'manager', `/approve ${en.draftId}`)).status).toBe(201);
    const edited = 'Lo sentimos: puedes cambiar tu correo en Ajustes → Cuenta.';
    const editReply = await t.action('manager', `edit:${es.draftId}`, edited);
    expect(editReply.reply.text).toMatch(/edited and approved/);
    await t.post('desk', 'manager', `/reject ${bob.draftId} off-topic`);

    const general = await waitFor(async () => {
      const all = await t.messages('general');
      return all.filter((m) => m.fromBot).length >= 2 ? all : null;
    }, 15_000, 'two replies in general');
    // Give a stray duplicate a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 700));
    const final = await t.messages('general');
    const botPosts = final.filter((m) => m.fromBot);
    expect(botPosts).toHaveLength(2);
    const enReply = botPosts.find((m) => m.replyTo === posts.enQuestion.body.id)!;
    expect(enReply.text).toBe(en.body);
    const esReply = botPosts.find((m) => m.replyTo === posts.esQuestion.body.id)!;
    expect(esReply.text).toBe(edited);
    expect(general.length).toBeGreaterThanOrEqual(7);

    // The cards were updated in place with the outcome and the decider.
    const after = await waitFor(async () => {
      const desk = (await t.messages('desk')).filter((m) => m.card);
      const states = Object.fromEntries(desk.map((m) => [m.card.draftId, m.card]));
      return states[en.draftId].status === 'sent' && states[es.draftId].status === 'sent' && states[bob.draftId].status === 'rejected' ? states : null;
    }, 15_000, 'cards updated');
    expect(after[bob.draftId].fields.find((f: { label: string }) => f.label === 'Status').value).toMatch(/Rejected by manager .*off-topic/);
    expect(after[en.draftId].actions).toEqual([]);
    expect(after[ivan.draftId].status).toBe('pending');

    // /pending shows only the undecided one.
    await t.post('desk', 'manager', '/pending');
    const pendingReply = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.text.startsWith('1 draft waiting')), 5_000, '/pending reply');
    expect(pendingReply.text).toContain(`#${ivan.draftId}`);
  });

  it('holds an edit that fails the output checks until a manager confirms it, then posts it as written', async () => {
    app = await startTestJamii({ database });
    const t = app;
    const q = await t.post('general', 'alice', 'When do the doors open?');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    const risky = '@everyone Doors open at 9! <b>Free</b> tickets: https://free-tickets.example.net/claim';

    const held = await t.action('manager', `edit:${card.draftId}`, risky);
    expect(held.reply.text).toMatch(new RegExp(`^⚠️ Draft #${card.draftId}: your edit is saved but NOT posted`));
    for (const code of ['mass_mention', 'unknown_link', 'markup_injection']) expect(held.reply.text).toContain(`• ${code}: `);
    const heldCard = await waitFor(async () => {
      const c = (await t.messages('desk')).find((m) => m.card?.draftId === card.draftId)?.card;
      return c?.body === risky ? c : null;
    }, 10_000, 'the card showing the held edit');
    expect(heldCard.actions.map((a: { id: string }) => a.id)).toEqual([`confirm:${card.draftId}:${heldEditVersion(risky)}`, `edit:${card.draftId}`, `reject:${card.draftId}`]);
    expect(heldCard.fields.find((f: { label: string }) => f.label === 'Edit held').value).toMatch(/^manager's edit at .* failed a check, so it is not posted: mass_mention: /);

    const approve = await t.action('manager', `approve:${card.draftId}`);
    expect(approve.reply).toMatchObject({ ephemeral: true, text: expect.stringContaining(`/confirm ${card.draftId}`) });
    await new Promise((r) => setTimeout(r, 700));
    expect((await t.messages('general')).filter((m) => m.fromBot)).toHaveLength(0);

    const confirmed = await t.action('manager', heldCard.actions[0].id);
    expect(confirmed.reply.text).toMatch(/edit confirmed by manager despite its flags; posting it now/);
    const reply = await waitFor(async () => (await t.messages('general')).find((m) => m.fromBot), 10_000, 'the confirmed reply');
    expect(reply).toMatchObject({ text: risky, replyTo: q.body.id });
    const draft = await t.jamii.store.drafts.get(card.draftId);
    expect(draft).toMatchObject({ text: risky, heldEdit: { by: 'sandbox:manager', byName: 'manager' } });
    expect(draft!.flags.length).toBeGreaterThanOrEqual(3);
  });

  it('answers a second approval with who approved it and when, and posts once', async () => {
    app = await startTestJamii({ database, env: { JAMII_MANAGERS: 'sandbox:manager,sandbox:maria' } });
    const t = app;
    const q = await t.post('general', 'alice', 'When does the shop open?');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    await t.post('desk', 'manager', `/approve ${card.draftId}`);
    await t.post('desk', 'maria', `/approve ${card.draftId}`);
    const second = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && /already approved/.test(m.text)), 5_000, 'refusal');
    expect(second.text).toMatch(new RegExp(`Draft #${card.draftId} was already approved by manager at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
    await waitFor(async () => (await t.messages('general')).some((m) => m.fromBot), 10_000, 'reply');
    await new Promise((r) => setTimeout(r, 500));
    const replies = (await t.messages('general')).filter((m) => m.fromBot);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.replyTo).toBe(q.body.id);
  });

  it('posts once when two managers approve the same draft at the same moment', async () => {
    app = await startTestJamii({ database, env: { JAMII_MANAGERS: 'sandbox:manager,sandbox:maria' } });
    const t = app;
    await t.post('general', 'alice', 'Is there a student discount?');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    const results = await Promise.all([
      t.action('manager', `approve:${card.draftId}`),
      t.action('maria', `approve:${card.draftId}`),
      t.action('manager', `approve:${card.draftId}`),
    ]);
    const texts = results.map((r) => r.reply.text as string);
    expect(texts.filter((x) => /^✅/.test(x))).toHaveLength(1);
    expect(texts.filter((x) => /already approved/.test(x))).toHaveLength(2);
    await waitFor(async () => (await t.messages('general')).some((m) => m.fromBot), 10_000, 'reply');
    await new Promise((r) => setTimeout(r, 700));
    expect((await t.messages('general')).filter((m) => m.fromBot)).toHaveLength(1);
  });

  it('refuses approval from a member who is not a manager, audits it, and posts nothing', async () => {
    app = await startTestJamii({ database });
    const t = app;
    await t.post('general', 'alice', 'How much is shipping?');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    const typed = await t.post('desk', 'mallory', `/approve ${card.draftId}`);
    expect(typed.status).toBe(201);
    const button = await t.action('mallory', `approve:${card.draftId}`);
    expect(button.reply.text).toBe('Only a manager of this community can do that.');
    const refusal = await waitFor(async () => (await t.messages('desk')).find((m) => m.fromBot && m.replyTo === typed.body.id), 5_000, 'refusal');
    expect(refusal.text).toBe('Only a manager of this community can do that.');
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.messages('general')).filter((m) => m.fromBot)).toHaveLength(0);
    const audit = await t.jamii.db.sql.executeSql(`select actor, action, subject from audit_log where action = 'access.refused' order by id`, []);
    expect(audit.rows).toEqual([
      { actor: 'sandbox:mallory', action: 'access.refused', subject: 'command:approve' },
      { actor: 'sandbox:mallory', action: 'access.refused', subject: 'command:approve' },
    ]);
    const draft = await t.jamii.store.drafts.get(card.draftId);
    expect(draft?.status).toBe('pending');
  });

  it('stores a redelivered message once', async () => {
    app = await startTestJamii({ database });
    const inbound = {
      chat: { platform: 'sandbox' as const, chatId: 'general' },
      messageId: '9001',
      author: { id: 'alice', displayName: 'alice', isBot: false },
      text: 'Why is my order late?',
      sentAt: new Date(),
    };
    const [first, second] = await Promise.all([app.jamii.ingest.ingest(inbound), app.jamii.ingest.ingest(inbound)]);
    const third = await app.jamii.ingest.ingest(inbound);
    expect(first.stored).toBe(true);
    expect(second.stored).toBe(false);
    expect(third.stored).toBe(false);
    expect(new Set([first.messageId, second.messageId, third.messageId]).size).toBe(1);
    const rows = await app.jamii.db.sql.executeSql(`select count(*)::int as n from messages where platform_message_id = '9001'`, []);
    expect(rows.rows[0].n).toBe(1);
    await waitFor(async () => (await app!.jamii.db.sql.executeSql(`select count(*)::int as n from drafts`, [])).rows[0].n === 1, 10_000, 'one draft');
  });
});
