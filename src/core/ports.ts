/**
 * The ports the core depends on. Adapters (db, jobs, llm, connectors) implement them;
 * tests implement them with fakes.
 */
import type {
  Author,
  ChatRef,
  Draft,
  HeldEdit,
  DraftKind,
  DraftStatus,
  PostDraftKind,
  ReactionUpdate,
  ReplyDraftKind,
  DraftWithMessage,
  InboundMessage,
  Labels,
  OutboxKind,
  Platform,
  Role,
  StoredMessage,
} from './types.js';
import type { ContextMessage, DraftResult } from './language-port.js';
import type { PromptEvidenceRepository, PromptVersionsRepository, ReplayJob } from './prompts/prompt-ports.js';
import type { FeedsRepository } from './news/news-types.js';

import type { KnowledgeRepository } from './knowledge/knowledge-ports.js';
export type { KnowledgeRepository, KnowledgeSearch, LearnedEntry, LearnedWithDecision, NewKnowledgeChunk } from './knowledge/knowledge-ports.js';
export type { ClassifyHint, ContextMessage, DraftRequest, DraftResult, LanguageProvider, MemberContext } from './language-port.js';
export type { PlatformSender, SendOptions } from './platform-port.js';
export type { ClaimedPost, NewOutboundPost, OutboxRepository, SentRecord } from './outbox-port.js';
import type { OutboxRepository } from './outbox-port.js';

/** Structured logger (pino-compatible subset). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------- storage

/** A message ready to store: the inbound message plus its labels (null when not labelled). */
export interface MessageToStore {
  inbound: InboundMessage;
  communityId: string;
  labels: Labels | null;
  /**
   * An audit entry written in the same statement when the message is newly stored (actor
   * jamii, subject message:<id>); nothing for a redelivery.
   */
  audit?: { action: string; details: Record<string, unknown> } | undefined;
  /** Queue a draft job for the message when it is newly stored, in the same statement. */
  draftJob?: boolean | undefined;
}

export interface StoredRef {
  id: number;
  chatRef: ChatRef;
  platformMessageId: string;
  /** false when the same platform message was already stored (a redelivery). */
  inserted: boolean;
}

export interface MessagesRepository {
  /**
   * Stores each message once (unique on platform + chat + platform message id). The draft jobs
   * of the new messages marked `draftJob` are written by the same statement: messages and jobs
   * commit together even outside a transaction. `draftDelaySeconds` holds the jobs back;
   * `messagesPerDraftJob` (default 1) is how many messages one job carries at most.
   */
  storeMany(batch: MessageToStore[], options?: { draftDelaySeconds?: number | undefined; messagesPerDraftJob?: number | undefined }): Promise<StoredRef[]>;
  get(id: number): Promise<StoredMessage | null>;
  getMany(ids: number[]): Promise<StoredMessage[]>;
  /**
   * Replaces the text and labels of a stored message (the member edited it). Returns the
   * message's id and whether the edit was applied (`false`: a newer edit is already stored, and
   * this older one arrived late), or null when the message was never stored.
   */
  updateText(edit: MessageEdit): Promise<{ id: number; applied: boolean } | null>;
  /** Marks stored messages of a chat deleted; returns the ids of those it knew. */
  markDeleted(chat: ChatRef, platformMessageIds: string[], at: Date): Promise<number[]>;
}

/** A member's edit of a message already stored. */
export interface MessageEdit {
  chat: ChatRef;
  platformMessageId: string;
  text: string;
  labels: Labels | null;
  editedAt: Date;
}

/** A draft to store: what the provider proposed, for which message. */
export interface NewDraft extends DraftResult {
  messageId: number;
  communityId: string;
  kind: ReplyDraftKind;
  /** Later messages of the same burst that this draft answers too. */
  mergedMessageIds?: number[] | undefined;
}

/** What Jamii's own records say about a member. */
export interface MemberHistory {
  firstSeenAt: Date | null;
  /** Negative messages in the community since the date asked, not counting the message itself. */
  complaints: number;
}

