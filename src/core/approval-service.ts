/**
 * Decisions on drafts. A decision is one conditional UPDATE (pending -> decided), and approval
 * writes the outbox row and its send job in the same transaction: two managers approving at once,
 * or one double-clicking, produce exactly one post; the loser learns who won and when.
 *
 * An edit is checked like a drafted text (edit-checks.ts). One that passes is approved at once;
 * one that fails is saved on the still-pending draft with its flags and held (`Draft.heldEdit`):
 * it is posted only when a manager confirms it as it is (`confirm`), never by a plain approve.
 */
import type { Access } from './access.js';
import { formatTime, memberWords } from './desk-cards.js';
import { JamiiError } from './errors.js';
import { checkEdit, problemFlags } from './edit-checks.js';
import { heldEditVersion } from './card-actions.js';
import { learnedAnswerOf } from './learned-answer.js';
import type { Clock, CoreMetrics, Logger, Repositories, Store } from './ports.js';
import { principalKey, type Draft, type DraftWithMessage, type Invoker } from './types.js';
import { sendJobs } from './job-batches.js';

/** The longest reply a manager can type in /edit; Telegram's limit, the tightest we post to. */
export const EDIT_TEXT_MAX_CHARS = 4096;
export const REJECT_REASON_MAX_CHARS = 500;

/**
 * approve: as drafted; edit: the manager's text; confirm: post a held edit despite its flags.
 * A confirmation pressed on a card says which edit the card showed (`seen`, its version; null for
 * a card drawn before buttons carried one) and posts only that one; a typed /confirm has none.
 */
export type Decision =
  | { kind: 'approve' }
  | { kind: 'edit'; text: string }
  | { kind: 'confirm'; seen?: string | null | undefined }
  | { kind: 'reject'; reason?: string | undefined };

export interface ApprovalService {
  decide(invoker: Invoker, draftId: number, decision: Decision): Promise<Draft>;
  /** Sends an unconfirmed or failed reply again, on a manager's word that it is missing. */
  retry(invoker: Invoker, draftId: number): Promise<DraftWithMessage>;
  /** Loads a draft the invoker may see (manager of its community). */
  load(invoker: Invoker, draftId: number, action: string): Promise<DraftWithMessage>;
  /** Marks drafts pending since before `before` as expired; returns how many. */
  expire(before: Date): Promise<number>;
}

/**
 * Refuses to post a pending draft's text unseen: a flagged draft as drafted (it needs an edit), a
 * held edit without an explicit confirmation, and a confirmation of nothing held.
 */
function refuseUnchecked(draft: Draft, decision: Decision): void {
  const flags = draft.flags.join('; ');
  if (decision.kind === 'approve' && draft.heldEdit !== null) {
    throw new JamiiError('edit_needs_confirmation', `Draft #${draft.id} holds ${draft.heldEdit.byName}'s edit, which failed a check (${flags}): post it as it is with /confirm ${draft.id}, or /edit ${draft.id} <text> again, or reject it.`);
  }
  if (decision.kind === 'approve' && draft.flags.length > 0) {
    throw new JamiiError('draft_flagged', `Draft #${draft.id} failed a check (${flags}): edit it with /edit ${draft.id} <text>, or reject it.`);
  }
  if (decision.kind === 'confirm' && draft.heldEdit === null) {
    throw new JamiiError('nothing_to_confirm', `Draft #${draft.id} holds no edit waiting for a confirmation: /confirm posts an edit that failed a check, after /edit.`);
  }
}

function describeDecided(draft: Draft): string {
  const past: Record<string, string> = { approved: 'approved', edited: 'edited and approved', rejected: 'rejected', sent: 'approved', expired: 'expired' };
  if (draft.status === 'expired') return `Draft #${draft.id} has expired; it can no longer be approved.`;
  const by = draft.decidedByName ? ` by ${draft.decidedByName}` : '';
  const at = draft.decidedAt ? ` at ${formatTime(draft.decidedAt)}` : '';
  const posted = draft.status === 'sent' ? (draft.messageId === null ? '; the post is published' : '; the reply is posted') : '';
  return `Draft #${draft.id} was already ${past[draft.status] ?? draft.status}${by}${at}${posted}.`;
}

/**
 * Writes what an approved draft posts into the outbox, with its send job, in the caller's
 * transaction: a reply to the member's message, or a post (with its poll) in the target chat.
 */
