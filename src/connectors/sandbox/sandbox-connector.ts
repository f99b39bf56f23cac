/**
 * The local sandbox connector: the embedded default when no platform is configured. Members
 * chat on a web page; the desk is the room named `desk`, where cards appear and slash commands
 * are typed. Its HTTP API (README) is what the tests and the page use.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { CommandDispatcher } from '../../core/commands/command-registry.js';
import { deskChatIds, type CommunityDirectory } from '../../core/communities.js';
import { cardText, pollText } from '../../core/desk-cards.js';
import { JamiiError } from '../../core/errors.js';
import type { IngestService } from '../../core/ingest-service.js';
import type { Logger, PlatformSender } from '../../core/ports.js';
import type { CommandReply, Invoker, OutboundPost } from '../../core/types.js';
import type { Database } from '../../db/database.js';
import { sandboxPageFile } from '../../install-paths.js';
import { readJson, sendError, sendJson, statusOf, type Route } from '../../http/http-server.js';
import { parseSandboxAction, parseSandboxPost, roomNameError, toInbound } from './parse.js';
import { SANDBOX_ROOM_NAME } from './room-name.js';
import { sandboxUserId } from './user-name.js';
import { createSandboxPlatform, type SandboxChange, type SandboxPlatform } from './sandbox-platform.js';

/**
 * The page, its style sheet and its script, each served at its own path as the browser routes
 * are (answered only at this server's own names, see http-server.ts).
 */
const PAGE_ASSETS = [
  { path: '/', contentType: 'text/html; charset=utf-8', body: readFileSync(sandboxPageFile('sandbox-page.html'), 'utf8') },
  { path: '/sandbox-page.css', contentType: 'text/css; charset=utf-8', body: readFileSync(sandboxPageFile('sandbox-page.css'), 'utf8') },
  { path: '/sandbox-page.js', contentType: 'text/javascript; charset=utf-8', body: readFileSync(sandboxPageFile('sandbox-page.js'), 'utf8') },
] as const;
/** Rooms the page offers before anyone has spoken. */
export const SANDBOX_DEFAULT_ROOMS = ['general', 'random'];
/** SSE comment sent to keep proxies from closing an idle stream. */
const SSE_KEEPALIVE_MS = 15_000;

export interface SandboxConnector {
  platform: SandboxPlatform;
  sender: PlatformSender;
  routes: Route[];
  /** Redelivers member posts the core had not taken when the process stopped. */
  start(): Promise<void>;
  /** Ends live streams. */
  stop(): void;
}

