/**
 * DNS rebinding: a page on an attacker's site whose name now points at this machine sends its own
 * name as Host, with a matching Origin. The sandbox's browser routes answer only to loopback names,
 * the address Jamii listens on, and the names in JAMII_HTTP_ALLOWED_HOSTS; webhooks and /healthz
 * are not browser routes and answer to any name.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestJamii, type TestJamii } from '../support/harness.js';

let app: TestJamii;
afterEach(async () => {
  await app.stop();
});

/** A request to Jamii's port with the given Host header (fetch will not set one). */
function send(method: 'GET' | 'POST', path: string, host: string, body?: unknown): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const url = new URL(app.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { host, ...(payload ? { 'content-type': 'application/json', origin: `http://${host}` } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const question = { chat: 'general', user: 'alice', text: 'Where is my order?' };
const storedCount = async () => (await app.jamii.db.sql.executeSql('select count(*)::int as n from sandbox_messages', [])).rows[0].n as number;

describe('the sandbox answers browsers only at its own names', () => {
  it('refuses a rebound name on the page and the API, reading and writing, and stores nothing', async () => {
    app = await startTestJamii();
    const port = new URL(app.url).port;
    const before = await storedCount();
    const reads = [['GET', '/api/sandbox/messages?chat=desk', undefined], ['GET', '/', undefined], ['GET', '/sandbox-page.css', undefined], ['GET', '/sandbox-page.js', undefined]] as const;
    for (const [method, path, body] of [['POST', '/api/sandbox/messages', question], ['POST', '/api/sandbox/actions', { user: 'manager', action: 'approve:1' }], ...reads] as const) {
      const res = await send(method, path, `evil.example:${port}`, body);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('untrusted_host');
    }
    expect(await storedCount()).toBe(before);
    expect((await send('GET', '/healthz', `evil.example:${port}`)).status).toBe(200);
    expect((await send('POST', '/api/sandbox/messages', `localhost:${port}`, question)).status).toBe(201);
    expect((await send('GET', '/api/sandbox/messages?chat=general', `127.0.0.1:${port}`)).status).toBe(200);
  });

  it('serves the page, its style sheet and its script at its own names, each with its content type', async () => {
    app = await startTestJamii({ env: { JAMII_HTTP_ALLOWED_HOSTS: 'jamii.example.org' } });
    const port = new URL(app.url).port;
    for (const host of [`127.0.0.1:${port}`, `jamii.example.org:${port}`]) {
      const page = await send('GET', '/', host);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<link rel="stylesheet" href="/sandbox-page.css">');
      expect(page.body).toContain('<script src="/sandbox-page.js"></script>');
      const css = await send('GET', '/sandbox-page.css', host);
      expect(css).toMatchObject({ status: 200, headers: { 'content-type': 'text/css; charset=utf-8', 'x-content-type-options': 'nosniff' }, body: expect.stringContaining(':root') });
      const js = await send('GET', '/sandbox-page.js', host);
      expect(js).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' }, body: expect.stringContaining("new EventSource('/api/sandbox/events')") });
    }
  });

  it('answers a name the operator allows (a reverse proxy in front), in any case', async () => {
    app = await startTestJamii({ env: { JAMII_HTTP_ALLOWED_HOSTS: 'jamii.example.org' } });
    expect((await send('POST', '/api/sandbox/messages', 'Jamii.Example.org', question)).status).toBe(201);
    expect((await send('POST', '/api/sandbox/messages', 'other.example.org', question)).status).toBe(403);
  });
});