export async function queueApproved(tx: Repositories, draft: DraftWithMessage, text: string): Promise<void> {
  const post = await tx.outbox.insert(
    draft.message
      ? { kind: 'reply', target: draft.message.chat, replyToMessageId: draft.message.platformMessageId, text, card: null, draftId: draft.id, dedupeKey: `reply:${draft.id}` }
      : { kind: 'post', target: draft.target, replyToMessageId: null, text, card: null, poll: draft.poll, draftId: draft.id, dedupeKey: `post:${draft.id}` },
  );
  if (post) await tx.jobs.enqueue('send', sendJobs([post.id]));
}

export function createApprovalService(deps: { store: Store; access: Access; metrics: CoreMetrics; clock: Clock; log: Logger }): ApprovalService {
  const { store, access, metrics, clock, log } = deps;

  /**
   * Saves an edit that failed the checks on the pending draft, without deciding: the card shows
   * the text and what was flagged, and a manager confirms, edits again or rejects.
   */
  const holdEdit = async (invoker: Invoker, draft: DraftWithMessage, edit: { text: string; flags: string[] }, at: Date): Promise<Draft> => {
    const held = await store.transaction(async (tx) => {
      const updated = await tx.drafts.holdEdit(draft.id, { ...edit, by: principalKey(invoker), byName: invoker.displayName, at });
      if (!updated) return null;
      await tx.jobs.enqueue('desk-refresh', [{ draftId: draft.id }]);
      await tx.audit.write({
        communityId: draft.communityId,
        actor: principalKey(invoker),
        action: 'draft.edit_held',
        subject: `draft:${draft.id}`,
        details: { displayName: invoker.displayName, before: draft.text, after: updated.text, flags: updated.flags },
      });
      return updated;
    });
    if (!held) throw await notDecided(draft);
    log.info({ draftId: draft.id, by: principalKey(invoker), flags: held.flags.length }, 'draft.edit_held');
    return held;
  };

  /** Why a conditional update changed nothing: decided meanwhile, or edited since it was read. */
  const notDecided = async (draft: Draft): Promise<JamiiError> => {
    const current = await store.drafts.get(draft.id);
    if (current?.status === 'pending') {
      const by = current.heldEdit ? ` by ${current.heldEdit.byName}` : '';
      return new JamiiError('draft_changed', `Draft #${draft.id} was just edited${by}; nothing was posted. Read its card again (/show ${draft.id}) before deciding.`);
    }
    return new JamiiError('draft_already_decided', describeDecided(current ?? draft), { details: { status: current?.status } });
  };

  /**
   * Refuses a Post anyway pressed on a card that showed another edit than the one held now (a
   * manager replaced it since the card was drawn), and redraws the draft's cards, so the next
   * press is on what would be posted. A typed /confirm (`seen` undefined) is read against the
   * current card by the manager who typed it.
   */
  const refuseOutdatedCard = async (draft: Draft, seen: string | null | undefined): Promise<void> => {
    if (seen === undefined || draft.heldEdit === null || seen === heldEditVersion(draft.text)) return;
    await store.jobs.enqueue('desk-refresh', [{ draftId: draft.id }]);
    log.info({ draftId: draft.id, seen, held: heldEditVersion(draft.text) }, 'draft.confirm_outdated');
    throw new JamiiError(
      'draft_changed',
      `Draft #${draft.id}: nothing was posted. The held edit changed since this card was drawn (it is ${draft.heldEdit.byName}'s now); the card is refreshed: read it before pressing Post anyway again.`,
    );
  };

  const load: ApprovalService['load'] = async (invoker, draftId, action) => {
    const draft = await store.drafts.get(draftId);
    if (!draft) throw new JamiiError('draft_not_found', `There is no draft #${draftId}.`);
    await access.require(invoker, draft.communityId, 'manager', { action, subject: `draft:${draftId}` });
    return draft;
  };

  return {
    load,

    async decide(invoker, draftId, decision) {
      if (decision.kind === 'edit') {
        const text = decision.text.trim();
        if (text.length === 0) throw new JamiiError('bad_arguments', 'The edited reply is empty.');
        if (text.length > EDIT_TEXT_MAX_CHARS) throw new JamiiError('text_too_long', `The edited reply is ${text.length} characters; the limit is ${EDIT_TEXT_MAX_CHARS}.`);
      }
      if (decision.kind === 'reject' && (decision.reason?.length ?? 0) > REJECT_REASON_MAX_CHARS) {
        throw new JamiiError('text_too_long', `The reason is too long; the limit is ${REJECT_REASON_MAX_CHARS} characters.`);
      }
      const draft = await load(invoker, draftId, decision.kind);
      if (draft.status === 'pending') refuseUnchecked(draft, decision);
      if (draft.status === 'pending' && decision.kind === 'confirm') await refuseOutdatedCard(draft, decision.seen);
      const at = clock.now();
      let edited: { text: string; flags: string[] } | undefined;
      if (decision.kind === 'edit') {
        const checked = await checkEdit(store.knowledge, draft, decision.text);
        edited = { text: checked.text, flags: problemFlags(checked) };
        if (edited.flags.length > 0) return holdEdit(invoker, draft, edited, at);
      }
      // A confirmed edit posts the held text; it is the manager's text, so it counts as an edit.
      const status = decision.kind === 'approve' ? 'approved' : decision.kind === 'reject' ? 'rejected' : 'edited';
      const decided = await store.transaction(async (tx) => {
        const updated = await tx.drafts.decide(draftId, {
          status,
          text: edited?.text,
          flags: edited?.flags,
          // What is approved or confirmed is the text just checked, not an edit saved since.
          ifText: decision.kind === 'approve' || decision.kind === 'confirm' ? draft.text : undefined,
          decidedBy: principalKey(invoker),
          decidedByName: invoker.displayName,
          decidedAt: at,
          note: decision.kind === 'reject' ? decision.reason : undefined,
        });
        if (!updated) return null;
        if (status !== 'rejected') {
          await queueApproved(tx, draft, updated.text);
          // The learning loop: an approved answer to a question is knowledge the next similar
          // question is answered from. A manager can remove it with /forget. A holding reply
          // approved as drafted answers nothing, and the greeting names only this member.
          const answer = draft.kind === 'question' ? learnedAnswerOf(draft, { text: updated.text, edited: status === 'edited' }) : null;
          if (answer !== null) {
            const learned = await tx.knowledge.learn({ communityId: draft.communityId, question: memberWords(draft), answer, language: draft.language, draftId, createdBy: principalKey(invoker) });
            await tx.audit.write({ communityId: draft.communityId, actor: principalKey(invoker), action: 'knowledge.learned', subject: `learned:${learned.id}`, details: { draftId } });
          }
        }
        await tx.jobs.enqueue('desk-refresh', [{ draftId }]);
        await tx.audit.write({
          communityId: draft.communityId,
          actor: principalKey(invoker),
          action: `draft.${status}`,
          subject: `draft:${draftId}`,
          details: {
            displayName: invoker.displayName,
            ...(decision.kind === 'edit' ? { before: draft.text, after: updated.text } : {}),
            ...(decision.kind === 'confirm' ? { confirmed: true, editedBy: draft.heldEdit?.by, flags: draft.flags } : {}),
            ...(decision.kind === 'reject' && decision.reason ? { reason: decision.reason } : {}),
          },
        });
        return updated;
      });
      if (!decided) throw await notDecided(draft);
      metrics.decision(status);
      log.info({ draftId, status, by: principalKey(invoker) }, 'draft.decided');
      return decided;
    },

    async retry(invoker, draftId) {
      const draft = await load(invoker, draftId, 'retry');
      const reply = await store.outbox.findReplyForDraft(draftId);
      if (!reply || (reply.status !== 'unconfirmed' && reply.status !== 'failed')) {
        throw new JamiiError('post_not_retryable', `Draft #${draftId} has no unconfirmed or failed reply to retry.`);
      }
      await store.transaction(async (tx) => {
        const requeued = await tx.outbox.requeue(reply.id, clock.now());
        if (!requeued) throw new JamiiError('post_not_retryable', `Draft #${draftId} has no unconfirmed or failed reply to retry.`);
        await tx.jobs.enqueue('send', sendJobs([reply.id]));
        await tx.jobs.enqueue('desk-refresh', [{ draftId }]);
        await tx.audit.write({ communityId: draft.communityId, actor: principalKey(invoker), action: 'post.retry', subject: `draft:${draftId}`, details: { outboxId: reply.id, previous: reply.status } });
      });
      return draft;
    },

    async expire(before) {
      return store.transaction(async (tx) => {
        const ids = await tx.drafts.expirePendingBefore(before);
        await tx.jobs.enqueue('desk-refresh', ids.map((draftId) => ({ draftId })));
        await tx.audit.writeMany(ids.map((id) => ({ communityId: null, actor: 'jamii', action: 'draft.expired', subject: `draft:${id}` })));
        return ids.length;
      });
    },
  };
}
