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
});
