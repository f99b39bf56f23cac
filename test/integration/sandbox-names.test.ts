/** Who a sandbox user is: the name they type, compared without case for roles. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestJamii, waitFor, type TestJamii } from '../support/harness.js';

describe('sandbox names', () => {
  let app: TestJamii | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const answerTo = async (t: TestJamii, chat: string, id: string) => waitFor(async () => (await t.messages(chat)).find((m) => m.fromBot && m.replyTo === id), 10_000, `answer to ${id}`);

  it('lets the manager in whatever case they type the name, and keeps the name as typed on what they decide', async () => {
    app = await startTestJamii({ env: { JAMII_MANAGERS: 'sandbox:Manager', JAMII_ADMINS: 'sandbox:lead' } });
    const t = app;
    await t.post('general', 'alice', 'How do I reset my password?');
    const card = await waitFor(async () => (await t.messages('desk')).find((m) => m.card)?.card, 15_000, 'card');
    const asked = await t.post('desk', 'MANAGER', '/pending');
    expect((await answerTo(t, 'desk', asked.body.id)).text).toMatch(/^1 draft waiting/);
    const admin = await t.post('desk', 'Lead', '/feeds list');
    expect((await answerTo(t, 'desk', admin.body.id)).text).not.toMatch(/Only an admin/);
    expect((await t.action('manager', `approve:${card.draftId}`)).reply.text).toMatch(/approved by manager/);
    const stranger = await t.post('desk', 'Managers', '/pending');
    expect((await answerTo(t, 'desk', stranger.body.id)).text).toBe('Only a manager of this community can do that.');
  });

  const send = async (t: TestJamii, path: string, body: unknown) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
  };

  it.each(['Jamii', 'jamii', 'J.A M I I', 'Jamii Bot', 'Ja\u200Bmii', 'J\u0430mii', 'm\u0430nager', 'manager', 'Admin', 'moderator'])('refuses the name %j for a member with a clear 400, and stores nothing', async (name) => {
    app ??= await startTestJamii({ env: { JAMII_MANAGERS: 'sandbox:lead' } });
    const posted = await send(app, '/api/sandbox/messages', { chat: 'general', user: name, text: 'Where is my order?' });
    expect(posted.status).toBe(400);
    expect(posted.body.error.code).toBe('invalid_input');
    expect(posted.body.error.message).toMatch(/^"user": ".+" (would pass for Jamii, the bot|is reserved for the community's managers)/);
    expect(posted.body.error.message).toContain('choose another name');
    const pressed = await send(app, '/api/sandbox/actions', { user: name, action: 'approve:1' });
    expect(pressed.status).toBe(400);
    expect((await app.jamii.db.sql.executeSql('select count(*)::int as n from sandbox_messages', [])).rows[0].n).toBe(0);
  });

  it('lets a configured manager go by a staff name, and a member by a name that only contains a staff word', async () => {
    app = await startTestJamii();
    expect((await app.post('desk', 'manager', '/help')).status).toBe(201);
    expect((await app.post('general', 'Amanda Manager-Smith', 'Hello all')).status).toBe(201);
  });
});
