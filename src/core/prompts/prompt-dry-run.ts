/**
 * Dry runs: a message labelled and drafted exactly as the drafting service would (same context,
 * same knowledge retrieval, same output checks), with a chosen prompt version, and nothing
 * stored or posted. `/prompt test` runs one sample; a replay runs many stored messages.
 */
import type { CommunityDirectory } from '../communities.js';
import { gatherDraftContext, retrievePassages, type DraftContext } from '../draft-context.js';
import { writeDraft } from '../draft-writer.js';
import { isDraftDue } from '../ingest-service.js';
import type { Clock, DraftResult, LanguageProvider, Logger, Store } from '../ports.js';
import type { ChatRef, Labels, StoredMessage } from '../types.js';
import type { DryRunProviders, PromptChoice, PromptVersionRecord } from './prompt-ports.js';

export interface DryRunDeps {
  store: Store;
  communities: CommunityDirectory;
  providers: DryRunProviders;
  clock: Clock;
  log: Logger;
}

/** What a message would get: its labels, and the draft when one is due. */
export interface DryDraft {
  labels: Labels;
  /** Null when the labels call for no draft. */
  draft: { result: DraftResult; text: string; flags: string[] } | null;
}

/** Where `/prompt test` pretends the sample was posted: a sandbox chat (its length limit applies). */
const SAMPLE_CHAT: ChatRef = { platform: 'sandbox', chatId: 'prompt-test' };

/** The version chosen for a dry run, as a provider choice. */
export function choiceOf(communityId: string, name: string, record: PromptVersionRecord | null): PromptChoice {
  return { communityId, name, body: record?.body ?? null, version: record && record.body !== null ? record.version : null };
}

/** A member's message that was never posted: the sample a `/prompt test` drafts. */
export function sampleMessage(communityId: string, text: string, author: string): StoredMessage {
  return {
    id: 0,
    communityId,
    chat: SAMPLE_CHAT,
    chatTitle: null,
    platformMessageId: 'prompt-test',
    author: { id: 'prompt-test', displayName: author, isBot: false },
    text,
    replyToMessageId: null,
    labels: null,
    sentAt: new Date(0),
  };
}

async function contextOf(deps: DryRunDeps, provider: LanguageProvider, message: StoredMessage, labels: Labels): Promise<DraftContext> {
  if (message.id !== 0) {
    const context = await gatherDraftContext({ store: deps.store, provider, communities: deps.communities, log: deps.log, now: deps.clock.now(), burstWindowSeconds: 0 }, { ...message, labels });
    if (context) return context;
  }
  return {
    message: { ...message, labels },
    mergedMessageIds: [],
    recent: [],
    member: { isNew: false, complaintsThisMonth: 0, language: labels.language },
    passages: await retrievePassages(deps.store.knowledge, provider, message.communityId, message.text, { member: labels.language, community: deps.communities.get(message.communityId).language }, deps.log),
  };
}

/** Labels `message` with `provider` (or takes `labels`), and drafts it when a draft is due. */
export async function dryDraft(deps: DryRunDeps, provider: LanguageProvider, message: StoredMessage, given?: Labels | null): Promise<DryDraft> {
  const community = deps.communities.get(message.communityId);
  const recent = message.id === 0 ? [] : await deps.store.conversation.recentBefore(message.id, 3);
  const labels = given ?? (await provider.classify(message.text, { communityLanguage: community.language, communityId: community.id, recent }));
  if (!isDraftDue(labels)) return { labels, draft: null };
  const context = await contextOf(deps, provider, message, labels);
  const { result, text, flags } = await writeDraft(provider, community, message, labels, context);
  return { labels, draft: { result, text, flags } };
}

/** How labels read in a report: `question`, `negative (2/3)`, `question, negative (1/3)`, `no reply needed`. */
export function labelSummary(labels: Labels): string {
  const parts: string[] = [];
  if (labels.isQuestion) parts.push('question');
  if (labels.isNegative) parts.push(`negative (${labels.severity}/3)`);
  if (!isDraftDue(labels)) return parts.length === 0 ? 'no reply needed' : `${parts.join(', ')}, no reply needed`;
  return parts.join(', ');
}
