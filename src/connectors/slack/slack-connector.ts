/**
 * The Slack connector: a Bolt App with one of two transports — HTTP mode (Events API,
 * interactivity and `/jamii` at `/slack/events` on Jamii's own HTTP server, see
 * http-receiver.ts) or Socket Mode (Bolt's SocketModeReceiver with the app-level token) — and
 * one WebClient for posting, pointed at `SLACK_API_URL`. Listeners parse the raw body
 * (parse.ts) and hand it to the event handler; events are handled one after another in order
 * (an edit after its message), interactions beside them, each within its own 3 seconds.
 * Redelivered events (a retry, or an event_id seen already) are dropped; the messages' unique
 * index keeps storage idempotent whatever slips through.
 */
import { App, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { CommandDispatcher } from '../../core/commands/command-registry.js';
import type { CommunityDirectory } from '../../core/communities.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, PlatformSender, Store } from '../../core/ports.js';
import type { Route } from '../../http/http-server.js';
import { createSlackDirectory } from './directory.js';
import { describeSlackError } from './errors.js';
import { createSlackEventHandler, type SlackInteraction } from './event-handler.js';
import { createSlackHttpReceiver } from './http-receiver.js';
import { parseSlackBody, JAMII_SLASH_COMMAND, type SlackEvent } from './parse.js';
import { createChannelLimiter } from './rate-limiter.js';
import { EDIT_MODAL_PREFIX } from './render.js';
import { handleWithRetries } from '../event-retries.js';
import { createSlackRoleGrants, type SlackGroupSettings } from './role-grants.js';
import { createSlackSender } from './slack-sender.js';
import { SLACK_REQUEST_TIMEOUT_MS, slackClientOptions } from './web-client.js';

/**
 * How long a send or lookup may go on past its deadline: Slack's client cannot abort a request
 * in flight, so the one under way when the deadline passes ends within its timeout.
 */
export const SLACK_DEADLINE_OVERRUN_MS = SLACK_REQUEST_TIMEOUT_MS;
/** Event ids remembered to drop redeliveries. */
export const SLACK_RECENT_EVENT_IDS_MAX = 2000;

/** The Slack part of Jamii's configuration. */
export interface SlackSettings {
  botToken: string;
  /** HTTP mode: requests at /slack/events are verified with it. */
  signingSecret: string | undefined;
  /** Socket Mode: the app-level token (`xapp-…`, scope connections:write). Takes precedence. */
  appToken: string | undefined;
  /** The Web API root (`https://slack.com/api/`), or a proxy's. */
  apiUrl: string;
  groups: SlackGroupSettings;
}

export interface SlackConnector {
  sender: PlatformSender;
  /** HTTP mode's `/slack/events` route (empty in Socket Mode). */
  routes: Route[];
  /** Checks the token and starts the transport. Never throws for a network failure. */
  start(): Promise<void>;
  /** Stops the transport after the events in hand are stored. Idempotent. */
  stop(): Promise<void>;
}

/** Bolt's logger interface over Jamii's structured logger. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug({ bolt: text(msg) }, 'slack.bolt'),
    info: (...msg: unknown[]) => log.info({ bolt: text(msg) }, 'slack.bolt'),
    warn: (...msg: unknown[]) => log.warn({ bolt: text(msg) }, 'slack.bolt'),
    error: (...msg: unknown[]) => log.error({ bolt: text(msg) }, 'slack.bolt'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** Remembers the last `max` ids; `seen` is true for an id already remembered. */
function recentIds(max: number) {
  const ids = new Set<string>();
  return {
    seen(id: string): boolean {
      if (ids.has(id)) return true;
      if (ids.size >= max) ids.delete(ids.values().next().value!);
      ids.add(id);
      return false;
    },
  };
}

export function createSlackConnector(deps: {
  settings: SlackSettings;
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  log: Logger;
}): SlackConnector {
  const { settings, store, log } = deps;
  const logger = boltLogger(log.child({ part: 'bolt' }));
  const clientOptions = slackClientOptions({ apiUrl: settings.apiUrl, logger });
  const client = new webApi.WebClient(settings.botToken, clientOptions);
  const directory = createSlackDirectory({ client, log });
  let botUserId: string | null = null;

  const handle = createSlackEventHandler({
    store,
    ingest: deps.ingest,
    commands: deps.commands,
    communities: deps.communities,
    client,
    directory,
    roleGrants: createSlackRoleGrants({ settings: settings.groups, client, store, communities: deps.communities, log }),
    botUserId: () => botUserId,
    clock: () => new Date(),
  });

  let chain: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  const run = (event: SlackEvent, interaction: SlackInteraction | null, eventLog: Logger) => {
    // An interaction must be answered within 3 seconds: it is tried once. An event is tried again
    // while it fails (event-retries.ts), the events behind it waiting in order.
    const p = interaction
      ? handle(event, interaction, eventLog).catch((error: unknown) => {
          eventLog.error({ err: error, kind: event.kind }, 'slack.event_failed');
        })
      : (chain = chain.then(() => handleWithRetries(() => handle(event, null, eventLog), { log: eventLog.child({ kind: event.kind }), failure: 'slack.event_failed', stop: stopping.signal })));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const httpReceiver = settings.appToken ? null : createSlackHttpReceiver({ signingSecret: settings.signingSecret ?? '', log: log.child({ part: 'slack-http' }) });
  const recent = recentIds(SLACK_RECENT_EVENT_IDS_MAX);
  let app: App | null = null;

  const parsed = (body: unknown, eventLog: Logger): SlackEvent | null => {
    try {
      return parseSlackBody(body);
    } catch (error) {
      eventLog.error({ err: error }, 'slack.event_unparsable');
      return null;
    }
  };
  /** Bolt's ack (of whatever payload type) and respond, as the handler uses them: the ack once only. */
  const interactionOf = (ack: (answer?: never) => Promise<void>, respond: ((answer: object) => Promise<unknown>) | undefined): SlackInteraction => {
    let acked = false;
    return {
      async ack(answer) {
        if (acked) return;
        acked = true;
        await (ack as (answer?: object) => Promise<void>)(answer);
      },
      async respond(answer) {
        if (!respond) throw new Error('no response_url to answer through');
        await respond({ ...answer, replace_original: false });
      },
    };
  };

  function buildApp(auth: { botId: string; botUserId: string } | null): App {
    const receiver: Receiver = httpReceiver ?? new SocketModeReceiver({ appToken: settings.appToken!, logger, installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } } });
    const bolt = new App({
      token: settings.botToken,
      receiver,
      logger,
      clientOptions,
      convoStore: false,
      ignoreSelf: true,
      // Checked once in start(); when that failed, Bolt asks auth.test again with each event rather
      // than holding a rejected check from construction.
      tokenVerificationEnabled: false,
      ...(auth ? { botId: auth.botId, botUserId: auth.botUserId } : {}),
    });
    // Redeliveries: Bolt has acknowledged the event already; it is dropped here, before any listener.
    bolt.use(async ({ body, context, next }) => {
      const eventId = (body as { event_id?: unknown }).event_id;
      if (typeof eventId === 'string' && (Number(context.retryNum ?? 0) > 0 || recent.seen(eventId))) {
        log.info({ eventId, retryNum: context.retryNum }, 'slack.redelivery_dropped');
        return;
      }
      await next();
    });
    const onEvent = async ({ body }: { body: unknown }) => {
      const eventLog = log.child({ event: (body as { event_id?: string }).event_id });
      const event = parsed(body, eventLog);
      if (event) run(event, null, eventLog);
    };
    bolt.event('message', onEvent);
    bolt.event('member_joined_channel', onEvent);
    bolt.event('member_left_channel', onEvent);
    bolt.event('reaction_added', onEvent);
    bolt.event('reaction_removed', onEvent);
    bolt.command(JAMII_SLASH_COMMAND, async ({ body, ack, respond }) => {
      const eventLog = log.child({ command: body.command, user: body.user_id });
      const event = parsed(body, eventLog);
      if (event) run(event, interactionOf(ack, respond), eventLog);
      else await ack();
    });
    bolt.action(/^[a-z]+:\d+$/, async ({ body, ack }) => {
      const eventLog = log.child({ interaction: body.type });
      const event = parsed(body, eventLog);
      if (event) run(event, interactionOf(ack, undefined), eventLog);
      else await ack();
    });
    bolt.view({ callback_id: new RegExp(`^${EDIT_MODAL_PREFIX}:\\d+$`), type: 'view_submission' }, async ({ body, ack }) => {
      const eventLog = log.child({ interaction: body.type });
      const event = parsed(body, eventLog);
      if (event) run(event, interactionOf(ack, undefined), eventLog);
      else await ack();
    });
    bolt.error(async (error) => {
      log.error({ why: describeSlackError(error), code: (error as { code?: string }).code }, 'slack.bolt_error');
    });
    return bolt;
  }

  const sender = createSlackSender({
    client,
    limiter: createChannelLimiter(),
    log,
    async onChannelGone(chat, reason, why) {
      const ref = { platform: chat.platform, chatId: chat.chatId };
      await store.chats.setActive(ref, false);
      await store.audit.write({ communityId: null, actor: 'slack', action: 'chat.deactivated', subject: `slack:${chat.chatId}`, details: { reason, why } });
      log.warn({ chat: chat.chatId, reason }, 'slack.channel_gone');
    },
  });

  let stopped: Promise<void> | null = null;
  return {
    sender,
    routes: httpReceiver?.routes ?? [],
    async start() {
      let auth: { botId: string; botUserId: string } | null = null;
      try {
        const result = await client.auth.test();
        if (result.user_id && result.bot_id) auth = { botId: result.bot_id, botUserId: result.user_id };
        botUserId = result.user_id ?? null;
        log.info({ bot: result.user, team: result.team, mode: settings.appToken ? 'socket' : 'http' }, 'slack.connected');
      } catch (error) {
        // A refused token or no network: logged, and Jamii keeps running its other parts.
        log.error({ why: describeSlackError(error) }, 'slack.auth_failed');
      }
      app = buildApp(auth);
      try {
        await app.start();
      } catch (error) {
        log.error({ why: describeSlackError(error) }, 'slack.transport_failed');
      }
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await app?.stop().catch((error: unknown) => log.warn({ why: describeSlackError(error) }, 'slack.stop_failed'));
        await Promise.all([...inFlight]);
        await chain;
      })();
      return stopped;
    },
  };
}