/** What drafting reads about the conversation around a message. */
export interface ConversationRepository {
  /** Messages before it in the same chat (same thread when it is in one), oldest first. */
  recentBefore(messageId: number, limit: number): Promise<ContextMessage[]>;
  /** {@link recentBefore} for many messages in one statement. */
  recentBeforeMany(messageIds: number[], limit: number): Promise<Map<number, ContextMessage[]>>;
  /**
   * The member's burst around a message: their messages in the same chat and thread, each
   * within `windowSeconds` of the previous, not yet drafted or merged into a draft, and not
   * deleted by the member (a deleted message is neither part of the burst nor a link in it). Ids,
   * oldest first; includes `messageId` itself unless it was already drafted or deleted.
   */
  burstOf(messageId: number, windowSeconds: number): Promise<number[]>;
  /** First sighting of the author, and their negative messages in this community since `since`. */
  memberContext(messageId: number, since: Date): Promise<MemberHistory>;
  /** {@link memberContext} for many messages in one statement. */
  memberContextMany(messageIds: number[], since: Date): Promise<Map<number, MemberHistory>>;
  /** Replaces a message's labels (a model re-classified it). */
  setLabels(messageId: number, labels: Labels): Promise<void>;
  /**
   * Drafts answering any of these messages (or their bursts) whose reply has not gone out yet:
   * pending, or approved and not sent. Their cards change when a message is edited or deleted.
   */
  openDraftsFor(messageIds: number[]): Promise<number[]>;
  /**
   * Marks pending drafts answered when one of these messages replies to (or sits in the thread
   * of) the drafted question or a message merged into its burst, written by another person who
   * is not a bot. Returns the drafts.
   */
  markAnsweredBy(replyMessageIds: number[]): Promise<number[]>;
  /**
   * {@link markAnsweredBy} for replies stored before the drafts were written (a member answered
   * while the asker's burst window was open): marks each pending, unanswered draft of these with
   * its first such reply. Returns who answered each draft marked, and when.
   */
  markAlreadyAnswered(draftIds: number[]): Promise<Array<{ draftId: number; answeredByName: string; answeredAt: Date }>>;
  /**
   * Orders drafts being written against members' replies arriving in these communities, until
   * the transaction ends: drafting takes it `exclusive` before {@link markAlreadyAnswered}, ingest
   * `shared` before {@link markAnsweredBy}. Of a draft and a reply to its question committed at
   * the same moment, the transaction that takes it second sees the other's rows, so one of the
   * two marks the draft; without it, a reply stored after drafting's query but before its commit
   * was seen by neither. Replies do not wait for each other.
   */
  lockAnswers(communityIds: string[], mode: 'shared' | 'exclusive'): Promise<void>;
}

export interface DecisionUpdate {
  status: Extract<DraftStatus, 'approved' | 'edited' | 'rejected'>;
  /** An edit's text: it replaces the draft's, with `flags` (none when absent), and ends a held edit. */
  text?: string | undefined;
  flags?: string[] | undefined;
  /**
   * Decide only while the draft's text is still this one, the text the decision was checked
   * against: an approval never posts an edit saved a moment before it (by another manager).
   */
  ifText?: string | undefined;
  decidedBy: string;
  decidedByName: string;
  decidedAt: Date;
  note?: string | undefined;
}

/** A post Jamii proposes on its own (news, a spark), to store as a draft. */
export type NewPostDraft = Pick<Draft, 'communityId' | 'targetChatId' | 'text' | 'poll' | 'reason' | 'language' | 'promptName' | 'promptVersion' | 'provider' | 'model' | 'sources' | 'flags' | 'details'> & {
  kind: PostDraftKind;
  dedupeKey: string;
};

/** A community's drafts claimed for a reminder. */
export interface OverdueDrafts {
  communityId: string;
  /** Every draft claimed for this community. */
  total: number;
  /** The most urgent of them, in order, with their messages. */
  drafts: DraftWithMessage[];
}

