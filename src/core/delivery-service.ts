/**
 * Sending: each outbox row is claimed (pending -> sending) before the platform is called and
 * marked sent after, so a post goes out at most once. A send that may have reached the platform
 * without confirmation (timeout, crash mid-send) is never retried blindly: it is recorded as
 * sent when the platform shows it in the chat (findPosted), else marked unconfirmed and the desk
 * is told — unless the platform itself dedupes our sends.
 */
import type { CommunityDirectory } from './communities.js';
import { cardText, cardView } from './desk-cards.js';
import { queueDeskNotices } from './desk-notices.js';
import { DeliveryError, JamiiError } from './errors.js';
import type { ClaimedPost, Clock, CoreMetrics, Logger, PlatformSender, Store } from './ports.js';
import type { DraftStatus, OutboundPost, Platform } from './types.js';
import { sendJobs } from './job-batches.js';
import {
  deadline,
  FIND_POSTED_DEADLINE_MS,
  SEND_CLAIM_REFRESH_AFTER_MS,
  SEND_CLAIM_STALE_AFTER_MS,
  SEND_DEADLINE_MS,
  SEND_JOB_BUDGET_MS,
  WAIT_SHOWN_PRECISION_MS,
} from './delivery-timing.js';

/** A claimed row the platform took, with the draft status it shows (cards). */
interface SentPost {
  post: ClaimedPost;
  messageId: string;
  shown: DraftStatus | null;
}

export interface DeliveryContext {
  /** No retry follows this attempt. */
  isFinalAttempt: boolean;
  /** Attempts before this one (for logs). */
  retryCount?: number;
}

export interface DeliveryService {
  deliver(outboxId: number, ctx: DeliveryContext): Promise<void>;
  /**
   * A batch of send jobs: every row is tried even when one fails; the first failure is thrown
   * at the end (so the job retries, and what was sent is skipped then). A row whose chat is busy
   * (DeliveryError.retryAfterMs), or one the job has no time left for (SEND_JOB_BUDGET_MS), goes
   * to a new job that starts when it can be sent: not a failure, no retry used up.
   */
  deliverMany(items: Array<{ outboxId: number; ctx: DeliveryContext }>): Promise<void>;
  /** Re-renders every card of a draft in place (after a decision or a send outcome). */
  refreshCards(draftId: number): Promise<void>;
}

