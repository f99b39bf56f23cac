import type { Registry } from 'prom-client';
import type { Route } from './http-server.js';
import { sendJson } from './http-server.js';

/**
 * GET /healthz and GET /metrics, both served until the server closes. /healthz answers 200 when
 * the database answers; 503 when it does not, and from the moment a shutdown begins (status
 * `shutting_down`), so a load balancer or orchestrator stops routing here while work drains.
 */
export function createOpsRoutes(deps: { ping: () => Promise<boolean>; registry: Registry; isStopping: () => boolean }): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      whileStopping: true,
      async handler(_req, res) {
        const db = await deps.ping();
        const stopping = deps.isStopping();
        const status = stopping ? 'shutting_down' : db ? 'ok' : 'unavailable';
        sendJson(res, status === 'ok' ? 200 : 503, { status, database: db ? 'up' : 'down', stopping });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      whileStopping: true,
      async handler(_req, res) {
        const body = await deps.registry.metrics();
        res.writeHead(200, { 'content-type': deps.registry.contentType });
        res.end(body);
      },
    },
  ];
}
