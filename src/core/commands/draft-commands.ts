/**
 * The commands that act on drafts by number: /show, /approve, /edit, /confirm, /reject and /retry.
 * All but /edit take several numbers (`/approve 5 6`, `/approve 5,6`) and
 * answer once, with what happened to each; a word that is not a draft number is refused with the
 * usage, never skipped.
 */
import { cardView } from '../desk-cards.js';
import { isJamiiError, JamiiError } from '../errors.js';
import type { CardView } from '../types.js';
import { parseDraftId, splitFirst } from './command-parser.js';
import type { CommandContext, CommandServices, CommandSpec } from './command-registry.js';

/** Drafts one command acts on at most: more is a slip (or a paste), not a decision. */
export const DRAFTS_PER_COMMAND_MAX = 10;

function usageError(spec: { usage: string }, problem: string): JamiiError {
  return new JamiiError('bad_arguments', `${problem} Usage: ${spec.usage}`);
}

/**
 * The draft numbers leading `raw` (separated by spaces or commas, `#` optional), and the text
 * after them. A colon ends the numbers (`/reject 5 6: 2 people asked`), so text that starts with
 * a number is never read as one; a card button's text comes after one. Throws the usage when
 * there is no number.
 */
export function leadingDraftIds(spec: { usage: string }, raw: string): { ids: number[]; rest: string } {
  const ids: number[] = [];
  let rest = raw.trim();
  for (;;) {
    const [word, after] = splitFirst(rest);
    const last = word.endsWith(':');
    const parts = (last ? word.slice(0, -1) : word).split(',').filter((p) => p !== '');
    const parsed = parts.map((p) => parseDraftId(p));
    if (word === ':' && ids.length > 0) rest = after;
    if (parts.length === 0 || parsed.some((id) => id === null)) break;
    for (const id of parsed) if (!ids.includes(id!)) ids.push(id!);
    rest = after;
    if (last) break;
  }
  if (ids.length === 0) {
    const [first] = splitFirst(rest);
    throw usageError(spec, first ? `"${first}" is not a draft number.` : 'Which draft? Give its number.');
  }
  if (ids.length > DRAFTS_PER_COMMAND_MAX) throw usageError(spec, `That is ${ids.length} drafts; give at most ${DRAFTS_PER_COMMAND_MAX} at once.`);
  return { ids, rest };
}

/** Draft numbers and nothing else: a stray word is refused rather than ignored. */
function draftIdsOnly(spec: { usage: string }, raw: string): number[] {
  const { ids, rest } = leadingDraftIds(spec, raw);
  const [stray] = splitFirst(rest);
  if (stray) throw usageError(spec, `"${stray}" is not a draft number.`);
  return ids;
}

/** What happened to one draft of several: the error's own words, naming the draft when they do not. */
function failureLine(id: number, error: JamiiError): string {
  return `⚠ ${error.message.includes(`#${id}`) ? error.message : `#${id}: ${error.message}`}`;
}

/** What one draft of a command came to: the reply's line for it, and a card to show. */
interface DraftOutcome {
  line: string;
  card?: CardView | undefined;
}

/** A command on drafts by number, of which the invoker may give several. */
interface EachDraftCommand<A> {
  name: string;
  summary: string;
  usage: string;
  /** The ids, and what else the command takes (a reason); `usage` is the command's, for a refusal. */
  parse(args: string, usage: { usage: string }): { ids: number[]; extra: A };
  /** Acts on one draft; `several` says the line is one of many (shorter, the invoker named once). */
  act(ctx: CommandContext, id: number, extra: A, services: CommandServices, several: boolean): Promise<DraftOutcome>;
  /** The first line when there are several: how many of them it came to. */
  head(done: number, total: number, invoker: string): string;
}

/**
 * A manager command that acts on each draft in turn. One draft answers as before (an error is
 * the reply); several answer once, a line per draft after the head. An error that is not ours
 * stops the run, as for one draft: the dispatcher logs it (the drafts before it are decided, and
 * their cards say so).
 */
function eachDraftCommand<A>(c: EachDraftCommand<A>): CommandSpec<{ ids: number[]; extra: A }> {
  return {
    name: c.name,
    summary: c.summary,
    usage: c.usage,
    role: 'manager',
    parse: (args) => c.parse(args, c),
    async run(ctx, { ids, extra }, services) {
      if (ids.length === 1) {
        const one = await c.act(ctx, ids[0]!, extra, services, false);
        return { text: one.line, ...(one.card ? { cards: [one.card] } : {}) };
      }
      const lines: string[] = [];
      const cards: CardView[] = [];
      let done = 0;
      for (const id of ids) {
        try {
          const outcome = await c.act(ctx, id, extra, services, true);
          lines.push(outcome.line);
          if (outcome.card) cards.push(outcome.card);
          done += 1;
        } catch (error) {
          if (!isJamiiError(error)) throw error;
          lines.push(failureLine(id, error));
        }
      }
      return { text: [c.head(done, ids.length, ctx.invoker.displayName), ...lines].join('\n'), ...(cards.length > 0 ? { cards } : {}), ...(done === 0 ? { ephemeral: true } : {}) };
    },
  };
}