/** Why a reply was not posted: its member's message was deleted while the reply waited. */
export const REPLY_TO_DELETED_REASON = 'the member deleted the message before the reply went out';

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function createDeliveryService(deps: {
  store: Store;
  senders: ReadonlyMap<Platform, PlatformSender>;
  communities: CommunityDirectory;
  metrics: CoreMetrics;
  clock: Clock;
  log: Logger;
  /** SEND_DEADLINE_MS and FIND_POSTED_DEADLINE_MS unless set (tests). */
  deadlines?: { sendMs: number; lookupMs: number } | undefined;
}): DeliveryService {
  const { store, senders, communities, metrics, clock, log } = deps;
  const deadlines = deps.deadlines ?? { sendMs: SEND_DEADLINE_MS, lookupMs: FIND_POSTED_DEADLINE_MS };

  /** Tells the desks of the draft's community that a reply needs a human look. */
  const noticeDesks = async (post: OutboundPost, status: 'unconfirmed' | 'failed', why: string) => {
    if ((post.kind !== 'reply' && post.kind !== 'post') || post.draftId === null) return;
    const draft = await store.drafts.get(post.draftId);
    if (!draft) return;
    const text =
      status === 'unconfirmed'
        ? `⚠ Draft #${post.draftId}: ${post.target.platform} did not confirm the ${post.kind} (${why}). It may or may not be in the chat. Check, and send /retry ${post.draftId} if it is missing.`
        : why === REPLY_TO_DELETED_REASON
          ? `⚠ Draft #${post.draftId}: ${why}, so it was not posted. Send /retry ${post.draftId} to post it anyway.`
          : `⚠ Draft #${post.draftId}: ${post.target.platform} refused the ${post.kind} (${why}). Send /retry ${post.draftId} to try again.`;
    await store.transaction(async (tx) => {
      await queueDeskNotices(tx, communities.desksOf(draft.communityId, senders.keys()), text, `notice:${post.id}:${status}:${post.attempts}`, post.draftId);
      await tx.jobs.enqueue('desk-refresh', [{ draftId: draft.id }]);
      await tx.audit.write({ communityId: draft.communityId, actor: 'jamii', action: `post.${status}`, subject: `draft:${draft.id}`, details: { outboxId: post.id, why } });
    });
  };

  /**
   * Puts a row its chat refused for now back in the queue until the chat takes posts again. A
   * reply's or a post's cards then say it is waiting, and until when, instead of "posting…".
   */
  const postpone = async (post: OutboundPost, why: string, afterMs: number) => {
    const next = new Date(clock.now().getTime() + afterMs);
    // A card edit costs the desk chat's own posting limit: only when the time it shows moves. The
    // row keeps the time its cards show, so small moves never add up unseen.
    const shownMoves = post.waitUntil === null || Math.abs(next.getTime() - post.waitUntil.getTime()) >= WAIT_SHOWN_PRECISION_MS;
    const until = shownMoves || post.waitUntil === null ? next : post.waitUntil;
    if ((post.kind !== 'reply' && post.kind !== 'post') || post.draftId === null || !shownMoves) {
      await store.outbox.postpone(post.id, why, until);
      return;
    }
    const draftId = post.draftId;
    await store.transaction(async (tx) => {
      await tx.outbox.postpone(post.id, why, until);
      await tx.jobs.enqueue('desk-refresh', [{ draftId }]);
    });
  };

  const giveUp = async (post: OutboundPost, status: 'unconfirmed' | 'failed', why: string) => {
    if (status === 'unconfirmed') await store.outbox.markUnconfirmed(post.id, why);
    else await store.outbox.markFailed(post.id, why);
    log.warn({ outboxId: post.id, kind: post.kind, draftId: post.draftId, status, why }, 'post.not_delivered');
    await noticeDesks(post, status, why);
  };

  /**
   * What a claimed row posts, and the draft status a card shows. A card as queued shows its
   * draft pending; one sent after its draft was decided shows the draft as it is now.
   */
  const asSent = async (post: ClaimedPost): Promise<{ outgoing: OutboundPost; shown: DraftStatus | null }> => {
    if (post.kind !== 'card' || post.draftId === null) return { outgoing: post, shown: null };
    if (post.draftStatus === 'pending') return { outgoing: post, shown: 'pending' };
    const draft = await store.drafts.get(post.draftId);
    if (!draft) return { outgoing: post, shown: 'pending' };
    const view = cardView(draft, await store.outbox.findReplyForDraft(post.draftId));
    return { outgoing: { ...post, card: view, text: cardText(view) }, shown: draft.status };
  };

  /**
   * Claimed cards of one platform in one call, where its sender takes several at once and is
   * idempotent. Resolves the ids of the cards it sent; none when the call failed (they are then
   * sent one at a time, and the platform does not post one twice).
   */
  const sendCardBatch = async (platform: Platform, cards: ClaimedPost[], sent: SentPost[]): Promise<Set<number>> => {
    const sender = senders.get(platform);
    if (!sender?.sendBatch || !sender.idempotentSend || cards.length < 2) return new Set();
    try {
      const prepared: Array<{ outgoing: OutboundPost; shown: DraftStatus | null }> = [];
      for (const card of cards) prepared.push(await asSent(card));
      const results = await sender.sendBatch(
        prepared.map((p) => p.outgoing),
        deadline(deadlines.sendMs),
      );
      if (results.length !== cards.length) throw new Error(`${platform} took ${results.length} of ${cards.length} cards`);
      results.forEach((result, i) => sent.push({ post: cards[i]!, messageId: result.messageId, shown: prepared[i]!.shown }));
      return new Set(cards.map((c) => c.id));
    } catch (error) {
      log.warn({ err: error, platform, cards: cards.length }, 'send.batch_failed: sending the cards one at a time');
      return new Set();
    }
  };

  /**
   * Asks the platform whether a post whose outcome is unknown is in the chat after all: its
   * message id when it is, null when the platform cannot tell (or the look fails).
   */
  const lookFor = async (sender: PlatformSender | undefined, post: OutboundPost): Promise<string | null> => {
    if (!sender?.findPosted) return null;
    try {
      const found = await sender.findPosted(post, deadline(deadlines.lookupMs));
      if (found) log.info({ outboxId: post.id, kind: post.kind, platformMessageId: found.messageId }, 'post.found_after_unknown_outcome');
      return found?.messageId ?? null;
    } catch (error) {
      log.warn({ err: error, outboxId: post.id }, 'post.lookup_failed');
      return null;
    }
  };

  /**
   * Sends a claimed row. Resolves with the platform's message id (and, for a card, the status of
   * its draft the card shows); resolves null when the row was given up (failed or unconfirmed,
   * desks told); throws (after releasing the row) when a retry should try again.
   */
  const sendClaimed = async (post: ClaimedPost, ctx: DeliveryContext): Promise<{ messageId: string; shown: DraftStatus | null } | null> => {
    const sender = senders.get(post.target.platform);
    if (!sender) {
      const why = `the ${post.target.platform} connector is not running`;
      if (ctx.isFinalAttempt) {
        await giveUp(post, 'failed', why);
        return null;
      }
      await store.outbox.release(post.id, why);
      throw new JamiiError('connector_unavailable', why);
    }
    const { outgoing, shown } = await asSent(post);
    try {
      return { messageId: (await sender.send(outgoing, deadline(deadlines.sendMs))).messageId, shown };
    } catch (error) {
      const why = errorText(error);
      if (error instanceof DeliveryError && error.outcome === 'not_sent') {
        // A busy chat (retryAfterMs) is waited out on any attempt: waiting is not failing.
        if (error.retryAfterMs !== null) metrics.postDeferred(post.target.platform, 'busy');
        if (error.retryable && error.retryAfterMs !== null) {
          await postpone(post, why, error.retryAfterMs);
          throw error;
        }
        if (error.retryable && !ctx.isFinalAttempt) {
          await store.outbox.release(post.id, why);
          throw error;
        }
        await giveUp(post, 'failed', why);
        return null;
      }
      // A timeout after the request left, or an error we cannot classify: the post may exist.
      // Where the platform can show it, it is recorded as sent; otherwise a human checks.
      const found = await lookFor(sender, outgoing);
      if (found !== null) return { messageId: found, shown };
      await giveUp(post, 'unconfirmed', why);
      return null;
    }
  };

  const auditOfSend = (post: OutboundPost, platformMessageId: string) => ({
    communityId: null,
    actor: 'jamii',
    action: 'post.sent',
    subject: post.draftId !== null ? `draft:${post.draftId}` : `outbox:${post.id}`,
    details: { outboxId: post.id, kind: post.kind, platform: post.target.platform, chatId: post.target.chatId, platformMessageId },
  });

  const noteSent = (post: OutboundPost, platformMessageId: string) => {
    metrics.postSent(post.kind);
    log.info({ outboxId: post.id, kind: post.kind, draftId: post.draftId, platform: post.target.platform, platformMessageId }, 'post.sent');
  };

  /**
   * Records cards and notices the platform took (one statement), then refreshes the cards whose
   * draft moved on while they were on the way: the decision's (or the post's) own refresh ran
   * before these cards had a platform message id to edit.
   */
  const recordSent = async (sent: SentPost[], at: Date): Promise<void> => {
    if (sent.length === 0) return;
    const changed = await store.outbox.markSentMany(
      sent.map(({ post, messageId, shown }) => ({ id: post.id, platformMessageId: messageId, at, audit: auditOfSend(post, messageId), shownDraftStatus: shown })),
    );
    for (const { post, messageId } of sent) noteSent(post, messageId);
    for (const draftId of changed) {
      await refreshCards(draftId).catch((error: unknown) => log.warn({ err: error, draftId }, 'card.refresh_failed'));
    }
  };

  const refreshCards = async (draftId: number): Promise<void> => {
    const draft = await store.drafts.get(draftId);
    if (!draft) return;
    const reply = await store.outbox.findReplyForDraft(draftId);
    const view = cardView(draft, reply);
    for (const card of await store.outbox.listCardsForDraft(draftId)) {
      const sender = senders.get(card.target.platform);
      if (!sender || !card.platformMessageId) continue;
      await sender.updateCard(card.target, card.platformMessageId, view, cardText(view));
    }
  };

  const deliver = async (outboxId: number, ctx: DeliveryContext): Promise<void> => {
    let post = await store.outbox.claim(outboxId);
    if (!post) {
      const current = await store.outbox.get(outboxId);
      if (!current || current.status !== 'sending') return; // sent, unconfirmed or failed: nothing to do
      const claimAgeMs = current.claimedAt ? clock.now().getTime() - current.claimedAt.getTime() : Number.POSITIVE_INFINITY;
      if (claimAgeMs < SEND_CLAIM_STALE_AFTER_MS) {
        // Another attempt is still waiting on the platform; judge it only once it is overdue.
        throw new JamiiError('send_in_progress', `outbox ${outboxId} is being sent by another attempt`);
      }
      // Claimed by an attempt that never finished (crash, expiry): its request may have left.
      // A card is sent again all the same: a second copy on the desk is harmless, a missing one is not.
      const sender = senders.get(current.target.platform);
      if (current.kind !== 'card' && !sender?.idempotentSend) {
        // Sending it again could post it twice: record it if the platform shows it, else ask a human.
        const found = await lookFor(sender, current);
        if (found === null) {
          await giveUp(current, 'unconfirmed', 'an earlier attempt stopped mid-send');
          return;
        }
        const claimed = await store.outbox.reclaim(outboxId);
        if (claimed) await recordOne(claimed, { messageId: found, shown: null });
        return;
      }
      post = await store.outbox.reclaim(outboxId);
      if (!post) return;
    } else if (post.answersDeleted) {
      // Claimed from pending, so nothing of it has left: no reply to a message that is gone.
      await giveUp(post, 'failed', REPLY_TO_DELETED_REASON);
      return;
    }
    const result = await sendClaimed(post, ctx);
    if (result === null) return;
    await recordOne(post, result);
  };

  /** Records a row the platform took: a card or notice in one statement; a reply or post with its draft. */
  const recordOne = async (post: ClaimedPost, result: { messageId: string; shown: DraftStatus | null }): Promise<void> => {
    const { messageId, shown } = result;
    const at = clock.now();
    const draftId = post.kind === 'reply' || post.kind === 'post' ? post.draftId : null;
    if (draftId === null) {
      // A card or a notice: the row and its audit entry, one statement.
      await recordSent([{ post, messageId, shown }], at);
    } else {
      await store.transaction(async (tx) => {
        await tx.outbox.markSent(post.id, messageId, at, auditOfSend(post, messageId));
        await tx.drafts.markSent(draftId);
        await tx.jobs.enqueue('desk-refresh', [{ draftId }]);
      });
      noteSent(post, messageId);
    }
  };

  /** Queues rows again for a later job: by seconds to wait, the rows to send then. */
  const handOn = async (later: Map<number, number[]>) => {
    for (const [seconds, ids] of later) {
      await store.jobs.enqueue('send', sendJobs(ids), { startAfterSeconds: seconds > 0 ? seconds : undefined });
      log.info({ rows: ids.length, afterSeconds: seconds }, 'send.handed_on');
    }
  };

  return {
    deliver,

    async deliverMany(items) {
      const started = clock.now().getTime();
      // Cards to a platform that takes several in one call and cannot post one twice (the
      // sandbox) are claimed together and recorded together: two statements for the batch
      // instead of two per card. Every other row (cards to a network platform, replies, posts,
      // notices) is claimed when it is reached and recorded once it is sent, so no claim ages
      // while the rows before it take their time: an attempt that is alive never holds a claim
      // long enough to look stale.
      const batchPlatforms = [...senders.values()].filter((s) => s.sendBatch && s.idempotentSend).map((s) => s.platform);
      const byId = new Map((await store.outbox.claimPendingCards(items.map((i) => i.outboxId), batchPlatforms)).map((p) => [p.id, p]));
      const sent: SentPost[] = [];
      const byPlatform = new Map<Platform, ClaimedPost[]>();
      for (const card of byId.values()) {
        const group = byPlatform.get(card.target.platform) ?? [];
        group.push(card);
        byPlatform.set(card.target.platform, group);
      }
      const batched = new Set<number>();
      for (const [platform, cards] of byPlatform) for (const id of await sendCardBatch(platform, cards, sent)) batched.add(id);
      let failure: unknown = null;
      /** Rows for a later job, by the seconds it waits: out of time here, or their chat is busy. */
      const later = new Map<number, number[]>();
      const defer = (outboxId: number, afterMs: number) => {
        const seconds = Math.ceil(afterMs / 1000);
        later.set(seconds, [...(later.get(seconds) ?? []), outboxId]);
      };
      for (const { outboxId, ctx } of items) {
        if (batched.has(outboxId)) continue;
        const card = byId.get(outboxId);
        if (clock.now().getTime() - started >= SEND_JOB_BUDGET_MS) {
          if (card) await store.outbox.release(card.id, 'handed on to a later send job');
          const platform = card?.target.platform ?? (await store.outbox.get(outboxId))?.target.platform;
          if (platform) metrics.postDeferred(platform, 'out_of_time');
          defer(outboxId, 0);
          continue;
        }
        try {
          if (!card) {
            await deliver(outboxId, ctx);
            continue;
          }
          const claimed = clock.now().getTime() - started >= SEND_CLAIM_REFRESH_AFTER_MS ? await store.outbox.reclaim(card.id) : card;
          if (!claimed) continue;
          const result = await sendClaimed(claimed, ctx);
          if (result !== null) sent.push({ post: claimed, ...result });
        } catch (error) {
          // Released by sendClaimed: it goes out once its chat takes posts again.
          if (error instanceof DeliveryError && error.retryAfterMs !== null) {
            defer(outboxId, error.retryAfterMs);
            continue;
          }
          failure ??= error;
          log.warn({ err: error, outboxId, attempt: (ctx.retryCount ?? 0) + 1 }, 'send.retrying');
        }
      }
      await recordSent(sent, clock.now());
      await handOn(later);
      if (failure) throw failure;
    },

    refreshCards,
  };
}
