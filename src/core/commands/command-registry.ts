/**
 * Manager commands, declared once. Connectors parse their native invocation (typed text, slash
 * command, button press) into a name and argument text and call `dispatch`; buttons on a card
 * go through the same path as the typed command.
 */
import type { Access, RoleMap } from '../access.js';
import type { ApprovalService } from '../approval-service.js';
import type { CommunityDirectory } from '../communities.js';
import type { PostService } from '../post-service.js';
import { JamiiError, userMessage } from '../errors.js';
import type { AuditRepository, Clock, Logger, Store } from '../ports.js';
import { principalKey, type ChatRef, type CommandReply, type Invoker, type Role } from '../types.js';
import { parseCardAction } from '../card-actions.js';
import { parseCommandLine } from './command-parser.js';
import { chooseCommunity } from './community-choice.js';
import { complaints, exportCsv, stats, type AnalyticsCommandServices } from './analytics-commands.js';
import { forget, kb, learned } from './knowledge-commands.js';
import { feedsCommand, newsCommand, type NewsCommandServices } from './news-commands.js';
import { prompt, type PromptCommandServices } from './prompt-commands.js';
import { spark, type SparkCommandServices } from './spark-commands.js';
import { pending } from './pending-command.js';
import { approve, confirm, edit, reject, retry, show } from './draft-commands.js';

export { PENDING_LIST_MAX } from './pending-command.js';
export { DRAFTS_PER_COMMAND_MAX } from './draft-commands.js';

/** The chat a command was typed in, as the connector that received it saw it. */
export interface CommandOrigin extends ChatRef {
  /**
   * A one-to-one chat between the invoker and the bot (a Telegram private chat, a Discord DM, a
   * Slack IM), which nobody else reads: a command there covers all the invoker's communities,
   * even when the chat is also a desk. Only the platform can tell; the sandbox has none.
   */
  direct: boolean;
}

export interface CommandContext {
  invoker: Invoker;
  roles: RoleMap;
  /**
   * Communities the command acts on: where the invoker holds the command's role, narrowed in a
   * desk to that desk's communities; exactly one for a command that acts on one community.
   */
  communities: string[];
  /** The chat the command was typed in, when the connector says. */
  origin?: ChatRef | undefined;
  /** The origin is the invoker's private chat with the bot (the connector says). */
  direct?: boolean | undefined;
  /**
   * The command came from a card's button, which carried the version of what the card showed
   * (null: none, as on a card drawn before buttons carried one). Absent for a typed command.
   */
  pressed?: { version: string | null } | undefined;
}

export interface CommandServices {
  store: Store;
  /** What /pending measures waiting times against (the system clock when absent). */
  clock?: Clock | undefined;
  approvals: ApprovalService;
  /** /prompt's catalogue and dry runs; /prompt says it is unavailable without them. */
  prompts?: PromptCommandServices | undefined;
  /** /stats, /complaints and /export; they say analytics are unavailable without it. */
  analytics?: AnalyticsCommandServices | undefined;
  /** News posts and sparks (/news, /spark) propose through it. */
  posts?: PostService | undefined;
  /** /feeds and /news; they say news is unavailable without it. */
  news?: NewsCommandServices | undefined;
  /** /spark; it says sparks are unavailable without it. */
  sparks?: SparkCommandServices | undefined;
}

/** One manager command: a fixed shape every connector can render. */
export interface CommandSpec<A = unknown> {
  name: string;
  summary: string;
  usage: string;
  /** Role needed in at least one community to run it (and in the draft's community for draft commands). */
  role: Role;
  /**
   * Acts on one community (/news, /feeds, /prompt): the dispatcher takes a leading community id
   * off the arguments, or the only community in reach, or asks which (see `chooseCommunity`).
   */
  oneCommunity?: boolean;
  /** Throws `bad_arguments` with the usage when the text does not fit. */
  parse(args: string): A;
  run(ctx: CommandContext, args: A, services: CommandServices): Promise<CommandReply>;
}

/** What a command does, as /help and the platforms' command menus say it: an admin's command says it is one. */
export function commandSummary(spec: Pick<CommandSpec<unknown>, 'summary' | 'role'>): string {
  return spec.role === 'admin' ? `${spec.summary} (admins only)` : spec.summary;
}

const help: CommandSpec<void> = {
  name: 'help',
  summary: 'List the commands',
  usage: '/help',
  role: 'manager',
  parse: () => undefined,
  async run() {
    return { text: ['Jamii commands:', ...COMMANDS.map((c) => `${c.usage} — ${commandSummary(c)}`)].join('\n') };
  },
};

/** Every manager command, in the order /help lists them. */
export const COMMANDS = [pending, show, approve, edit, confirm, reject, retry, learned, forget, kb, prompt, stats, complaints, exportCsv, feedsCommand, newsCommand, spark, help] as const satisfies readonly CommandSpec<unknown>[];

export interface CommandDispatcher {
  /** Runs typed text (`/approve 12`). Returns null when the text is not a command. */
  dispatchText(invoker: Invoker, text: string, origin?: CommandOrigin): Promise<CommandReply | null>;
  /** Runs a command by name with argument text (slash commands, buttons); `origin` is the chat it came from. */
  dispatch(invoker: Invoker, name: string, args: string, origin?: CommandOrigin): Promise<CommandReply>;
  /** A card button id (`approve:12`, `confirm:12:VERSION`; see card-actions.ts) → the command it stands for. */
  dispatchAction(invoker: Invoker, actionId: string, extra?: string): Promise<CommandReply>;
}

