/**
 * Gathers what a draft is written from: the member's burst (several quick messages answered
 * once), the conversation just before it, the member's history, and the knowledge passages
 * that match. Everything here is read-only; the drafting service decides what to do with it.
 */
import type { CommunityDirectory } from './communities.js';
import { LANGUAGE_RANK_CANDIDATES, rankForLanguage } from './knowledge/passage-language.js';
import { searchTerms } from './knowledge/search-terms.js';
import type { ContextMessage, KnowledgeRepository, LanguageProvider, Logger, MemberContext, MemberHistory, Store } from './ports.js';
import type { KnowledgePassage, Labels, Platform, StoredMessage } from './types.js';
import { DAY_MS } from './time.js';

/** Messages before the member's that a provider sees as context. */
export const DRAFT_CONTEXT_MESSAGES = 6;
/** Extra recent messages fetched, so the burst's own messages can be left out of the context. */
const BURST_CONTEXT_SLACK = 4;
/** Knowledge passages handed to the provider per draft. */
export const KNOWLEDGE_PASSAGES_PER_DRAFT = 4;
/** A member first seen within this many days is "new". */
export const NEW_MEMBER_DAYS = 7;
/** Earlier complaints are counted over this many days. */
export const COMPLAINT_LOOKBACK_DAYS = 30;

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

/**
 * The labels a burst is drafted by: the anchor's, raised by the rest of the burst. A question
 * followed by "this is the worst service ever!!!" is a complaint, as urgent as its angriest
 * message, with every message's evidence as the reason.
 */
export function burstLabels(anchor: StoredMessage, burst: readonly StoredMessage[]): Labels | null {
  const all = burst.flatMap((m) => (m.labels && !m.deletedAt ? [m.labels] : []));
  if (!anchor.labels || all.length <= 1) return anchor.labels;
  const negative = all.filter((l) => l.isNegative);
  return {
    ...anchor.labels,
    isQuestion: all.some((l) => l.isQuestion),
    isNegative: negative.length > 0,
    severity: Math.max(0, ...negative.map((l) => l.severity)),
    reasons: [...new Set(all.flatMap((l) => l.reasons))],
  };
}

/**
 * Passages for a text: full-text terms, plus its embedding when vectors are in use; those in the
 * member's language (when known) first, a passage of no stated language counting as the community's.
 */
export async function retrievePassages(
  knowledge: KnowledgeRepository,
  provider: LanguageProvider,
  communityId: string,
  text: string,
  languages: { member: string | null; community: string },
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
  const found = await knowledge.search(communityId, { terms: searchTerms(text), vector, limit: languages.member === null ? limit : limit * LANGUAGE_RANK_CANDIDATES });
  return rankForLanguage(found, languages.member, languages.community, limit);
}

/** What gathering a draft's context reads from. */
export interface DraftContextDeps {
  store: Store;
  provider: LanguageProvider;
  /** Each community's language: knowledge of no stated language counts as written in it. */
  communities: Pick<CommunityDirectory, 'get'>;
  log: Logger;
  now: Date;
  burstWindowSeconds: number;
}

/**
 * Contexts for drafting a batch of messages, in a fixed number of statements (plus one search
 * per message of a community that has knowledge). A message folded into an earlier message's
 * burst — in this batch or by an earlier job — gets no context: it is answered already.
 */
export async function gatherDraftContexts(
  deps: DraftContextDeps,
  messages: StoredMessage[],
): Promise<Map<number, DraftContext>> {
  const { store } = deps;
  const covered = new Set<number>();
  const bursts = new Map<number, number[]>();
  for (const message of [...messages].sort((a, b) => a.id - b.id)) {
    if (covered.has(message.id)) continue;
    const ids = deps.burstWindowSeconds > 0 ? (await store.conversation.burstOf(message.id, deps.burstWindowSeconds)).filter((id) => !covered.has(id)) : [message.id];
    if (!ids.includes(message.id)) continue;
    bursts.set(message.id, ids);
    for (const id of ids) covered.add(id);
  }
  const anchors = messages.filter((m) => bursts.has(m.id));
  if (anchors.length === 0) return new Map();

  const otherIds = [...bursts.entries()].flatMap(([anchor, ids]) => ids.filter((id) => id !== anchor));
  const since = new Date(deps.now.getTime() - COMPLAINT_LOOKBACK_DAYS * DAY_MS);
  const conversation = deps.provider.readsConversation !== false;
  const [others, recent, history, withKnowledge] = await Promise.all([
    store.messages.getMany(otherIds),
    conversation ? store.conversation.recentBeforeMany(anchors.map((m) => m.id), DRAFT_CONTEXT_MESSAGES + BURST_CONTEXT_SLACK) : new Map<number, ContextMessage[]>(),
    conversation ? store.conversation.memberContextMany(anchors.map((m) => m.id), since) : new Map<number, MemberHistory>(),
    store.knowledge.withKnowledge([...new Set(anchors.map((m) => m.communityId))]),
  ]);
  const byId = new Map(others.map((m) => [m.id, m]));

  const contexts = new Map<number, DraftContext>();
  for (const message of anchors) {
    const burstIds = bursts.get(message.id)!;
    const burst = [message, ...burstIds.flatMap((id) => (id === message.id ? [] : byId.get(id) ?? []))].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || a.id - b.id);
    const text = burst.map((m) => m.text.trim()).filter(Boolean).join('\n');
    // The conversation before the burst: the burst's own earlier messages are the request itself.
    const earlier = (recent.get(message.id) ?? []).filter((c) => c.sentAt.getTime() < burst[0]!.sentAt.getTime()).slice(-DRAFT_CONTEXT_MESSAGES);
    const member = history.get(message.id) ?? { firstSeenAt: null, complaints: 0 };
    const passages = withKnowledge.has(message.communityId) ? await retrievePassages(store.knowledge, deps.provider, message.communityId, text, { member: message.labels?.language ?? null, community: deps.communities.get(message.communityId).language }, deps.log) : [];
    contexts.set(message.id, {
      message: { ...message, text, labels: burstLabels(message, burst) },
      mergedMessageIds: burstIds.filter((id) => id !== message.id),
      recent: earlier,
      member: {
        isNew: member.firstSeenAt !== null && deps.now.getTime() - member.firstSeenAt.getTime() < NEW_MEMBER_DAYS * DAY_MS,
        complaintsThisMonth: member.complaints,
        language: message.labels?.language ?? 'en',
      },
      passages,
    });
  }
  return contexts;
}

/** The context for drafting one message, or null when its burst was already drafted. */
export async function gatherDraftContext(
  deps: DraftContextDeps,
  message: StoredMessage,
): Promise<DraftContext | null> {
  return (await gatherDraftContexts(deps, [message])).get(message.id) ?? null;
}
