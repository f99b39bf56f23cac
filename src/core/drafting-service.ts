/**
 * Drafting: for a labelled message, gather its context (the member's burst, the conversation,
 * the member's history, matching knowledge), ask the language provider for a reply, check the
 * reply, store it as a pending draft, and put an approval card on every desk of the community —
 * all in one transaction, and only once per message (or burst) however often the job runs.
 */
import { cardText, cardView } from './desk-cards.js';
import type { CommunityDirectory } from './communities.js';
import { gatherDraftContext, PLATFORM_TEXT_LIMITS, type DraftContext } from './draft-context.js';
import { JamiiError } from './errors.js';
import { isDraftDue } from './ingest-service.js';
import type { Clock, CoreMetrics, DraftResult, LanguageProvider, Logger, Store } from './ports.js';
import { allowedLinksFor, checkDraftText } from './safety/output-checks.js';
import type { DraftKind, Labels, Platform, StoredMessage } from './types.js';

/** Longest reply Jamii will propose; the shortest platform limit (Discord's 2000) minus room. */
export const DRAFT_TEXT_MAX_CHARS = 1900;

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
}): DraftingService {
  const { store, provider, communities, metrics, clock, log } = deps;
  const burstWindowSeconds = deps.burstWindowSeconds ?? 0;

  interface Proposal {
    message: StoredMessage;
    kind: DraftKind;
    result: DraftResult;
    text: string;
    flags: string[];
    context: DraftContext;
  }

  const labelsFor = async (message: StoredMessage): Promise<Labels | null> => {
    if (!deps.reclassify) return message.labels;
    const community = communities.get(message.communityId);
    const recent = await store.conversation.recentBefore(message.id, 3);
    const labels = await provider.classify(message.text, { communityLanguage: community.language, communityId: community.id, recent });
    await store.conversation.setLabels(message.id, labels);
    return labels;
  };

  const propose = async (message: StoredMessage): Promise<Proposal | null> => {
    const labels = await labelsFor(message);
    if (!labels || !isDraftDue(labels)) return null;
    const kind: DraftKind = labels.isNegative ? 'negative' : 'question';
    const context = await gatherDraftContext({ store, provider, log, now: clock.now(), burstWindowSeconds }, { ...message, labels });
    if (!context) return null;
    const community = communities.get(message.communityId);
    const maxLength = Math.min(PLATFORM_TEXT_LIMITS[message.chat.platform], DRAFT_TEXT_MAX_CHARS);
    const result = await provider.draft({
      kind,
      message: context.message,
      labels,
      community,
      recent: context.recent,
      passages: context.passages,
      member: { ...context.member, language: labels.language },
      maxLength,
      deskLanguage: community.language,
    });
    // Whatever the provider, its text is checked here before it can become a draft: links only
    // from the knowledge (a member's link only on a host the knowledge already uses), no mass
    // mentions, no markup tricks. What fails is stored flagged, for a human to edit or reject.
    const allowedLinks = allowedLinksFor({ passages: context.passages.flatMap((p) => [p.text, p.question ?? '']), message: context.message.text });
    const checked = checkDraftText(result.text, { platform: message.chat.platform, maxLength, allowedLinks, systemPrompts: [] });
    if (checked.text.length === 0) throw new JamiiError('llm_invalid_output', `provider ${result.provider} returned an empty draft`);
    const flags = [...(result.flags ?? []), ...checked.problems.map((p) => `${p.code}: ${p.detail}`)];
    return { message, kind, result, text: checked.text, flags: [...new Set(flags)], context };
  };

  return {
    async draftFor(messageIds) {
      const failed: DraftingOutcome['failed'] = [];
      const already = await store.drafts.draftedMessageIds(messageIds);
      const messages = (await store.messages.getMany(messageIds.filter((id) => !already.has(id)))).sort((a, b) => a.id - b.id);
      const proposals: Proposal[] = [];
      const covered = new Set<number>();
      for (const message of messages) {
        if (covered.has(message.id) || message.author.isBot) continue;
        try {
          const proposal = await propose(message);
          if (!proposal) continue;
          proposals.push(proposal);
          for (const id of [message.id, ...proposal.context.mergedMessageIds]) covered.add(id);
        } catch (error) {
          failed.push({ messageId: message.id, error });
        }
      }
      if (proposals.length === 0) return { created: [], failed };

      const platforms = [...deps.deskPlatforms()];
      const byMessage = new Map(proposals.map((p) => [p.message.id, p]));
      const created = await store.transaction(async (tx) => {
        // Another worker may have drafted some meanwhile: those come back missing and are skipped.
        const drafts = await tx.drafts.insertMany(
          proposals.map(({ message, kind, result, text, flags, context }) => ({
            ...result,
            text,
            flags,
            messageId: message.id,
            communityId: message.communityId,
            kind,
            mergedMessageIds: context.mergedMessageIds,
          })),
        );
        const made = drafts.map((draft) => ({ draft, ...byMessage.get(draft.messageId)! }));
        const burstMessages = await tx.messages.getMany(made.flatMap(({ context }) => context.mergedMessageIds));
        const cards = await tx.outbox.insertMany(
          made.flatMap(({ draft, message }) => {
            const burst = burstMessages.filter((m) => draft.mergedMessageIds.includes(m.id));
            const view = cardView({ ...draft, message, burst });
            return communities.desksOf(message.communityId, platforms).map((desk) => ({
              kind: 'card' as const,
              target: desk,
              replyToMessageId: null,
              text: cardText(view),
              card: view,
              draftId: draft.id,
              dedupeKey: `card:${draft.id}:${desk.platform}:${desk.chatId}`,
            }));
          }),
        );
        await tx.jobs.enqueue('send', cards.map((card) => ({ outboxId: card.id })));
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