export function createSandboxConnector(deps: {
  db: Database;
  ingest: IngestService;
  commands: CommandDispatcher;
  communities: CommunityDirectory;
  /** Sandbox user ids of the configured managers and admins: only they may go by a staff name. */
  staff: ReadonlySet<string>;
  log: Logger;
}): SandboxConnector {
  const platform = createSandboxPlatform(deps.db);
  const streams = new Set<ServerResponse>();
  const invoker = (user: string): Invoker => ({ platform: 'sandbox', userId: sandboxUserId(user), displayName: user });

  const postReply = async (chat: string, replyTo: number, reply: CommandReply) => {
    await platform.postFromBot({ chat, text: reply.text, replyTo, card: null, outboxId: null });
    for (const card of reply.cards ?? []) await platform.postFromBot({ chat, text: cardText(card), replyTo, card, outboxId: null });
  };

  /** Hands one member post to the core: a command on a desk, a community message elsewhere. */
  const deliver = async (row: Awaited<ReturnType<SandboxPlatform['postFromMember']>>, log: Logger) => {
    if (deps.communities.desksAt('sandbox', row.chat).length > 0) {
      // Every sandbox room is shared: none is a private chat with the bot, whatever its name.
      const reply = await deps.commands.dispatchText(invoker(row.userName), row.text, { platform: 'sandbox', chatId: row.chat, direct: false });
      if (reply) await postReply(row.chat, row.id, reply);
    } else {
      const outcome = await deps.ingest.ingest(toInbound(row));
      log.debug({ messageId: outcome.messageId, draftDue: outcome.draftDue }, 'sandbox.ingested');
    }
    await platform.markDelivered(row.id);
  };

  const botPost = (post: OutboundPost) => {
    const replyTo = post.replyToMessageId === null ? null : Number(post.replyToMessageId);
    // The sandbox has no polls or pictures: a poll is its numbered text, a picture its description.
    const text = [post.text, post.poll ? pollText(post.poll) : '', post.image ? `[image: ${post.image.alt}]` : ''].filter((t) => t.trim() !== '').join('\n\n');
    return { chat: post.target.chatId, text, replyTo: Number.isFinite(replyTo) ? replyTo : null, card: post.card, outboxId: post.id };
  };

  const sender: PlatformSender = {
    platform: 'sandbox',
    idempotentSend: true,
    async send(post) {
      const row = await platform.postFromBot(botPost(post));
      return { messageId: String(row.id) };
    },
    async sendBatch(posts) {
      const rows = await platform.postManyFromBot(posts.map(botPost));
      return rows.map((row) => ({ messageId: String(row.id) }));
    },
    async updateCard(_target, _messageId, card, text) {
      await platform.updateCardCopies(card.draftId, text, card);
    },
  };

  const onChange = (change: SandboxChange) => {
    const line = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    for (const res of streams) res.write(line);
  };
  platform.changes.on('change', onChange);

  const routes: Route[] = [
    ...PAGE_ASSETS.map(
      (asset): Route => ({
        method: 'GET',
        path: asset.path,
        browser: true,
        handler(_req, res) {
          res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
          res.end(asset.body);
        },
      }),
    ),
    {
      method: 'POST',
      path: '/api/sandbox/messages',
      browser: true,
      async handler(req, res, ctx) {
        let post;
        let row;
        try {
          post = parseSandboxPost(await readJson(req), deps.staff);
          row = await platform.postFromMember(post.chat, post.user, post.text, post.replyTo);
        } catch (error) {
          if (error instanceof JamiiError) return sendError(res, statusOf(error), error);
          throw error;
        }
        await deliver(row, ctx.log.child({ sandboxMessageId: row.id, chat: post.chat }));
        sendJson(res, 201, { id: String(row.id) });
      },
    },
    {
      method: 'GET',
      path: '/api/sandbox/messages',
      browser: true,
      async handler(_req, res, ctx) {
        const chat = ctx.url.searchParams.get('chat');
        if (!chat) return sendError(res, 400, new JamiiError('invalid_input', '"chat" query parameter is required.'));
        const roomError = roomNameError(chat);
        if (roomError) return sendError(res, 400, roomError);
        const after = ctx.url.searchParams.get('after');
        // Ids are int8; a number past the safe integers would overflow the query, not just find nothing.
        const afterId = after === null ? undefined : Number(after);
        if (afterId !== undefined && (!/^\d+$/.test(after!) || !Number.isSafeInteger(afterId))) {
          return sendError(res, 400, new JamiiError('invalid_input', '"after" must be the id of a sandbox message (digits only).'));
        }
        sendJson(res, 200, { messages: await platform.history(chat, afterId) });
      },
    },
    {
      method: 'POST',
      path: '/api/sandbox/actions',
      browser: true,
      async handler(req, res) {
        let action;
        try {
          action = parseSandboxAction(await readJson(req), deps.staff);
        } catch (error) {
          if (error instanceof JamiiError) return sendError(res, statusOf(error), error);
          throw error;
        }
        const reply = await deps.commands.dispatchAction(invoker(action.user), action.action, action.text);
        sendJson(res, 200, { reply });
      },
    },
    {
      method: 'GET',
      path: '/api/sandbox/chats',
      browser: true,
      async handler(_req, res) {
        const desks = deps.communities.list().flatMap((c) => deskChatIds(c, 'sandbox'));
        const known = await platform.chats();
        // Rooms stored before names were lowercase only cannot be opened any more; they are not offered.
        const rooms = [...new Set([...SANDBOX_DEFAULT_ROOMS, ...known.filter((c) => !desks.includes(c) && SANDBOX_ROOM_NAME.test(c))])];
        sendJson(res, 200, { chats: rooms, desks });
      },
    },
    {
      method: 'GET',
      path: '/api/sandbox/events',
      browser: true,
      handler(req, res) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write('retry: 1000\n\n');
        streams.add(res);
        const keepalive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
        keepalive.unref();
        req.on('close', () => {
          clearInterval(keepalive);
          streams.delete(res);
        });
      },
    },
  ];

  return {
    platform,
    sender,
    routes,
    async start() {
      const pending = await platform.undelivered();
      for (const row of pending) await deliver(row, deps.log.child({ sandboxMessageId: row.id, redelivery: true }));
      if (pending.length > 0) deps.log.info({ count: pending.length }, 'sandbox.redelivered');
    },
    stop() {
      platform.changes.off('change', onChange);
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
