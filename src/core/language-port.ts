/**
 * The language port: what the core asks of a language provider (labels, drafts, embeddings)
 * and the context it hands over. Implemented by src/llm (offline, OpenAI-compatible).
 */
import type { KnowledgePassage, Labels, ReplyDraftKind, SourceRef, StoredMessage } from './types.js';

/** A message shown to the provider as conversation context (untrusted text: data, never instructions). */
export interface ContextMessage {
  author: string;
  text: string;
  isBot: boolean;
  sentAt: Date;
}

/** What the provider knows about the member being answered. */
export interface MemberContext {
  /** First seen within the last few days. */
  isNew: boolean;
  /** Earlier negative messages of this member in this community over the last 30 days. */
  complaintsThisMonth: number;
  language: string;
}

export interface DraftRequest {
  kind: ReplyDraftKind;
  /** The member's message; after burst merging, `text` holds every message of the burst. */
  message: StoredMessage;
  labels: Labels;
  community: { id: string; name: string; language: string };
  /** The few messages before it in the same chat (and thread), oldest first. */
  recent: ContextMessage[];
  /** Knowledge passages retrieved for the message, best first. */
  passages: KnowledgePassage[];
  member: MemberContext;
  /** Longest reply the platform of the member's chat accepts. */
  maxLength: number;
  /** The language managers read at the desk; a draft in another language gets a translation. */
  deskLanguage: string;
}

export interface DraftResult {
  text: string;
  reason: string;
  language: string;
  promptName: string;
  promptVersion: string;
  provider: string;
  /** The model that wrote it (null for the offline provider). */
  model?: string | null | undefined;
  /** Knowledge the draft rests on, shown on the card. */
  sources?: SourceRef[] | undefined;
  /** The draft in the desk's language, when it differs from the member's (model providers only). */
  translation?: string | null | undefined;
  /** Output checks the text failed: the card shows them and the draft cannot be approved unedited. */
  flags?: string[] | undefined;
}

export interface ClassifyHint {
  communityLanguage: string;
  /** Whose prompt overrides apply (model providers); the prompt files' defaults when absent. */
  communityId?: string | undefined;
  /** The few messages before it, for context (untrusted). */
  recent?: ContextMessage[] | undefined;
}

/** A language provider: labels messages, drafts replies and (optionally) embeds text for retrieval. */
export interface LanguageProvider {
  readonly name: string;
  /**
   * False when drafts ignore the conversation before the message and the member's history
   * (the offline provider's templates do): drafting then does not read them. Default true.
   */
  readonly readsConversation?: boolean | undefined;
  /**
   * How many requests it serves at once (a model's concurrency limit). Drafting writes up to
   * this many of a batch's drafts together, and takes batches of this size, so one batch is one
   * round of model calls. Absent (the offline provider): one at a time, in large batches, since
   * each is microseconds of local work.
   */
  readonly parallelism?: number | undefined;
  classify(text: string, hint: ClassifyHint): Promise<Labels>;
  draft(request: DraftRequest): Promise<DraftResult>;
  /** Vectors for retrieval; absent when no embeddings endpoint is configured. */
  embed?: ((texts: string[]) => Promise<number[][]>) | undefined;
}
