/**
 * The Discord connector: one discord.js Client on the gateway (intents Guilds, GuildMessages,
 * MessageContent, GuildMembers), reading raw dispatches so nothing waits on discord.js' caches,
 * and discord.js' REST client (its queue waits out 429s) for posting, interaction answers and
 * command registration. `DISCORD_API_ROOT` moves REST, and with it the gateway URL Discord
 * hands out from GET /gateway/bot, to a proxy (or the tests' fake).
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { COMMANDS, type CommandDispatcher } from '../../core/commands/command-registry.js';
import type { CommunityDirectory } from '../../core/communities.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, PlatformSender, Store } from '../../core/ports.js';
import type { ChatRef } from '../../core/types.js';
import { createDiscordSender } from './discord-sender.js';
import { describeDiscordError, rejectLongPostWaits, trackingMakeRequest } from './errors.js';
import { createEventHandler } from './event-handler.js';
import { createInteractionResponder } from './interactions.js';
import { parseDispatch, type ChannelLookup, type DiscordEvent } from './parse.js';
import { handleWithRetries } from '../event-retries.js';
import { createRoleGrants, type DiscordRoleSettings } from './role-grants.js';
import { jamiiCommandBody, registerSlashCommands } from './slash-commands.js';

/** Longest one REST request may take before discord.js aborts it. */
export const DISCORD_REQUEST_TIMEOUT_MS = 15_000;
/**
 * Times discord.js tries a request again after a timeout or a 5xx (its default, made explicit):
 * a message post carries an enforced nonce, so a retry never posts twice.
 */
export const DISCORD_REQUEST_RETRIES = 3;
/**
 * How long a send may go on past its deadline: none. A request in flight or waiting in
 * discord.js' queue is aborted; a rate-limit wait it would sit out in place (which no abort
 * ends) is refused up front when it would run past the deadline (rejectLongPostWaits); and this
 * process sends to a channel one request at a time, posts and card edits alike (the sender's
 * turns), so no post of ours waits in the queue discord.js keeps for a channel after a 429, which
 * heeds neither.
 */
export const DISCORD_DEADLINE_OVERRUN_MS = 0;

/** The gateway intents Jamii needs; MessageContent and GuildMembers are privileged (see README). */
/** GuildMessageReactions: reactions to Jamii's posts count in how well they did (`/stats posts`). */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessageReactions] as const;

/** The Discord part of Jamii's configuration. */
export interface DiscordSettings {
  token: string;
  applicationId: string;
  /** Discord's REST API root (without the version), or a proxy's. */
  apiRoot: string;
  /** Set: slash commands are registered in this guild only (instant; for development). Unset: globally. */
  commandGuildId: string | undefined;
  /** Discord roles (and optionally Manage Server) that make a member a manager or admin. */
  roles: DiscordRoleSettings;
}

export interface DiscordConnector {
  sender: PlatformSender;
  /** Logs in and connects to the gateway; registers `/jamii` once ready. Never throws for a network failure. */
  start(): Promise<void>;
  /** Disconnects after the events in hand are stored. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once the gateway session is ready (tests). */
  ready(): Promise<void>;
}

