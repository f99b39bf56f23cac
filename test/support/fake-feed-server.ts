/**
 * A loopback HTTP server for feed tests: each path serves a programmed response (a fixture body
 * with its content type, a status, a slow or endless body), honours ETag / If-None-Match with a
 * 304, and records every request with its headers.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FEED_FIXTURES = fileURLToPath(new URL('../fixtures/feeds', import.meta.url));
export const fixture = (name: string) => readFileSync(path.join(FEED_FIXTURES, name), 'utf8');

export type FeedRoute =
  | { kind: 'body'; body: string | Uint8Array; contentType: string; etag?: string | undefined }
  | { kind: 'status'; status: number; headers?: Record<string, string> | undefined }
  /** Sends headers, then stalls without finishing the body. */
  | { kind: 'stall' }
  /** Streams `bytes` of padding without a Content-Length. */
  | { kind: 'huge'; bytes: number };

export interface FeedRequest {
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FakeFeedServer {
  origin: string;
  url(path: string): string;
  /** Sets what a path answers from now on. */
  route(path: string, route: FeedRoute): void;
  requests: FeedRequest[];
  requestsTo(path: string): FeedRequest[];
  close(): Promise<void>;
}

export const CONTENT_TYPES = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' } as const;

export async function startFakeFeedServer(): Promise<FakeFeedServer> {
  const routes = new Map<string, FeedRoute>();
  const requests: FeedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path: pathname, headers: req.headers });
    const route = routes.get(pathname);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    switch (route.kind) {
      case 'body': {
        if (route.etag && req.headers['if-none-match'] === route.etag) {
          res.writeHead(304, { etag: route.etag }).end();
          return;
        }
        res.writeHead(200, { 'content-type': route.contentType, ...(route.etag ? { etag: route.etag } : {}) }).end(route.body);
        return;
      }
      case 'status':
        res.writeHead(route.status, route.headers ?? {}).end(`status ${route.status}`);
        return;
      case 'stall':
        open.add(res);
        res.writeHead(200, { 'content-type': CONTENT_TYPES.rss });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Slow');
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': CONTENT_TYPES.rss });
        const chunk = `<!-- ${'x'.repeat(64 * 1024)} -->\n`;
        let sent = 0;
        const pump = () => {
          while (sent < route.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
        pump();
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (p) => `${origin}${p}`,
    route: (p, r) => void routes.set(p, r),
    requests,
    requestsTo: (p) => requests.filter((r) => r.path === p),
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