export interface DraftsRepository {
  /** Inserts unless the message already has a draft; returns null then. */
  insert(draft: NewDraft): Promise<Draft | null>;
  /** Inserts a post draft unless its dedupe key exists; returns null then. */
  insertPost(draft: NewPostDraft): Promise<Draft | null>;
  /** One statement for many; messages that already have a draft are skipped (not returned). */
  insertMany(drafts: NewDraft[]): Promise<Draft[]>;
  get(id: number): Promise<DraftWithMessage | null>;
  /** The draft's status alone (a cheap check before re-rendering a card). */
  statusOf(id: number): Promise<DraftStatus | null>;
  /**
   * Serializes drafting in these communities until the surrounding transaction ends, so two
   * workers never draft overlapping bursts (a no-op outside a transaction's worth of work).
   */
  lockDrafting(communityIds: string[]): Promise<void>;
  /** Which of these messages already have a draft (so no provider call is spent on them again). */
  draftedMessageIds(messageIds: number[]): Promise<Set<number>>;
  /**
   * Pending drafts, most urgent first: negative feedback by severity, then questions, then posts
   * (news, sparks); oldest first within each. `kinds` keeps only those kinds.
   */
  listPending(communityIds: string[], limit: number, kinds?: readonly DraftKind[]): Promise<DraftWithMessage[]>;
  countPending(communityIds: string[]): Promise<number>;
  /** Pending drafts per kind (kinds with none are left out). */
  countPendingByKind(communityIds: string[]): Promise<Partial<Record<DraftKind, number>>>;
  /**
   * Pending replies (questions, negative feedback) of these communities created before their
   * cutoff whose desks were not reminded yet, every one marked reminded at `at` by one statement:
   * each draft is reminded once, by one process. `urgentBefore` is the cutoff for negative
   * feedback of severity 3. Per community: how many were claimed, and the `detailed` most urgent
   * (negative feedback by severity, then questions; oldest first) with their messages.
   */
  claimOverdue(communityIds: string[], cutoffs: { before: Date; urgentBefore: Date }, at: Date, detailed: number): Promise<OverdueDrafts[]>;
  /** Atomically moves a pending draft to a decision; null when it was not pending. */
  decide(id: number, update: DecisionUpdate): Promise<Draft | null>;
  /**
   * Saves a manager's edit that failed the output checks on a pending draft, without deciding:
   * the text, its flags and who made it (see `Draft.heldEdit`). Null when the draft is not pending.
   */
  holdEdit(id: number, edit: HeldEdit & { text: string; flags: string[] }): Promise<Draft | null>;
  markSent(id: number): Promise<void>;
  /** Expires pending drafts created before `before`; returns their ids. */
  expirePendingBefore(before: Date): Promise<number[]>;
}

export interface AuditEntry {
  communityId: string | null;
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown> | undefined;
}

export interface AuditRepository {
  write(entry: AuditEntry): Promise<void>;
  writeMany(entries: AuditEntry[]): Promise<void>;
}

export interface RoleGrant {
  communityId: string;
  platform: Platform;
  userId: string;
  role: Role;
}

export interface RolesRepository {
  /** Replaces every grant that came from configuration with `grants`. */
  syncConfigured(grants: RoleGrant[]): Promise<void>;
  /**
   * Replaces every grant that came from `source` (other than `config`), e.g. the administrators
   * of a platform's groups, with `grants`.
   */
  syncSource(source: string, grants: RoleGrant[]): Promise<void>;
  /**
   * Sets one person's grant from `source` (other than `config`) in one community: `role`, or
   * none. Only that grant's row changes: it holds however the process restarted in between.
   */
  setGrant(source: string, who: { communityId: string; platform: Platform; userId: string }, role: Role | null): Promise<void>;
  /** Removes every grant one person holds from `source` (other than `config`), in any community. */
  clearGrants(source: string, platform: Platform, userId: string): Promise<void>;
  /** Every (community, role) the person holds, from any source, once. */
  rolesOf(platform: Platform, userId: string): Promise<Array<{ communityId: string; role: Role }>>;
}

export interface ChatRecord {
  id: number;
  communityId: string;
  ref: ChatRef;
  title: string | null;
  active: boolean;
}