export function createDiscordConnector(deps: {
  settings: DiscordSettings;
  store: Store;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  log: Logger;
}): DiscordConnector {
  const { settings, store, log } = deps;
  const client = new Client({
    intents: [...DISCORD_INTENTS],
    rest: { api: settings.apiRoot, timeout: DISCORD_REQUEST_TIMEOUT_MS, retries: DISCORD_REQUEST_RETRIES, rejectOnRateLimit: rejectLongPostWaits, makeRequest: trackingMakeRequest },
  });
  const rest = client.rest.setToken(settings.token);

  const lookup: ChannelLookup = {
    parentOf(channelId) {
      const channel = client.channels.cache.get(channelId);
      return channel?.isThread() ? channel.parentId : null;
    },
    nameOf(channelId) {
      const channel = client.channels.cache.get(channelId);
      return channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined;
    },
  };
  const guildChannels = new Map<string, ChatRef[]>();

  const handle = createEventHandler({
    store,
    ingest: deps.ingest,
    commands: deps.commands,
    communities: deps.communities,
    responder: createInteractionResponder(rest),
    roleGrants: createRoleGrants({ settings: settings.roles, store, communities: deps.communities, log }),
    botUserId: () => client.user?.id ?? null,
    channelsOfGuild: (guildId) => guildChannels.get(guildId) ?? [],
  });

  // Gateway events are handled one after another, in order (an edit after its message);
  // interactions run beside them, since each has its own 3-second deadline.
  let chain: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  const run = (event: DiscordEvent, eventLog: Logger) => {
    // An interaction has 3 seconds to be answered: it is tried once. A gateway event is tried
    // again while it fails (event-retries.ts), the events behind it waiting in order.
    const interaction = event.kind === 'command' || event.kind === 'button' || event.kind === 'modal';
    const p = interaction
      ? handle(event, eventLog).catch((error: unknown) => {
          eventLog.error({ err: error, kind: event.kind }, 'discord.event_failed');
        })
      : (chain = chain.then(() => handleWithRetries(() => handle(event, eventLog), { log: eventLog.child({ kind: event.kind }), failure: 'discord.event_failed', stop: stopping.signal })));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  client.on(Events.Raw, (packet: { t: string | null; s: number | null; d: unknown }) => {
    if (!packet.t) return;
    const eventLog = log.child({ event: packet.t, seq: packet.s });
    let event: DiscordEvent;
    try {
      event = parseDispatch(packet, lookup);
    } catch (error) {
      eventLog.error({ err: error }, 'discord.event_unparsable');
      return;
    }
    if (event.kind === 'guild' && event.active) guildChannels.set(event.guildId, event.channels.map((c) => c.ref));
    if (event.kind === 'guild' && !event.active) {
      // discord.js forgets the guild's channels as it handles this packet: read them now.
      const known = guildChannels.get(event.guildId) ?? [];
      const cached = [...(client.guilds.cache.get(event.guildId)?.channels.cache.values() ?? [])].filter((c) => !c.isThread()).map((c): ChatRef => ({ platform: 'discord', chatId: c.id }));
      guildChannels.set(event.guildId, [...new Map([...known, ...cached].map((r) => [r.chatId, r])).values()]);
    }
    run(event, eventLog);
  });

  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  client.once(Events.ClientReady, (ready) => {
    log.info({ bot: ready.user.username, apiRoot: settings.apiRoot, guilds: ready.guilds.cache.size }, 'discord.connected');
    void registerSlashCommands(rest, settings.applicationId, settings.commandGuildId, jamiiCommandBody(COMMANDS))
      .then(() => log.info({ scope: settings.commandGuildId ? 'guild' : 'global' }, 'discord.commands_registered'))
      .catch((error: unknown) => log.warn({ why: describeDiscordError(error) }, 'discord.commands_not_registered'))
      .finally(markReady);
  });
  client.on(Events.Error, (error) => log.error({ why: describeDiscordError(error) }, 'discord.client_error'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord.resumed'));

  const sender = createDiscordSender({
    rest,
    log,
    async onChannelGone(chat, reason, why) {
      const ref = { platform: chat.platform, chatId: chat.chatId };
      await store.chats.setActive(ref, false);
      await store.audit.write({ communityId: null, actor: 'discord', action: 'chat.deactivated', subject: `discord:${chat.chatId}`, details: { reason, why } });
      log.warn({ chat: chat.chatId, reason }, 'discord.channel_gone');
    },
  });

  let stopped: Promise<void> | null = null;
  return {
    sender,
    ready: () => readyPromise,
    async start() {
      try {
        await client.login(settings.token);
      } catch (error) {
        // A refused token or no network: logged, and Jamii keeps running its other parts.
        log.error({ why: describeDiscordError(error) }, 'discord.login_failed');
      }
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await client.destroy();
        await Promise.all([...inFlight]);
        await chain;
      })();
      return stopped;
    },
  };
}
