import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, isCrossSite, type HttpServer, type Route } from '../../../src/http/http-server.js';
import { createOpsRoutes } from '../../../src/http/ops-routes.js';
import { createRecordingLogger } from '../../support/fakes/basics.js';

/** Sends `GET <target>` byte for byte (fetch would normalise the path) and returns the status line and body. */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n\r\n`));
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to GET ${target}`)));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), body: raw.slice(raw.indexOf('\r\n\r\n') + 4) }));
  });
}

describe('http server', () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    await http?.close();
    http = undefined;
  });

  const start = async (routes: Route[]) => {
    const log = createRecordingLogger();
    http = createHttpServer({ routes: [...createOpsRoutes({ ping: async () => true, registry: new Registry(), isStopping: () => false }), ...routes], log });
    const { port } = await http.listen('127.0.0.1', 0);
    return { port, log };
  };

  it.each(['//', '///', '//a:b@', '//a:b@/x?y=1'])('answers 400 invalid_input to the request target %s, and keeps serving', async (target) => {
    const { port } = await start([]);
    const bad = await rawGet(port, target);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: { code: 'invalid_input', message: expect.stringContaining('not a valid URL') } });
    expect((await rawGet(port, '/healthz')).status).toBe(200);
  });

  it('answers 500 with the error shape when a handler throws before any await, logs it, and keeps serving', async () => {
    const { port, log } = await start([
      {
        method: 'GET',
        path: '/boom',
        handler() {
          throw new Error('handler bug');
        },
      },
    ]);
    const res = await rawGet(port, '/boom');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    expect(log.entries.some((e) => e.level === 'error' && e.msg === 'http.handler_failed')).toBe(true);
    expect((await rawGet(port, '/healthz')).status).toBe(200);
  });

  it('answers 503 shutting_down to every route but health and metrics once it stops taking work', async () => {
    const { port } = await start([{ method: 'GET', path: '/work', handler: (_req, res) => void res.writeHead(204).end() }]);
    expect((await rawGet(port, '/work')).status).toBe(204);
    http!.stopTakingWork();
    const refused = await rawGet(port, '/work');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: 'shutting_down', message: expect.any(String) } });
    expect((await rawGet(port, '/healthz')).status).toBe(200);
    expect((await rawGet(port, '/metrics')).status).toBe(200);
  });
});

describe('/healthz', () => {
  it.each([
    [true, false, 200, { status: 'ok', database: 'up', stopping: false }],
    [false, false, 503, { status: 'unavailable', database: 'down', stopping: false }],
    [true, true, 503, { status: 'shutting_down', database: 'up', stopping: true }],
  ])('with the database answering %s and stopping %s, answers %i %j', async (db, stopping, status, body) => {
    const http = createHttpServer({ routes: createOpsRoutes({ ping: async () => db, registry: new Registry(), isStopping: () => stopping }), log: createRecordingLogger() });
    try {
      const { port } = await http.listen('127.0.0.1', 0);
      const res = await rawGet(port, '/healthz');
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toEqual(body);
    } finally {
      await http.close();
    }
  });
});

describe('isCrossSite', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it.each([
    ['no Origin (curl, webhooks)', {}],
    ['the page of the same host and port', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }],
    ['the same host behind a TLS proxy that keeps Host', { origin: 'https://jamii.example.org', host: 'jamii.example.org' }],
    ['an explicit default port', { origin: 'https://jamii.example.org', host: 'jamii.example.org:443' }],
    ['another letter case', { origin: 'http://LOCALHOST:3000', host: 'localhost:3000' }],
    ['IPv6 loopback', { origin: 'http://[::1]:3000', host: '[::1]:3000' }],
  ])('lets through %s', (_what, headers) => {
    expect(isCrossSite(request(headers))).toBe(false);
  });

  it.each([
    ['another site', { origin: 'https://evil.example', host: '127.0.0.1:3000' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:3000' }],
    ['Origin: null', { origin: 'null', host: '127.0.0.1:3000' }],
    ['an Origin with no Host to compare it with', { origin: 'http://127.0.0.1:3000' }],
  ])('refuses %s', (_what, headers) => {
    expect(isCrossSite(request(headers))).toBe(true);
  });
});
