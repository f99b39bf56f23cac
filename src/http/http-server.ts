/**
 * The one HTTP server: health, metrics, and whatever routes connectors add (the sandbox page
 * and API now; Telegram webhooks and Slack events later). Plain node:http with a small router.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_MESSAGES, JamiiError, userMessage } from '../core/errors.js';
import type { Logger } from '../core/ports.js';

/** Request bodies Jamii accepts at most. */
export const HTTP_BODY_MAX_BYTES = 256 * 1024;

export interface RouteContext {
  url: URL;
  log: Logger;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  /**
   * Served to a browser (the sandbox page and its API, which have no login): answered only when
   * the request names this server in its Host header (see isTrustedHost). A webhook or a metrics
   * scraper is not a browser, and its route leaves this unset.
   */
  browser?: true;
  /**
   * Still served once the server stops taking work (health and metrics, for whoever watches a
   * shutdown). Every other route answers 503 `shutting_down` from then on.
   */
  whileStopping?: true;
  handler(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> | void;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}

export function sendError(res: ServerResponse, status: number, error: JamiiError): void {
  sendJson(res, status, { error: { code: error.code, message: error.message } });
}

/** The HTTP status for a refused request: the error's code decides. */
export function statusOf(error: JamiiError): number {
  if (error.code === 'body_too_large') return 413;
  if (error.code === 'unsupported_media_type') return 415;
  if (error.code === 'cross_origin' || error.code === 'untrusted_host') return 403;
  if (error.code === 'not_found') return 404;
  if (error.code === 'shutting_down') return 503;
  return 400;
}

/**
 * Reads a JSON body; `unsupported_media_type` / `body_too_large` / `invalid_json` as JamiiErrors.
 * The content type must say JSON: a web page can send `text/plain` to any site without asking
 * first (no CORS preflight), `application/json` it cannot.
 */
export async function readJson(req: IncomingMessage, maxBytes = HTTP_BODY_MAX_BYTES): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new JamiiError('unsupported_media_type', 'The request body must be JSON, sent with content-type: application/json.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new JamiiError('body_too_large', `The request body is over ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JamiiError('invalid_json', 'The request body is not valid JSON.', { cause: error });
  }
}

/**
 * True when a browser says the request comes from a page of another site: its `Origin` names a
 * host other than the one the request was sent to. Requests without `Origin` (curl, webhooks)
 * are not cross-site. The scheme is not compared, so a TLS proxy in front keeps working.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const host = req.headers.host;
  if (!host) return true;
  try {
    const from = new URL(origin);
    return from.host !== new URL(`${from.protocol}//${host}`).host;
  } catch {
    // `Origin: null` (sandboxed frames, file: pages) and anything unparsable.
    return true;
  }
}

/** Names that always reach this machine only. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether the Host header names this server: a loopback name, the address it listens on, or a
 * name the operator allowed (JAMII_HTTP_ALLOWED_HOSTS). A page on a site whose DNS name an
 * attacker re-points at this machine (DNS rebinding) sends its own name as Host, and its Origin
 * matches it, so the cross-site check alone lets it through; this does not.
 */
export function isTrustedHost(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  return LOOPBACK_NAMES.has(hostname) || allowed.has(hostname) || allowed.has(hostname.replace(/^\[|\]$/g, ''));
}

export interface HttpServer {
  server: Server;
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /**
   * The first step of a shutdown: the server keeps listening, but only `whileStopping` routes
   * answer; the rest answer 503 `shutting_down` (a webhook's sender delivers again later).
   */
  stopTakingWork(): void;
  /** Stops accepting connections and closes idle ones; waits for in-flight requests. */
  close(): Promise<void>;
}

let requestCounter = 0;

/** The request target as a URL; null when it is not one (`//`, `//a:b@`: an authority without a host). */
function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

export function createHttpServer(deps: {
  routes: Route[];
  log: Logger;
  /** Host names besides the loopback ones that browser routes answer to (lowercase, no port). */
  allowedHosts?: Iterable<string> | undefined;
}): HttpServer {
  const table = new Map(deps.routes.map((r) => [`${r.method} ${r.path}`, r]));
  const allowedHosts = new Set([...(deps.allowedHosts ?? [])].map((h) => h.toLowerCase()));
  let takingWork = true;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (!url) return sendError(res, 400, new JamiiError('invalid_input', 'The request path is not a valid URL path.'));
    // The sandbox has no login: a page on another site must not act as its manager.
    if (req.method !== 'GET' && req.method !== 'HEAD' && isCrossSite(req)) {
      return sendError(res, 403, new JamiiError('cross_origin'));
    }
    const route = table.get(`${req.method === 'HEAD' ? 'GET' : req.method} ${url.pathname}`);
    const log = deps.log.child({ req: ++requestCounter, method: req.method, path: url.pathname });
    if (!route) {
      const known = deps.routes.some((r) => r.path === url.pathname);
      return sendError(res, known ? 405 : 404, new JamiiError(known ? 'invalid_input' : 'not_found', known ? 'Method not allowed.' : 'Not found.'));
    }
    if (route.browser && !isTrustedHost(req, allowedHosts)) {
      return sendError(res, 403, new JamiiError('untrusted_host', `This server does not answer to "${String(req.headers.host ?? '')}" here: open it at a loopback address, or add the name to JAMII_HTTP_ALLOWED_HOSTS.`));
    }
    if (!takingWork && !route.whileStopping) return sendError(res, 503, new JamiiError('shutting_down'));
    try {
      await route.handler(req, res, { url, log });
    } catch (error) {
      log.error({ err: error }, 'http.handler_failed');
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: userMessage(error) } });
      else res.end();
    }
  }

  const server = createServer((req, res) => {
    // The one boundary every request passes: nothing a client sends may end the process.
    handle(req, res).catch((error: unknown) => {
      deps.log.error({ err: error, method: req.method }, 'http.request_failed');
      try {
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: ERROR_MESSAGES.internal } });
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  return {
    server,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      });
    },
    stopTakingWork() {
      takingWork = false;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Long-lived streams (the sandbox's live updates) end with the server.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
    },
  };
}
