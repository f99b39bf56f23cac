import type { Registry } from 'prom-client';
import type { Route } from './http-server.js';
import { sendJson } from './http-server.js';

/** GET /healthz (200 when the database answers, else 503) and GET /metrics. */
export function createOpsRoutes(deps: { ping: () => Promise<boolean>; registry: Registry; isStopping: () => boolean }): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      async handler(_req, res) {
        const db = await deps.ping();
        const ok = db && !deps.isStopping();
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', database: db ? 'up' : 'down', stopping: deps.isStopping() });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      async handler(_req, res) {
        const body = await deps.registry.metrics();
        res.writeHead(200, { 'content-type': deps.registry.contentType });
        res.end(body);
      },
    },
  ];
}
