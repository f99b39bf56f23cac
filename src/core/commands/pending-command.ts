/**
 * /pending: the drafts waiting for a decision, most urgent first — negative feedback by severity,
 * then questions, then posts; oldest first within each — one line each with how long it has
 * waited, and how to open one. Cards are not posted again: each draft's card is on the desk
 * already, and `/show ID` brings one back. A kind after the command (`complaints`, `questions`,
 * `posts`) lists only those.
 */
import { KIND_NAMES, waitingLine } from '../draft-lines.js';
import { JamiiError } from '../errors.js';
import type { DraftKind, DraftWithMessage } from '../types.js';
import { plural } from '../plural.js';
import type { CommandSpec } from './command-registry.js';

/** Drafts listed at most. */
export const PENDING_LIST_MAX = 10;

/** The order kinds are counted in, most urgent first. */
const KIND_ORDER: DraftKind[] = ['negative', 'question', 'news', 'spark'];

interface PendingFilter {
  kinds: DraftKind[];
  /** What the filter lists, in the plural. */
  names: string;
}

const FILTERS: Record<string, PendingFilter> = {
  complaints: { kinds: ['negative'], names: 'complaints' },
  questions: { kinds: ['question'], names: 'questions' },
  posts: { kinds: ['news', 'spark'], names: 'posts' },
};
const ALIASES: Record<string, string> = { complaint: 'complaints', negative: 'complaints', question: 'questions', post: 'posts', news: 'posts', sparks: 'posts', spark: 'posts' };
const USAGE = '/pending [complaints|questions|posts]';

const count = (n: number, kind: DraftKind) => plural(n, ...KIND_NAMES[kind]);

/** The last line: the command that opens a listed draft's card (its card is on the desk already). */
function howToOpen(drafts: DraftWithMessage[]): string[] {
  const [first, second] = drafts;
  if (!first) return [];
  if (!second) return [`Open its card with /show ${first.id}.`];
  return [`Open a card with /show ${first.id}, or several with /show ${first.id} ${second.id}.`];
}

export const pending: CommandSpec<PendingFilter | null> = {
  name: 'pending',
  summary: 'Drafts waiting for a decision, most urgent first',
  usage: USAGE,
  role: 'manager',
  parse(args) {
    const word = args.trim().toLowerCase();
    if (word === '') return null;
    const filter = FILTERS[ALIASES[word] ?? word];
    if (!filter) throw new JamiiError('bad_arguments', `Usage: ${USAGE}`);
    return filter;
  },
  async run(ctx, filter, { store, clock }) {
    const now = clock?.now() ?? new Date();
    const [drafts, counts] = await Promise.all([store.drafts.listPending(ctx.communities, PENDING_LIST_MAX, filter?.kinds), store.drafts.countPendingByKind(ctx.communities)]);
    const kinds = KIND_ORDER.filter((k) => (filter ? filter.kinds.includes(k) : true) && (counts[k] ?? 0) > 0);
    const total = kinds.reduce((sum, k) => sum + counts[k]!, 0);
    if (total === 0) return { text: filter ? `No ${filter.names} are waiting. 🎉` : 'No drafts are waiting. 🎉' };
    const breakdown = kinds.map((k) => count(counts[k]!, k)).join(', ');
    const head = filter && kinds.length === 1 ? `${breakdown} waiting.` : `${plural(total, 'draft')} waiting: ${breakdown}.`;
    const shown = total > drafts.length ? ` The ${drafts.length} most urgent:` : total > 1 ? ' Most urgent first:' : '';
    // A manager of several communities sees whose each draft is.
    const line = ctx.communities.length > 1 ? (d: DraftWithMessage) => `${d.communityId} · ${waitingLine(d, now)}` : (d: DraftWithMessage) => waitingLine(d, now);
    return { text: [`${head}${shown}`, ...drafts.map(line), ...howToOpen(drafts)].join('\n') };
  },
};
