/**
 * Drafting: for a labelled message, ask the language provider for a reply, store it as a
 * pending draft, and put an approval card on every desk of the community — all in one
 * transaction, and only once per message however often the job runs.
 */
import { cardText, cardView } from './desk-cards.js';
import type { CommunityDirectory } from './communities.js';
import { JamiiError } from './errors.js';
import type { Clock, CoreMetrics, LanguageProvider, Logger, Store } from './ports.js';
import type { DraftKind, Platform } from './types.js';

/** Longest reply Jamii will propose; the shortest platform limit (Discord's 2000) minus room. */
export const DRAFT_TEXT_MAX_CHARS = 1900;

export interface DraftingService {
  /** Drafts for each message that is due and has no draft yet. Returns the ids of new drafts. */
  draftFor(messageIds: number[]): Promise<number[]>;
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
      const created: number[] = [];
      const messages = await store.messages.getMany(messageIds);
      for (const message of messages) {
        const labels = message.labels;
        if (!labels || !(labels.isQuestion || labels.isNegative) || message.author.isBot) continue;
        const kind: DraftKind = labels.isNegative ? 'negative' : 'question';
        const community = communities.get(message.communityId);
        const result = await provider.draft({ kind, message, labels, community });
        const text = result.text.trim();
        if (text.length === 0 || text.length > DRAFT_TEXT_MAX_CHARS) {
          throw new JamiiError('invalid_input', `provider ${result.provider} returned a draft of ${text.length} characters`);
        }
        const draftId = await store.transaction(async (tx) => {
          const draft = await tx.drafts.insert({
            messageId: message.id,
            communityId: message.communityId,
            kind,
            text,
            reason: result.reason,
            language: result.language,
            promptName: result.promptName,
            promptVersion: result.promptVersion,
            provider: result.provider,
          });
          if (!draft) return null;
          const view = cardView({ ...draft, message });
          const cards = [];
          for (const desk of communities.desksOf(message.communityId, deps.deskPlatforms())) {
            const card = await tx.outbox.insert({
              kind: 'card',
              target: desk,
              replyToMessageId: null,
              text: cardText(view),
              card: view,
              draftId: draft.id,
              dedupeKey: `card:${draft.id}:${desk.platform}:${desk.chatId}`,
            });
            if (card) cards.push(card.id);
          }
          await tx.jobs.enqueue('send', cards.map((outboxId) => ({ outboxId })));
          await tx.audit.write({
            communityId: message.communityId,
            actor: 'jamii',
            action: 'draft.created',
            subject: `draft:${draft.id}`,
            details: { messageId: message.id, kind, provider: result.provider, prompt: `${result.promptName}@${result.promptVersion}`, reason: result.reason },
          });
          return draft.id;
        });
        if (draftId === null) continue;
        created.push(draftId);
        metrics.draftCreated(kind);
        metrics.pipelineLatency('draft_pending', (clock.now().getTime() - message.sentAt.getTime()) / 1000);
        log.info({ draftId, messageId: message.id, kind, communityId: message.communityId }, 'draft.created');
      }
      return created;
    },
  };
}