const ofDrafts = (done: number, total: number) => `${done} of ${total} drafts`;

export const show = eachDraftCommand({
  name: 'show',
  summary: 'Show drafts with their cards',
  usage: '/show ID [ID…]',
  parse: (args, usage) => ({ ids: draftIdsOnly(usage, args), extra: null }),
  async act(ctx, id, _extra, { approvals, store }) {
    const draft = await approvals.load(ctx.invoker, id, 'show');
    return { line: `Draft #${id}`, card: cardView(draft, await store.outbox.findReplyForDraft(id)) };
  },
  head: (done, total) => `Showing ${ofDrafts(done, total)}:`,
});

export const approve = eachDraftCommand({
  name: 'approve',
  summary: 'Post drafts as they are',
  usage: '/approve ID [ID…]',
  parse: (args, usage) => ({ ids: draftIdsOnly(usage, args), extra: null }),
  async act(ctx, id, _extra, { approvals }, several) {
    await approvals.decide(ctx.invoker, id, { kind: 'approve' });
    return { line: several ? `✅ #${id} approved; posting it now.` : `✅ Draft #${id} approved by ${ctx.invoker.displayName}; posting it now.` };
  },
  head: (done, total, by) => `Approved ${ofDrafts(done, total)} (by ${by}):`,
});

export const edit: CommandSpec<{ id: number; text: string }> = {
  name: 'edit',
  summary: 'Replace the draft text and post it (held for /confirm if it fails a check)',
  usage: '/edit ID <new text>',
  role: 'manager',
  parse(args) {
    const [first, text] = splitFirst(args);
    const id = parseDraftId(first.replace(/:$/, ''));
    if (id === null) throw usageError(edit, first ? `"${first}" is not a draft number.` : 'Which draft? Give its number.');
    if (!text) throw usageError(edit, 'The new text is missing.');
    return { id, text };
  },
  async run(ctx, { id, text }, { approvals }) {
    const draft = await approvals.decide(ctx.invoker, id, { kind: 'edit', text });
    if (draft.status === 'pending') {
      return {
        text: [
          `⚠️ Draft #${id}: your edit is saved but NOT posted. It failed a check:`,
          ...draft.flags.map((f) => `• ${f}`),
          `To post it exactly as it is, confirm with /confirm ${id} (or the card's Post anyway button). Or fix it with /edit ${id} <new text>, or /reject ${id}.`,
        ].join('\n'),
      };
    }
    return { text: `✏️ Draft #${id} edited and approved by ${ctx.invoker.displayName}; posting it now.` };
  },
};

export const confirm = eachDraftCommand({
  name: 'confirm',
  summary: 'Post an edit that failed a check, exactly as it is (after reading the card)',
  usage: '/confirm ID [ID…]',
  parse: (args, usage) => ({ ids: draftIdsOnly(usage, args), extra: null }),
  async act(ctx, id, _extra, { approvals }, several) {
    // Pressed on a card: only the edit that card showed is posted.
    await approvals.decide(ctx.invoker, id, ctx.pressed ? { kind: 'confirm', seen: ctx.pressed.version } : { kind: 'confirm' });
    return {
      line: several ? `✏️ #${id}: edit confirmed despite its flags; posting it now.` : `✏️ Draft #${id}: edit confirmed by ${ctx.invoker.displayName} despite its flags; posting it now.`,
    };
  },
  head: (done, total, by) => `Confirmed ${ofDrafts(done, total)} (by ${by}):`,
});

export const reject = eachDraftCommand({
  name: 'reject',
  summary: 'Discard drafts (nothing is posted)',
  usage: '/reject ID [ID…] [reason]',
  parse(args, usage) {
    const { ids, rest } = leadingDraftIds(usage, args);
    return { ids, extra: rest || undefined };
  },
  async act(ctx, id, reason, { approvals }, several) {
    await approvals.decide(ctx.invoker, id, { kind: 'reject', reason });
    return { line: several ? `🗑 #${id} rejected. Nothing was posted.` : `🗑 Draft #${id} rejected by ${ctx.invoker.displayName}. Nothing was posted.` };
  },
  head: (done, total, by) => `Rejected ${ofDrafts(done, total)} (by ${by}):`,
});

export const retry = eachDraftCommand({
  name: 'retry',
  summary: 'Send an unconfirmed or failed reply again (check the chat first)',
  usage: '/retry ID [ID…]',
  parse: (args, usage) => ({ ids: draftIdsOnly(usage, args), extra: null }),
  async act(ctx, id, _extra, { approvals }) {
    await approvals.retry(ctx.invoker, id);
    return { line: `🔁 Sending the reply for draft #${id} again.` };
  },
  head: (done, total) => `Sending ${ofDrafts(done, total)} again:`,
});
