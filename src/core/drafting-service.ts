/**
 * Drafting: for a labelled message, gather its context (the member's burst, the conversation,
 * the member's history, matching knowledge), ask the language provider for a reply, check the
 * reply, store it as a pending draft, and put an approval card on every desk of the community —
 * all in one transaction, and only once per message (or burst) however often the job runs.
 */
import { mapConcurrently } from './concurrency.js';
import { deskCardPosts } from './desk-cards.js';
import type { CommunityDirectory } from './communities.js';
import { gatherDraftContexts, type DraftContext } from './draft-context.js';
import { writeDraft, type WrittenDraft } from './draft-writer.js';
import { JamiiError } from './errors.js';
import { isDraftDue } from './ingest-service.js';
import type { Clock, CoreMetrics, LanguageProvider, Logger, Store } from './ports.js';
import type { Labels, Platform, StoredMessage } from './types.js';
import { sendJobs } from './job-batches.js';
import { timeSlicer } from './time-slices.js';

export { DRAFT_TEXT_MAX_CHARS } from './draft-writer.js';
/** Messages before one that a model sees when it labels it again. */
const RECLASSIFY_CONTEXT_MESSAGES = 3;

export interface DraftingOutcome {
  /** Ids of the drafts created. */
  created: number[];
  /** Messages whose drafting failed (the provider threw or returned something unusable). */
  failed: Array<{ messageId: number; error: unknown }>;
}

export interface DraftingService {
  /**
   * Drafts for each message that is due and has no draft yet, all stored in one transaction
   * (a batch of jobs costs one commit). Failures are reported per message; the rest are stored.
   */
  draftFor(messageIds: number[]): Promise<DraftingOutcome>;
}

