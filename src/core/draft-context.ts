/**
 * Gathers what a draft is written from: the member's burst (several quick messages answered
 * once), the conversation just before it, the member's history, and the knowledge passages
 * that match. Everything here is read-only; the drafting service decides what to do with it.
 */
import { searchTerms } from './knowledge/search-terms.js';
import type { ContextMessage, KnowledgeRepository, LanguageProvider, Logger, MemberContext, Store } from './ports.js';
import type { KnowledgePassage, Platform, StoredMessage } from './types.js';

/** Messages before the member's that a provider sees as context. */
export const DRAFT_CONTEXT_MESSAGES = 6;
/** Knowledge passages handed to the provider per draft. */
export const KNOWLEDGE_PASSAGES_PER_DRAFT = 4;
/** A member first seen within this many days is "new". */
export const NEW_MEMBER_DAYS = 7;
/** Earlier complaints are counted over this many days. */
export const COMPLAINT_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

/** Longest reply each platform accepts in one message. */
export const PLATFORM_TEXT_LIMITS: Record<Platform, number> = {
  sandbox: 4_000,
  telegram: 4_096,
  discord: 2_000,
  slack: 4_000,
};

export interface DraftContext {
  /** The message with the whole burst's text, oldest first. */
  message: StoredMessage;
  /** Other messages of the burst folded into this draft. */
  mergedMessageIds: number[];
  recent: ContextMessage[];
  member: MemberContext;
  passages: KnowledgePassage[];
}

/** Passages for a text: full-text terms, plus its embedding when vectors are in use. */
export async function retrievePassages(
  knowledge: KnowledgeRepository,
  provider: LanguageProvider,
  communityId: string,
  text: string,
  log: Logger,
  limit: number = KNOWLEDGE_PASSAGES_PER_DRAFT,
): Promise<KnowledgePassage[]> {
  let vector: number[] | undefined;
  if (knowledge.vectors && provider.embed) {
    try {
      vector = (await provider.embed([text]))[0];
    } catch (error) {
      // Retrieval still works on full text alone.
      log.warn({ err: error }, 'knowledge.query_embedding_failed');
    }
  }
  return knowledge.search(communityId, { terms: searchTerms(text), vector, limit });
}

/**
 * The context for drafting `message`, or null when its burst was already drafted (another job
 * folded it into an earlier draft).
 */
export async function gatherDraftContext(
  deps: { store: Store; provider: LanguageProvider; log: Logger; now: Date; burstWindowSeconds: number },
  message: StoredMessage,
): Promise<DraftContext | null> {
  const { store } = deps;
  const burstIds = deps.burstWindowSeconds > 0 ? await store.conversation.burstOf(message.id, deps.burstWindowSeconds) : [message.id];
  if (!burstIds.includes(message.id)) return null;
  const others = burstIds.filter((id) => id !== message.id);
  const burst = others.length > 0 ? [...(await store.messages.getMany(others)), message].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || a.id - b.id) : [message];
  const text = burst.map((m) => m.text.trim()).filter(Boolean).join('\n');
  const first = burst[0]!;

  const [recent, history, passages] = await Promise.all([
    store.conversation.recentBefore(first.id, DRAFT_CONTEXT_MESSAGES),
    store.conversation.memberContext(message.id, new Date(deps.now.getTime() - COMPLAINT_LOOKBACK_DAYS * DAY_MS)),
    retrievePassages(store.knowledge, deps.provider, message.communityId, text, deps.log),
  ]);
  return {
    message: { ...message, text },
    mergedMessageIds: others,
    recent,
    member: {
      isNew: history.firstSeenAt !== null && deps.now.getTime() - history.firstSeenAt.getTime() < NEW_MEMBER_DAYS * DAY_MS,
      complaintsThisMonth: history.complaints,
      language: message.labels?.language ?? 'en',
    },
    passages,
  };
}
