import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestJamii, type TestJamii } from '../support/harness.js';

/** What the sandbox HTTP API refuses, and how: one app for the file, every case stores nothing. */
describe('sandbox HTTP refusals', () => {
  let app: TestJamii;
  beforeAll(async () => {
    app = await startTestJamii();
  });
  afterAll(async () => {
    await app.stop();
  });

  const send = async (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; id?: string } };
  };
  const storedCount = async () => (await app.jamii.db.sql.executeSql('select count(*)::int as n from sandbox_messages', [])).rows[0].n as number;
  const post = JSON.stringify({ chat: 'general', user: 'alice', text: 'Where is my order?' });
  const approve = JSON.stringify({ user: 'manager', action: 'approve:1' });

  it.each([
    ['/api/sandbox/messages', post],
    ['/api/sandbox/actions', approve],
  ])('refuses a text/plain body to %s with 415 unsupported_media_type (a cross-site form or fetch needs no preflight for it)', async (path, body) => {
    const before = await storedCount();
    const res = await send(path, body, { 'content-type': 'text/plain;charset=UTF-8' });
    expect(res.status).toBe(415);
    expect(res.body.error?.code).toBe('unsupported_media_type');
    expect(res.body.error?.message).toContain('application/json');
    expect(await storedCount()).toBe(before);
  });

  it.each([
    ['/api/sandbox/messages', post],
    ['/api/sandbox/actions', approve],
  ])('refuses a POST to %s from a page of another site with 403 cross_origin', async (path, body) => {
    const before = await storedCount();
    const res = await send(path, body, { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('cross_origin');
    const nul = await send(path, body, { 'content-type': 'application/json', origin: 'null' });
    expect(nul.status).toBe(403);
    expect(await storedCount()).toBe(before);
  });

  it('accepts a POST from the sandbox page itself (its Origin names the host it was sent to)', async () => {
    const res = await send('/api/sandbox/messages', post, { 'content-type': 'application/json; charset=utf-8', origin: new URL(app.url).origin });
    expect(res.status).toBe(201);
  });

  it.each(['/api/sandbox/messages', '/api/sandbox/actions'])('answers 413 body_too_large to a body over 256 KiB on %s', async (path) => {
    const res = await send(path, JSON.stringify({ user: 'manager', action: 'approve:1', chat: 'general', text: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('body_too_large');
  });

  it.each([
    ['/api/sandbox/messages', { chat: 'general', user: 'alice', text: 'Where\u0000 is my order?' }, '"text"'],
    ['/api/sandbox/messages', { chat: 'general', user: 'al\u0000ice', text: 'Where is my order?' }, '"user"'],
    ['/api/sandbox/actions', { user: 'manager', action: 'edit:1', text: 'Sorry\u0000 about that' }, '"text"'],
  ])('refuses a NUL character in %s %j with 400 invalid_input naming the field (Postgres cannot store it)', async (path, body, field) => {
    const before = await storedCount();
    const res = await send(path, JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_input', message: expect.stringContaining(`${field} must not contain a NUL character`) });
    expect(await storedCount()).toBe(before);
  });

  it.each(['99999999999999999999', 'abc', '-1', '1.5', ''])('answers 400 invalid_input to GET messages with after=%s instead of a 500 or ignoring it', async (after) => {
    const res = await fetch(`${app.url}/api/sandbox/messages?chat=general&after=${after}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_input', message: expect.stringContaining('"after"') } });
  });

  it.each(['9999-99-99', '2026-02-30', '0001-01-08', 'next-week', ''])('answers 400 invalid_input to the report chart for week=%s', async (week) => {
    const res = await fetch(`${app.url}/api/reports/chart.png?community=default&week=${week}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_input', message: expect.stringContaining('"week"') } });
  });

  it.each(['DESK', 'Desk', 'General'])('refuses the room %s with 400 invalid_input saying room names are lowercase, so /pending is never stored as a member message', async (chat) => {
    const before = await storedCount();
    const res = await send('/api/sandbox/messages', JSON.stringify({ chat, user: 'manager', text: '/pending' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_input', message: `"chat": room names are lowercase: use "${chat.toLowerCase()}".` });
    const read = await fetch(`${app.url}/api/sandbox/messages?chat=${chat}`);
    expect(read.status).toBe(400);
    expect(await storedCount()).toBe(before);
  });

  it('says the text limit is counted in UTF-16 code units: 2048 emoji fit, one more does not', async () => {
    const emoji = '\u{1F600}';
    expect((await send('/api/sandbox/messages', JSON.stringify({ chat: 'general', user: 'alice', text: emoji.repeat(2048) }))).status).toBe(201);
    const res = await send('/api/sandbox/messages', JSON.stringify({ chat: 'general', user: 'alice', text: emoji.repeat(2049) }));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'text_too_long', message: expect.stringMatching(/^"text" is 4098 UTF-16 code units long; the limit is 4096 \(/) });
  });

  it('takes a reply only to a message of the same room, given by its plain id', async () => {
    const asked = await send('/api/sandbox/messages', JSON.stringify({ chat: 'general', user: 'alice', text: 'Is the shop open?' }));
    expect(asked.status).toBe(201);
    const id = asked.body.id!;
    const other = await send('/api/sandbox/messages', JSON.stringify({ chat: 'random', user: 'bob', text: 'Hello' }));
    // Members' posts only: the question's card reaches the desk meanwhile.
    const bobsPosts = async () => (await app.jamii.db.sql.executeSql(`select count(*)::int as n from sandbox_messages where user_name = 'bob' and not from_bot`, [])).rows[0].n as number;
    const before = await bobsPosts();
    for (const replyTo of ['1e3', ` ${id}`, '0x1', 999_999_999, other.body.id!]) {
      const res = await send('/api/sandbox/messages', JSON.stringify({ chat: 'general', user: 'bob', text: 'Yes, till 6.', replyTo }));
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toContain('"replyTo"');
    }
    expect(await bobsPosts()).toBe(before);
    expect((await send('/api/sandbox/messages', JSON.stringify({ chat: 'general', user: 'bob', text: 'Yes, till 6.', replyTo: id }))).status).toBe(201);
  });
});