/**
 * The approvals a command typed in a desk may act on: the drafts of the desk's communities only
 * (`communityIds`: one, or several sharing the desk). A manager of two communities typing /show
 * in one's desk must not show the other's members' messages to the team reading that desk. A
 * refusal is audited, like any other.
 */
function withinDesk(approvals: ApprovalService, communityIds: readonly string[], audit: AuditRepository): ApprovalService {
  const check = async (invoker: Invoker, draftId: number, action: string) => {
    const draft = await approvals.load(invoker, draftId, action);
    if (!communityIds.includes(draft.communityId)) {
      await audit.write({
        communityId: draft.communityId,
        actor: principalKey(invoker),
        action: 'access.refused',
        subject: `draft:${draftId}`,
        details: { attempted: action, from: 'another community’s desk', desk: communityIds, displayName: invoker.displayName },
      });
      throw new JamiiError('draft_other_desk', `Draft #${draftId} belongs to another community: act on it from that community's desk.`);
    }
    return draft;
  };
  return {
    ...approvals,
    load: check,
    async decide(invoker, draftId, decision) {
      await check(invoker, draftId, decision.kind);
      return approvals.decide(invoker, draftId, decision);
    },
    async retry(invoker, draftId) {
      await check(invoker, draftId, 'retry');
      return approvals.retry(invoker, draftId);
    },
  };
}

/** The chat alone: what commands see and what a replay job stores. */
function chatOf({ direct: _direct, ...chat }: CommandOrigin): ChatRef {
  return chat;
}

export function createCommandDispatcher(deps: {
  services: CommandServices;
  access: Access;
  audit: AuditRepository;
  log: Logger;
  /** Tells desk chats apart: a command typed in a desk covers that desk's communities only. */
  communities: CommunityDirectory;
}): CommandDispatcher {
  const byName = new Map<string, CommandSpec<unknown>>(COMMANDS.map((c) => [c.name, c as CommandSpec<unknown>]));

  const dispatch = async (invoker: Invoker, name: string, args: string, origin?: CommandOrigin, pressed?: CommandContext['pressed']): Promise<CommandReply> => {
    const spec = byName.get(name.toLowerCase());
    if (!spec) return { text: `Unknown command /${name}. Type /help for the list.`, ephemeral: true };
    try {
      // Postgres stores no NUL in text or jsonb: refused here, before the audit row or the draft would fail on it.
      if (args.includes('\u0000')) throw new JamiiError('invalid_input', 'The text contains a NUL character (U+0000), which cannot be stored; remove it and try again.');
      const roles = await deps.access.rolesOf(invoker);
      // Everyone reading a desk sees the answers typed there: in a desk other than the invoker's
      // own private chat, a command covers that desk's communities and nothing else.
      const desks = origin && !origin.direct ? deps.communities.desksAt(origin.platform, origin.chatId).map((c) => c.id) : [];
      const held = deps.access.communitiesWith(roles, spec.role);
      let communities = desks.length > 0 ? held.filter((id) => desks.includes(id)) : held;
      const refuse = async (communityId: string | null): Promise<never> => {
        await deps.audit.write({
          communityId,
          actor: principalKey(invoker),
          action: 'access.refused',
          subject: `command:${spec.name}`,
          details: { args: args.slice(0, 200), needed: spec.role, displayName: invoker.displayName },
        });
        throw new JamiiError(spec.role === 'admin' ? 'not_an_admin' : 'not_a_manager');
      };
      if (communities.length === 0) await refuse(desks.length === 1 ? desks[0]! : null);
      let rest = args;
      if (spec.oneCommunity) {
        const choice = chooseCommunity({ command: spec.name, args, inReach: communities, held, atDesk: desks.length > 0, directory: deps.communities });
        if ('refusedIn' in choice) return await refuse(choice.refusedIn);
        communities = [choice.communityId];
        rest = choice.args;
      }
      const parsed = spec.parse(rest);
      const services = desks.length > 0 ? { ...deps.services, approvals: withinDesk(deps.services.approvals, desks, deps.audit) } : deps.services;
      return await spec.run({ invoker, roles, communities, origin: origin && chatOf(origin), direct: origin?.direct ?? false, pressed }, parsed, services);
    } catch (error) {
      if (!(error instanceof JamiiError)) deps.log.error({ err: error, command: spec.name }, 'command.failed');
      return { text: userMessage(error), ephemeral: true };
    }
  };

  return {
    dispatch: (invoker, name, args, origin) => dispatch(invoker, name, args, origin),
    async dispatchText(invoker, text, origin) {
      const line = parseCommandLine(text);
      if (!line) return null;
      return dispatch(invoker, line.name, line.args, origin);
    },
    async dispatchAction(invoker, actionId, extra) {
      const action = parseCardAction(actionId);
      if (!action) return { text: 'That button is not recognised.', ephemeral: true };
      // A colon ends the draft number: the text typed on the card (a reason) is never read as more numbers.
      const args = extra ? `${action.draftId}: ${extra}` : String(action.draftId);
      return dispatch(invoker, action.command, args, undefined, { version: action.version });
    },
  };
}