export interface ChatsRepository {
  /**
   * Creates the chats not yet known (assigning `communityOf`) and returns all of them. A chat the
   * configuration lists under a community is that community's: a stored one listed elsewhere moves.
   */
  ensure(chats: Array<{ ref: ChatRef; title?: string | undefined }>, communityOf: (ref: ChatRef) => string): Promise<Map<string, ChatRecord>>;
  /**
   * Moves each stored chat of `listed` to its listed community (at start: the communities file
   * may list a known chat under another community now); returns the chats moved, with where from.
   */
  assignListed(listed: Array<{ ref: ChatRef; communityId: string }>): Promise<Array<{ chat: ChatRecord; from: string }>>;
  get(id: number): Promise<ChatRecord | null>;
  /** Active chats of a platform (those the bot is in). */
  listActive(platform: Platform): Promise<ChatRecord[]>;
  /** Marks a known chat active (the bot was added) or inactive (removed, blocked). False when the chat is unknown. */
  setActive(ref: ChatRef, active: boolean): Promise<boolean>;
  /**
   * The platform gave the chat a new id (a Telegram group became a supergroup): its history,
   * community and title move to `to`.
   */
  migrate(from: ChatRef, to: ChatRef): Promise<void>;
}

export const MEMBER_EVENT_KINDS = ['joined', 'left'] as const;
export type MemberEventKind = (typeof MEMBER_EVENT_KINDS)[number];

/** A member joining or leaving a chat, kept for analytics. */
export interface MemberEvent {
  chat: ChatRef;
  member: Author;
  kind: MemberEventKind;
  at: Date;
}

export interface MemberEventsRepository {
  /** Stores each event once (a redelivered update is a no-op). */
  record(events: MemberEvent[]): Promise<void>;
}

/** Reactions to messages in known chats (a chat Jamii never saw is skipped). */
export interface ReactionsRepository {
  /** Applies the updates in order; repeating one changes nothing. */
  apply(updates: ReactionUpdate[], at: Date): Promise<void>;
}

export interface CommunitiesRepository {
  upsert(communities: Array<{ id: string; name: string; language: string }>): Promise<void>;
}

export interface MembersRepository {
  touch(authors: Array<{ platform: Platform; author: Author; at: Date }>): Promise<void>;
}

export type JobName = 'draft' | 'send' | 'desk-refresh' | 'prompt-replay';

export interface JobPayloads {
  /** Messages to draft (job-batches.ts); `messageId` is a job queued by an earlier version. */
  draft: { messageIds: number[] } | { messageId: number };
  /** Outbox rows to send (job-batches.ts); `outboxId` is a job queued by an earlier version. */
  send: { outboxIds: number[] } | { outboxId: number };
  'desk-refresh': { draftId: number };
  'prompt-replay': ReplayJob;
}

/** Enqueues durable work; bound to the surrounding transaction when there is one. */
export interface JobEnqueuer {
  /** `startAfterSeconds` holds the jobs back (drafting waits for a member's burst to end). */
  enqueue<N extends JobName>(name: N, payloads: Array<JobPayloads[N]>, options?: { startAfterSeconds?: number | undefined }): Promise<void>;
}

/** All repositories, bound to one connection or one transaction. */
export interface Repositories {
  communities: CommunitiesRepository;
  chats: ChatsRepository;
  members: MembersRepository;
  memberEvents: MemberEventsRepository;
  reactions: ReactionsRepository;
  messages: MessagesRepository;
  drafts: DraftsRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
  roles: RolesRepository;
  knowledge: KnowledgeRepository;
  conversation: ConversationRepository;
  promptVersions: PromptVersionsRepository;
  promptEvidence: PromptEvidenceRepository;
  feeds: FeedsRepository;
  jobs: JobEnqueuer;
}

export interface Store extends Repositories {
  /** Runs `fn` in one database transaction; jobs it enqueues become visible on commit. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------- metrics

/** Metrics the core reports; the adapter is prom-client. */
export interface CoreMetrics {
  messageIngested(count: number): void;
  draftCreated(kind: DraftKind): void;
  decision(outcome: string): void;
  postSent(kind: OutboxKind): void;
  /** A post handed back to the queue: its chat was busy (rate limits), or its send job ran out of time. */
  postDeferred(platform: Platform, reason: 'busy' | 'out_of_time'): void;
  pipelineLatency(stage: 'stored' | 'draft_pending' | 'sent', seconds: number): void;
  /** A community's news failed at a stage (scoring its new items, serving a chat's slot); the next round tries again. */
  newsFailure(stage: 'score' | 'publish'): void;
}
