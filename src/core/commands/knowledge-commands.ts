/**
 * Knowledge commands: what Jamii learned from the desk, removing a learned answer, and a
 * search a manager can run to see what a question would be answered from.
 */
import { JamiiError } from '../errors.js';
import { parseLearnedRef, type LearnedRef } from '../knowledge/learned-ref.js';
import { searchTerms } from '../knowledge/search-terms.js';
import { principalKey } from '../types.js';
import type { CommandSpec } from './command-registry.js';
import { splitFirst } from './command-parser.js';

/** Entries shown by one /learned. */
export const LEARNED_LIST_MAX = 15;
/** Passages shown by one /kb. */
export const KB_RESULTS_MAX = 5;
const PREVIEW_CHARS = 90;

const preview = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 1)}…`;
};

export const learned: CommandSpec<void> = {
  name: 'learned',
  summary: 'Answers Jamii learned from approved replies, newest first',
  usage: '/learned',
  role: 'manager',
  parse: () => undefined,
  async run(ctx, _args, { store }) {
    const entries = (await Promise.all(ctx.communities.map((c) => store.knowledge.listLearned(c, LEARNED_LIST_MAX))))
      .flat()
      .sort((a, b) => b.id - a.id)
      .slice(0, LEARNED_LIST_MAX);
    if (entries.length === 0) return { text: 'Nothing learned yet. Approving or editing a reply to a question teaches Jamii its answer.' };
    return {
      text: [
        `Learned answers (newest first; /forget ID removes one):`,
        ...entries.map((e) => `L${e.id} · Q: ${preview(e.question)}\n      A: ${preview(e.answer)}`),
      ].join('\n'),
    };
  },
};

export const forget: CommandSpec<LearnedRef> = {
  name: 'forget',
  summary: 'Remove a learned answer from the knowledge base',
  usage: '/forget ID',
  role: 'manager',
  parse(args) {
    const [first] = splitFirst(args);
    const ref = first ? parseLearnedRef(first) : null;
    if (!ref) throw new JamiiError('bad_arguments', `Which learned answer? Give its id as /learned lists it (L12) or a card cites it (learned/L12). Usage: ${forget.usage}`);
    return ref;
  },
  async run(ctx, ref, { store }) {
    for (const communityId of ctx.communities) {
      const removed = await store.knowledge.forget(communityId, ref);
      if (!removed) continue;
      await store.audit.write({ communityId, actor: principalKey(ctx.invoker), action: 'knowledge.forgotten', subject: `learned:${removed.id}`, details: { displayName: ctx.invoker.displayName } });
      return { text: `🧹 Learned answer L${removed.id} removed; Jamii will no longer answer from it.\n      Q: ${preview(removed.question)}\n      A: ${preview(removed.answer)}` };
    }
    const named = 'id' in ref ? `L${ref.id}` : `learned from draft #${ref.draftId}`;
    throw new JamiiError('learned_entry_not_found', `There is no learned answer ${named} in your communities.`);
  },
};

export const kb: CommandSpec<string> = {
  name: 'kb',
  summary: 'Search the knowledge base as a draft would',
  usage: '/kb <question>',
  role: 'manager',
  parse(args) {
    const query = args.trim();
    if (!query) throw new JamiiError('bad_arguments', `What should I look for? Usage: ${kb.usage}`);
    return query;
  },
  async run(ctx, query, { store }) {
    const terms = searchTerms(query);
    const results = (await Promise.all(ctx.communities.map((c) => store.knowledge.search(c, { terms, limit: KB_RESULTS_MAX }))))
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, KB_RESULTS_MAX);
    if (results.length === 0) return { text: `Nothing in the knowledge base matches "${preview(query)}".` };
    return {
      text: [
        `Best matches for "${preview(query)}":`,
        ...results.map((p) => `${p.score.toFixed(2)} · ${p.heading ? `${p.source} › ${p.heading}` : p.source}\n      ${preview(p.text)}`),
      ].join('\n'),
    };
  },
};
