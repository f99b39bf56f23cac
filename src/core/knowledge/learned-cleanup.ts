/**
 * Cleans answers the learning loop kept before it learned as it does now (learned-answer.ts):
 * a holding reply approved as drafted was learned as the answer, so the next member asking was
 * "answered" with a promise of an answer and the first member's name; and an answer kept the
 * greeting naming the member it was written for. Run at start, before anything is drafted.
 *
 * Safe to run at every start and from several processes: a holding reply is recognised by its
 * text, and a greeting is dropped only from an entry that still reads exactly as the manager's
 * decided text (an entry learned now, or cleaned already, never does when it had a greeting).
 */
import { stripMemberGreeting } from '../learned-answer.js';
import type { Logger, Store } from '../ports.js';
import type { LearnedWithDecision } from './knowledge-ports.js';

/**
 * The holding replies a community's offline provider may have drafted: the template sections
 * (every language) of the file's holding-reply prompts and of every version the community had,
 * with their `{{placeholders}}` as written.
 */
export type HoldingReplyTemplates = (communityId: string) => Promise<string[]>;

export interface LearnedCleanupResult {
  removed: number;
  stripped: number;
}

const PLACEHOLDER = /\{\{\s*[a-zA-Z][a-zA-Z0-9_]*\s*\}\}/g;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A template as a pattern for the texts it renders to: any name for a placeholder, any run of spaces for a space. */
export function holdingReplyPattern(template: string): RegExp {
  const parts = template.trim().split(PLACEHOLDER).map((part) => escapeRegExp(part).replace(/\s+/g, '\\s+'));
  return new RegExp(`^${parts.join('.+?')}$`, 'u');
}

/**
 * What becomes of one entry: removed (its answer is a holding reply: one of `holdingReplies`),
 * its answer replaced (the greeting naming the member dropped, as learning does now), or kept.
 */
export function cleanedAnswer(entry: LearnedWithDecision, holdingReplies: readonly RegExp[]): { kind: 'remove' } | { kind: 'replace'; answer: string } | { kind: 'keep' } {
  const answer = entry.answer.trim();
  if (holdingReplies.some((pattern) => pattern.test(answer))) return { kind: 'remove' };
  // Only an entry learned word for word from the decision: one learned now already lost its greeting.
  if (entry.memberName === null || entry.decidedText === null || answer !== entry.decidedText.trim()) return { kind: 'keep' };
  const stripped = stripMemberGreeting(answer, entry.memberName);
  return stripped === answer ? { kind: 'keep' } : { kind: 'replace', answer: stripped };
}

/** Removes learned holding replies and drops greetings naming a member from the other learned answers; audited per entry. */
export async function cleanLearnedAnswers(deps: { store: Store; holdingReplies: HoldingReplyTemplates; log: Logger }): Promise<LearnedCleanupResult> {
  const { store, log } = deps;
  const entries = await store.knowledge.learnedWithDecisions();
  const patterns = new Map<string, RegExp[]>();
  const result: LearnedCleanupResult = { removed: 0, stripped: 0 };
  for (const entry of entries) {
    if (!patterns.has(entry.communityId)) patterns.set(entry.communityId, (await deps.holdingReplies(entry.communityId)).map(holdingReplyPattern));
    const outcome = cleanedAnswer(entry, patterns.get(entry.communityId)!);
    if (outcome.kind === 'keep') continue;
    const subject = `learned:${entry.id}`;
    const done = await store.transaction(async (tx) => {
      if (outcome.kind === 'remove') {
        if (!(await tx.knowledge.forget(entry.communityId, { id: entry.id }))) return false;
        await tx.audit.write({ communityId: entry.communityId, actor: 'jamii', action: 'knowledge.cleaned', subject, details: { reason: 'holding_reply', draftId: entry.draftId, answer: entry.answer } });
        return true;
      }
      if (!(await tx.knowledge.replaceLearnedAnswer(entry.communityId, entry.id, { from: entry.answer, to: outcome.answer }))) return false;
      await tx.audit.write({ communityId: entry.communityId, actor: 'jamii', action: 'knowledge.cleaned', subject, details: { reason: 'member_greeting', draftId: entry.draftId, before: entry.answer, after: outcome.answer } });
      return true;
    });
    if (done && outcome.kind === 'remove') result.removed++;
    if (done && outcome.kind === 'replace') result.stripped++;
  }
  if (result.removed + result.stripped > 0) log.info({ ...result }, 'knowledge.learned_cleaned');
  return result;
}
