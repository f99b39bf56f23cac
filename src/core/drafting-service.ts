/**
 * Drafting: for a labelled message, ask the language provider for a reply, store it as a
 * pending draft, and put an approval card on every desk of the community — all in one
 * transaction, and only once per message however often the job runs.
 */
import { cardText, cardView } from './desk-cards.js';
import type { CommunityDirectory } from './communities.js';
import { JamiiError } from './errors.js';
import type { Clock, CoreMetrics, DraftResult, LanguageProvider, Logger, Store } from './ports.js';
import type { DraftKind, Platform, StoredMessage } from './types.js';

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
}): DraftingService {
  const { store, provider, communities, metrics, clock, log } = deps;

  return {
    async draftFor(messageIds) {
      const failed: DraftingOutcome['failed'] = [];
      const already = await store.drafts.draftedMessageIds(messageIds);
      const messages = (await store.messages.getMany(messageIds.filter((id) => !already.has(id)))).sort((a, b) => a.id - b.id);
      const proposals: Array<{ message: StoredMessage; kind: DraftKind; result: DraftResult; text: string }> = [];
      for (const message of messages) {
        const labels = message.labels;
        if (!labels || !(labels.isQuestion || labels.isNegative) || message.author.isBot) continue;
        const kind: DraftKind = labels.isNegative ? 'negative' : 'question';
        try {
          const community = communities.get(message.communityId);
          const result = await provider.draft({
            kind,
            message,
            labels,
            community,
            recent: [],
            passages: [],
            member: { isNew: false, complaintsThisMonth: 0, language: labels.language },
            maxLength: DRAFT_TEXT_MAX_CHARS,
            deskLanguage: community.language,
          });
          const text = result.text.trim();
          if (text.length === 0 || text.length > DRAFT_TEXT_MAX_CHARS) {
            throw new JamiiError('invalid_input', `provider ${result.provider} returned a draft of ${text.length} characters`);
          }
          proposals.push({ message, kind, result, text });
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
          proposals.map(({ message, kind, result, text }) => ({ ...result, text, messageId: message.id, communityId: message.communityId, kind })),
        );
        const made = drafts.map((draft) => ({ draft, ...byMessage.get(draft.messageId)! }));
        const cards = await tx.outbox.insertMany(
          made.flatMap(({ draft, message }) => {
            const view = cardView({ ...draft, message });
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
          made.map(({ draft, message, kind, result }) => ({
            communityId: message.communityId,
            actor: 'jamii',
            action: 'draft.created',
            subject: `draft:${draft.id}`,
            details: { messageId: message.id, kind, provider: result.provider, prompt: `${result.promptName}@${result.promptVersion}`, reason: result.reason },
          })),
        );
        return made.map(({ draft, message, kind }) => ({ draftId: draft.id, message, kind }));
      });
      const now = clock.now().getTime();
      for (const { draftId, message, kind } of created) {
        metrics.draftCreated(kind);
        metrics.pipelineLatency('draft_pending', (now - message.sentAt.getTime()) / 1000);
        log.info({ draftId, messageId: message.id, kind, communityId: message.communityId }, 'draft.created');
      }
      return { created: created.map((c) => c.draftId), failed };
    },
  };
}
