/**
 * trackingMakeRequest (discord.js' own makeRequest underneath) against a loopback HTTP server:
 * which tries of a tracked post may have reached Discord.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingMakeRequest, trackPost } from '../../../../src/connectors/discord/errors.js';

let server: Server;
let base = '';
/** Responses held open mid-body, ended when the server closes. */
const open: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    if (req.url?.startsWith('/slow-body')) {
      // Headers and half the body now, the rest never: the answer is in, its body still arriving.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"1');
      open.push(res);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '1' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One try through trackingMakeRequest inside a tracked post; what it noted, and how it ended. */
async function tryOnce(path: string, init: { signal?: AbortSignal; readBody?: boolean } = {}) {
  const { tries, result } = trackPost(undefined, async () => {
    const response = await trackingMakeRequest(`${base}${path}`, { method: 'POST', body: '{}', ...(init.signal ? { signal: init.signal } : {}) });
    if (init.readBody) await response.text();
    return response.status;
  });
  const outcome = await result.then(
    (status) => ({ status }),
    (error: unknown) => ({ error }),
  );
  return { mayHaveLanded: tries.mayHaveLanded, outcome };
}

describe('which tries of a Discord post may have reached Discord', () => {
  it('flags a 2xx (the message exists) and a 5xx (it may), not a 4xx refusal', async () => {
    expect(await tryOnce('/?status=200')).toMatchObject({ mayHaveLanded: true, outcome: { status: 200 } });
    expect(await tryOnce('/?status=502')).toMatchObject({ mayHaveLanded: true, outcome: { status: 502 } });
    expect(await tryOnce('/?status=429')).toMatchObject({ mayHaveLanded: false, outcome: { status: 429 } });
    expect(await tryOnce('/?status=403')).toMatchObject({ mayHaveLanded: false, outcome: { status: 403 } });
  });

  it('flags a 2xx whose body is cut off by an abort: the post is in, only its answer was lost', async () => {
    const controller = new AbortController();
    const pending = tryOnce('/slow-body', { signal: controller.signal, readBody: true });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    const { mayHaveLanded, outcome } = await pending;
    expect(mayHaveLanded).toBe(true);
    expect(outcome).toHaveProperty('error');
  });

  it('does not flag a try that never left: aborted before it started, or no connection made', async () => {
    expect((await tryOnce('/?status=200', { signal: AbortSignal.abort() })).mayHaveLanded).toBe(false);
    const refused = await (async () => {
      // A port nothing listens on: connection refused.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const { tries, result } = trackPost(undefined, () => trackingMakeRequest(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }));
      await result.catch(() => undefined);
      return tries.mayHaveLanded;
    })();
    expect(refused).toBe(false);
  });

  it('notes nothing outside a tracked post', async () => {
    const response = await trackingMakeRequest(`${base}/?status=502`, { method: 'GET' });
    expect(response.status).toBe(502);
  });
});
