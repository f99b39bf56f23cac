/**
 * Posts Jamii proposes on its own: curated news and discussion sparks. A post is a draft like a
 * reply, held on every desk for a decision, unless its community runs that kind in `auto` mode:
 * then the system actor approves it and the outbox row is written in the same transaction, so a
 * crash between "decided" and "queued" cannot happen and a post is never queued twice.
 */
import { EDIT_TEXT_MAX_CHARS, queueApproved } from './approval-service.js';
import type { CommunityDirectory } from './communities.js';
import { deskCardPosts } from './desk-cards.js';
import { JamiiError } from './errors.js';
import type { Clock, CoreMetrics, Logger, Repositories, Store } from './ports.js';
import { POLL_MAX_OPTIONS, POLL_MIN_OPTIONS, type Draft, type Platform, type PollSpec, type PostDraftKind, type SourceRef } from './types.js';
import { sendJobs } from './job-batches.js';

/** Who approves a post in auto mode, as the audit log and the cards name it. */
export const AUTO_ACTOR = 'jamii:auto';
export const AUTO_ACTOR_NAME = 'Jamii (auto mode)';

export interface ProposedPost {
  communityId: string;
  /** chats.id of the chat to post in; it must belong to the community. */
  chatId: number;
  kind: PostDraftKind;
  /** The exact post text (with a poll: its introduction, may be empty). */
  text: string;
  poll?: PollSpec | null | undefined;
  language: string;
  /** Shown on the card: why this post, why now. */
  reason: string;
  sources?: SourceRef[] | undefined;
  details?: Record<string, unknown> | undefined;
  /** Output checks the text failed: the card asks for an edit, and auto mode holds it for one. */
  flags?: string[] | undefined;
  promptName: string;
  promptVersion: string;
  provider: string;
  model?: string | null | undefined;
  mode: 'approve' | 'auto';
  /** Unique across drafts: a second proposal with the same key is a no-op (returns null). */
  dedupeKey: string;
}

export interface PostService {
  /** Stores the draft and its desk cards (in auto mode: its outbox row and send job) at once. */
  propose(post: ProposedPost): Promise<Draft | null>;
  /** {@link propose} inside the caller's transaction (to mark what the post used atomically). */
  proposeIn(tx: Repositories, post: ProposedPost): Promise<Draft | null>;
}

/** Checks a poll against the limits every platform shares; returns it trimmed. */
export function validatePoll(poll: PollSpec): PollSpec {
  const question = poll.question.trim();
  const options = poll.options.map((o) => o.trim()).filter((o) => o.length > 0);
  if (question.length === 0) throw new JamiiError('bad_arguments', 'A poll needs a question.');
  if (options.length < POLL_MIN_OPTIONS || options.length > POLL_MAX_OPTIONS) {
    throw new JamiiError('bad_arguments', `A poll needs ${POLL_MIN_OPTIONS} to ${POLL_MAX_OPTIONS} answers; this one has ${options.length}.`);
  }
  if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) throw new JamiiError('bad_arguments', 'A poll cannot offer the same answer twice.');
  return { question, options };
}

export function createPostService(deps: {
  store: Store;
  communities: CommunityDirectory;
  /** Platforms with a running connector: cards go to desks on these. */
  deskPlatforms: () => Iterable<Platform>;
  clock: Clock;
  metrics: CoreMetrics;
  log: Logger;
}): PostService {
  const { store, communities, clock, metrics, log } = deps;

  const proposeIn: PostService['proposeIn'] = async (tx, p) => {
    const chat = await tx.chats.get(p.chatId);
    if (!chat || chat.communityId !== p.communityId) throw new JamiiError('chat_not_found', `Chat ${p.chatId} is not a chat of community ${p.communityId}.`);
    const poll = p.poll ? validatePoll(p.poll) : null;
    const text = p.text.trim();
    if (text.length === 0 && !poll) throw new JamiiError('bad_arguments', 'A post needs a text or a poll.');
    if (text.length > EDIT_TEXT_MAX_CHARS) throw new JamiiError('text_too_long', `The post is ${text.length} characters; the limit is ${EDIT_TEXT_MAX_CHARS}.`);
    const flags = p.flags ?? [];
    const draft = await tx.drafts.insertPost({
      communityId: p.communityId,
      targetChatId: chat.id,
      kind: p.kind,
      text,
      poll,
      reason: p.reason,
      language: p.language,
      promptName: p.promptName,
      promptVersion: p.promptVersion,
      provider: p.provider,
      model: p.model ?? null,
      sources: p.sources ?? [],
      flags,
      details: p.details ?? {},
      dedupeKey: p.dedupeKey,
    });
    if (!draft) return null;
    await tx.audit.write({
      communityId: p.communityId,
      actor: 'jamii',
      action: 'draft.created',
      subject: `draft:${draft.id}`,
      details: { kind: p.kind, chatId: chat.id, mode: p.mode, provider: p.provider, prompt: `${p.promptName}@${p.promptVersion}`, reason: p.reason, sources: p.sources ?? [], flags, dedupeKey: p.dedupeKey },
    });
    // A flagged post is never published unseen: auto mode holds it on the desk like approve mode.
    const auto = p.mode === 'auto' && flags.length === 0;
    let current: Draft = draft;
    if (auto) {
      const decided = await tx.drafts.decide(draft.id, { status: 'approved', decidedBy: AUTO_ACTOR, decidedByName: AUTO_ACTOR_NAME, decidedAt: clock.now() });
      if (!decided) throw new JamiiError('draft_already_decided', `Draft #${draft.id} was decided while it was created.`);
      current = decided;
      await queueApproved(tx, { ...decided, message: null, target: chat.ref, targetTitle: chat.title }, decided.text);
      await tx.audit.write({ communityId: p.communityId, actor: AUTO_ACTOR, action: 'draft.approved', subject: `draft:${draft.id}`, details: { displayName: AUTO_ACTOR_NAME, mode: 'auto' } });
    }
    // The desk sees every post, auto ones too (as approved cards): the manager can tell what went out.
    const cards = await tx.outbox.insertMany(deskCardPosts({ ...current, message: null, target: chat.ref, targetTitle: chat.title }, communities.desksOf(p.communityId, deps.deskPlatforms())));
    await tx.jobs.enqueue('send', sendJobs(cards.map((card) => card.id)));
    return current;
  };

  return {
    proposeIn,
    async propose(p) {
      const draft = await store.transaction((tx) => proposeIn(tx, p));
      if (draft) {
        metrics.draftCreated(draft.kind);
        if (draft.status !== 'pending') metrics.decision(draft.status);
        log.info({ draftId: draft.id, kind: draft.kind, communityId: draft.communityId, chatId: p.chatId, status: draft.status }, 'post.proposed');
      }
      return draft;
    },
  };
}
