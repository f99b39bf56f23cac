/**
 * Bolt's transport for HTTP mode, mounted on Jamii's own HTTP server at `/slack/events`: the
 * Events API, interactivity and the slash command all arrive there. Each request is checked
 * (signature, five-minute timestamp window) before anything else, answered within Slack's
 * 3 seconds by the listener's `ack` (or by the receiver, when nothing acknowledged it), and then
 * handed to the Bolt App. Retried deliveries (`X-Slack-Retry-Num`) are acknowledged and dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { JamiiError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { HTTP_BODY_MAX_BYTES, sendError, sendJson, type Route } from '../../http/http-server.js';
import { SLACK_ACK_DEADLINE_MS } from './limits.js';
import { verifySlackSignature } from './signature.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Requests nothing acknowledged are answered empty this long after they arrived, inside Slack's deadline. */
const ACK_FALLBACK_MS = SLACK_ACK_DEADLINE_MS - 500;

export interface SlackHttpReceiver extends Receiver {
  routes: Route[];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > HTTP_BODY_MAX_BYTES) throw new JamiiError('body_too_large', `The request body is over ${HTTP_BODY_MAX_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Form posts carry a slash command's fields, or an interaction's JSON in `payload`. */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    return payload !== null ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(form);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createSlackHttpReceiver(deps: { signingSecret: string; log: Logger; now?: () => number }): SlackHttpReceiver {
  const now = deps.now ?? Date.now;
  let app: App | null = null;
  const inFlight = new Set<Promise<void>>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const verdict = verifySlackSignature({ signingSecret: deps.signingSecret, signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp'), body: raw, nowMs: now() });
    if (!verdict.ok) {
      deps.log.warn({ reason: verdict.reason }, 'slack.request_refused');
      sendError(res, 401, new JamiiError('invalid_input', 'The request is not signed by Slack.'));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, header(req, 'content-type'));
    } catch (error) {
      deps.log.warn({ err: error }, 'slack.body_unreadable');
      sendError(res, 400, new JamiiError('invalid_json', 'The request body is not what Slack sends.'));
      return;
    }
    if (body.type === 'url_verification') {
      sendJson(res, 200, { challenge: body.challenge });
      return;
    }
    if (body.ssl_check) {
      res.writeHead(200).end();
      return;
    }
    const retryNum = header(req, 'x-slack-retry-num');
    if (retryNum !== undefined) {
      // We answered the first delivery (or it is on its way): a retry would only repeat it.
      deps.log.info({ retryNum, reason: header(req, 'x-slack-retry-reason') }, 'slack.retry_dropped');
      res.writeHead(200, { 'x-slack-no-retry': '1' }).end();
      return;
    }
    if (!app) {
      res.writeHead(503).end();
      return;
    }

    let acked = false;
    const ack = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      clearTimeout(fallback);
      if (response === undefined || response === '') res.writeHead(200).end();
      else if (typeof response === 'string') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(response);
      else sendJson(res, 200, response);
    };
    const fallback = setTimeout(() => void ack(), ACK_FALLBACK_MS);
    const event: ReceiverEvent = { body, ack };
    // Listeners hand their work on and return; the answer rides on `ack`, or on the fallback.
    const work = app.processEvent(event).catch((error: unknown) => deps.log.error({ err: error }, 'slack.event_failed'));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  return {
    routes: [{ method: 'POST', path: SLACK_EVENTS_PATH, handler: handle }],
    init(bolt) {
      app = bolt;
    },
    async start() {
      return undefined;
    },
    async stop() {
      app = null;
      await Promise.all([...inFlight]);
    },
  };
}
