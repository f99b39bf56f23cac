/**
 * /spark [chat]: a manager asks for a discussion starter now. The spark is written like a lull's
 * (grounded in the chat's open questions, news and topics) and always goes to the desk as a
 * card, whatever the community's sparks mode: the manager asked to see one.
 */
import { JamiiError } from '../errors.js';
import type { SparkService } from '../sparks/spark-service.js';
import type { SparkChat } from '../sparks/spark-types.js';
import { postBody } from '../desk-cards.js';
import type { CommandContext, CommandServices, CommandSpec } from './command-registry.js';

/** Chats a "which chat?" answer lists. */
const CHAT_LIST_MAX = 10;

/** What /spark needs beyond the store. */
export interface SparkCommandServices {
  service: SparkService;
}

const label = (c: SparkChat) => `${c.ref.platform}:${c.ref.chatId}${c.title ? ` (${c.title})` : ''}`;

/** The chat a /spark is for: named by title, platform id or `platform:id`; else the one chat there is, or the chat typed in. */
export function pickChat(chats: readonly SparkChat[], wanted: string | undefined, origin: CommandContext['origin']): SparkChat {
  if (wanted) {
    const w = wanted.trim().toLowerCase();
    const found = chats.filter((c) => c.ref.chatId.toLowerCase() === w || `${c.ref.platform}:${c.ref.chatId}`.toLowerCase() === w || (c.title ?? '').toLowerCase() === w);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new JamiiError('bad_arguments', `Several chats match "${wanted}": ${found.slice(0, CHAT_LIST_MAX).map(label).join(', ')}. Name one as platform:id.`);
    throw new JamiiError('bad_arguments', `No chat you manage matches "${wanted}". ${chats.length > 0 ? `Chats: ${chats.slice(0, CHAT_LIST_MAX).map(label).join(', ')}.` : ''}`.trim());
  }
  const here = origin ? chats.find((c) => c.ref.platform === origin.platform && c.ref.chatId === origin.chatId) : undefined;
  if (here) return here;
  if (chats.length === 1) return chats[0]!;
  if (chats.length === 0) throw new JamiiError('bad_arguments', 'Jamii is in no community chat of yours yet: add the bot to a group first.');
  throw new JamiiError('bad_arguments', `Which chat? Usage: /spark [chat]. Chats: ${chats.slice(0, CHAT_LIST_MAX).map(label).join(', ')}${chats.length > CHAT_LIST_MAX ? ', …' : ''}.`);
}

function sparksOf(services: CommandServices): SparkCommandServices {
  if (!services.sparks) throw new JamiiError('internal', 'Sparks are not wired into this process.');
  return services.sparks;
}

export const spark: CommandSpec<string | undefined> = {
  name: 'spark',
  summary: 'Draft a discussion starter for a quiet chat now (it goes to the desk)',
  usage: '/spark [chat]',
  role: 'manager',
  parse: (args) => args.trim() || undefined,
  async run(ctx, wanted, services) {
    const sparks = sparksOf(services);
    // In a desk, the chats of the desk's communities the invoker manages: no other community's.
    const chat = pickChat(await sparks.service.chats(ctx.communities), wanted, ctx.origin);
    const { draft } = await sparks.service.sparkNow(chat, ctx.invoker.displayName);
    if (!draft) throw new JamiiError('internal', 'The spark was not stored; try again.');
    const preview = postBody(draft).replace(/\s+/g, ' ').slice(0, 160);
    return { text: `✨ Spark #${draft.id} for ${label(chat)} is on the desk: ${preview}\n/approve ${draft.id} to post it, /edit ${draft.id} <text> or /reject ${draft.id}.` };
  },
};