export function createDraftingService(deps: {
  store: Store;
  provider: LanguageProvider;
  communities: CommunityDirectory;
  /** Platforms with a running connector: cards go to desks on these. */
  deskPlatforms: () => Iterable<Platform>;
  metrics: CoreMetrics;
  clock: Clock;
  log: Logger;
  /** Messages of one member this close together (seconds) are answered by one draft; 0 turns merging off. */
  burstWindowSeconds?: number | undefined;
  /** Label again with the provider before drafting (a model provider; ingest labelled by rules). */
  reclassify?: boolean | undefined;
  /** Waits while intake is storing messages (bounded): members' messages are stored first. */
  intakeFirst?: (() => Promise<void>) | undefined;
  /** Monotonic milliseconds for the time slices of a drafting batch (time-slices.ts); tests pass their own. */
  sliceClock?: (() => number) | undefined;
}): DraftingService {
  const { store, provider, communities, metrics, clock, log } = deps;
  const burstWindowSeconds = deps.burstWindowSeconds ?? 0;
  const parallelism = provider.parallelism ?? 1;

  interface Proposal extends WrittenDraft {
    message: StoredMessage;
    context: DraftContext;
  }

  /** Labels to draft by: as stored, or the provider's own when it labels again (a model). */
  const labelled = async (messages: StoredMessage[]): Promise<StoredMessage[]> => {
    if (!deps.reclassify) return messages;
    const recent = await store.conversation.recentBeforeMany(messages.map((m) => m.id), RECLASSIFY_CONTEXT_MESSAGES);
    return mapConcurrently(messages, parallelism, async (message) => {
      const community = communities.get(message.communityId);
      const labels = await provider.classify(message.text, { communityLanguage: community.language, communityId: community.id, recent: recent.get(message.id) ?? [] });
      await store.conversation.setLabels(message.id, labels);
      return { ...message, labels };
    });
  };

  const propose = async (message: StoredMessage, labels: Labels, context: DraftContext): Promise<Proposal> => {
    const written = await writeDraft(provider, communities.get(message.communityId), message, labels, context);
    if (written.text.length === 0) throw new JamiiError('llm_invalid_output', `provider ${written.result.provider} returned an empty draft`);
    return { message, context, ...written };
  };

  return {
    async draftFor(messageIds) {
      await deps.intakeFirst?.();
      const failed: DraftingOutcome['failed'] = [];
      const already = await store.drafts.draftedMessageIds(messageIds);
      const messages = (await store.messages.getMany(messageIds.filter((id) => !already.has(id)))).sort((a, b) => a.id - b.id);
      const proposals: Proposal[] = [];
      // A message deleted before its draft job ran needs no reply.
      const candidates = messages.filter((m) => !m.author.isBot && !m.deletedAt);
      let due: StoredMessage[] = [];
      try {
        due = (await labelled(candidates)).filter((m) => isDraftDue(m.labels));
      } catch (error) {
        for (const m of candidates) failed.push({ messageId: m.id, error });
      }
      const contexts = due.length > 0 ? await gatherDraftContexts({ store, provider, communities, log, now: clock.now(), burstWindowSeconds }, due) : new Map<number, DraftContext>();
      await deps.intakeFirst?.();
      // Writing and checking a batch's drafts is this thread's longest stretch: it runs in
      // slices, and members' messages are stored between them.
      const nextSlice = timeSlicer({ intakeFirst: deps.intakeFirst, now: deps.sliceClock });
      // A model writes up to its parallelism at once; the proposals keep the messages' order.
      const written = await mapConcurrently(due, parallelism, async (message) => {
        const context = contexts.get(message.id);
        if (!context) return null;
        await nextSlice();
        try {
          // A burst is drafted by its labels together (draft-context.ts burstLabels).
          return await propose(message, context.message.labels ?? message.labels!, context);
        } catch (error) {
          failed.push({ messageId: message.id, error });
          return null;
        }
      });
      for (const proposal of written) if (proposal) proposals.push(proposal);
      if (proposals.length === 0) return { created: [], failed };

      const platforms = [...deps.deskPlatforms()];
      const byMessage = new Map(proposals.map((p) => [p.message.id, p]));
      await deps.intakeFirst?.();
      const created = await store.transaction(async (tx) => {
        // Another worker may have drafted some meanwhile (two jobs of one burst run at once).
        // Under the communities' drafting lock, a proposal whose messages were taken meanwhile is
        // dropped: when its own message was drafted there is nothing left to do; when only part
        // of its burst was, the job runs again and drafts what is left.
        // Without burst merging no two drafts can share a message: the unique draft per message is enough.
        let fresh = proposals;
        let taken = new Set<number>();
        if (burstWindowSeconds > 0) {
          await tx.drafts.lockDrafting([...new Set(proposals.map((p) => p.message.communityId))]);
          taken = await tx.drafts.draftedMessageIds(proposals.flatMap((p) => [p.message.id, ...p.context.mergedMessageIds]));
          fresh = proposals.filter((p) => ![p.message.id, ...p.context.mergedMessageIds].some((id) => taken.has(id)));
        }
        for (const p of proposals) {
          if (!fresh.includes(p) && !taken.has(p.message.id)) {
            failed.push({ messageId: p.message.id, error: new JamiiError('draft_conflict', `part of message ${p.message.id}'s burst was drafted by another worker`) });
          }
        }
        const drafts = await tx.drafts.insertMany(
          fresh.map(({ message, kind, result, text, flags, context }) => ({
            ...result,
            text,
            flags,
            messageId: message.id,
            communityId: message.communityId,
            kind,
            mergedMessageIds: context.mergedMessageIds,
          })),
        );
        // A member who answered while the asker's burst window was open: the card says so from the
        // start. Replies being stored meanwhile wait for this commit, and then see these drafts.
        if (drafts.length > 0) await tx.conversation.lockAnswers(drafts.map((d) => d.communityId), 'exclusive');
        const answered = new Map((await tx.conversation.markAlreadyAnswered(drafts.map((d) => d.id))).map((a) => [a.draftId, a]));
        const made = drafts.map((draft) => {
          const mark = answered.get(draft.id);
          return { draft: mark ? { ...draft, answeredByName: mark.answeredByName, answeredAt: mark.answeredAt } : draft, ...byMessage.get(draft.messageId!)! };
        });
        const burstMessages = await tx.messages.getMany(made.flatMap(({ context }) => context.mergedMessageIds));
        const cards = await tx.outbox.insertMany(
          made.flatMap(({ draft, message }) => {
            const burst = burstMessages.filter((m) => draft.mergedMessageIds.includes(m.id));
            return deskCardPosts({ ...draft, message, burst, target: message.chat, targetTitle: message.chatTitle }, communities.desksOf(message.communityId, platforms));
          }),
        );
        await tx.jobs.enqueue('send', sendJobs(cards.map((card) => card.id)));
        await tx.audit.writeMany(
          made.map(({ draft, message, kind, result, flags, context }) => ({
            communityId: message.communityId,
            actor: 'jamii',
            action: 'draft.created',
            subject: `draft:${draft.id}`,
            details: {
              messageId: message.id,
              kind,
              provider: result.provider,
              model: result.model ?? null,
              prompt: `${result.promptName}@${result.promptVersion}`,
              reason: result.reason,
              sources: result.sources ?? [],
              merged: context.mergedMessageIds,
              flags,
            },
          })),
        );
        return made.map(({ draft, message, kind, flags }) => ({ draftId: draft.id, message, kind, flags }));
      });
      const now = clock.now().getTime();
      for (const { draftId, message, kind, flags } of created) {
        metrics.draftCreated(kind);
        metrics.pipelineLatency('draft_pending', (now - message.sentAt.getTime()) / 1000);
        log.info({ draftId, messageId: message.id, kind, communityId: message.communityId, flagged: flags.length > 0 }, 'draft.created');
      }
      return { created: created.map((c) => c.draftId), failed };
    },
  };
}
