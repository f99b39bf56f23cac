/** The fake store's state and row helpers, shared by its repositories (store-*.ts). */
import type { AuditEntry, ChatRecord, ClaimedPost, Clock, LearnedEntry, MemberEvent, NewOutboundPost, RoleGrant, SentRecord, Store } from '../../../src/core/ports.js';
import type { PromptVersionRecord } from '../../../src/core/prompts/prompt-ports.js';
import type { Author, ChatRef, Draft, DraftWithMessage, Labels, OutboundPost, OutboxKind, OutboxStatus, Platform, ReactionUpdate, Role, StoredMessage } from '../../../src/core/types.js';
import type { RecordingJobs } from './basics.js';

export interface OutboxRow extends OutboundPost {
  dedupeKey: string;
  lastError: string | null;
  sentAt: Date | null;
  requeuedAt?: Date | null;
}

export interface FakeState {
  nextId: { message: number; draft: number; outbox: number; chat: number };
  messages: Map<number, StoredMessage>;
  drafts: Map<number, Draft>;
  outbox: Map<number, OutboxRow>;
  audit: AuditEntry[];
  roles: Array<RoleGrant & { source: string }>;
  chats: Map<string, ChatRecord>;
  communities: Map<string, { id: string; name: string; language: string }>;
  members: Map<string, { platform: Platform; author: Author; lastSeen: Date }>;
  memberEvents: MemberEvent[];
  reactions: ReactionUpdate[];
  learned: LearnedEntry[];
  promptVersions: PromptVersionRecord[];
}

export interface SeedMessage {
  communityId?: string;
  chat?: ChatRef;
  chatTitle?: string | null;
  platformMessageId?: string;
  author?: Partial<Author>;
  text?: string;
  labels?: Labels | null;
  sentAt?: Date;
}

export interface SeedDraft extends Partial<Omit<Draft, 'id' | 'messageId'>> {
  message?: SeedMessage;
}

export interface FakeStore extends Store {
  state: FakeState;
  /** Jobs visible to workers: enqueued outside a transaction, or inside one that committed. */
  jobs: RecordingJobs;
  /** Transactions started (committed or not). */
  readonly transactionCount: number;
  /** Sizes of the message batches written (each one statement on a real database), in order. */
  readonly messageWrites: number[];
  /** Makes the next transaction (or the one after `skip` more) throw `error` after its body, and roll back. */
  failNextTransaction(error: Error, options?: { skip?: number }): void;
  grant(platform: Platform, userId: string, communityId: string, role: Role): void;
  seedMessage(seed?: SeedMessage): StoredMessage;
  seedDraft(seed?: SeedDraft): DraftWithMessage;
  seedOutbox(post: Partial<OutboxRow> & { kind: OutboxKind; target: ChatRef }): OutboxRow;
  auditOf(action: string): AuditEntry[];
}


export const clone = <T>(value: T): T => structuredClone(value);
export const chatKey = (ref: ChatRef) => `${ref.platform}\u0000${ref.chatId}`;

/** The fake database's tables (replaced wholesale when a transaction rolls back), and the row helpers its repositories share. */
export type StoreContext = ReturnType<typeof createStoreContext>;

export function createStoreContext(clock: Clock) {
  const ctx = {
    state: {
      nextId: { message: 1, draft: 1, outbox: 1, chat: 1 },
      messages: new Map(),
      drafts: new Map(),
      outbox: new Map(),
      audit: [],
      roles: [],
      chats: new Map(),
      communities: new Map(),
      members: new Map(),
      memberEvents: [],
      reactions: [],
      learned: [],
      promptVersions: [],
    } as FakeState,
    clock,
    messageWrites: [] as number[],
  };
  /** The chat record of a ref, created when a test seeded messages without one. */
  const chatIdOf = (ref: ChatRef, communityId: string, title: string | null): number => {
    let record = ctx.state.chats.get(chatKey(ref));
    if (!record) {
      record = { id: ctx.state.nextId.chat++, communityId, ref: clone(ref), title, active: true };
      ctx.state.chats.set(chatKey(ref), record);
    }
    return record.id;
  };
  const chatById = (id: number) => [...ctx.state.chats.values()].find((c) => c.id === id) ?? null;
  const withMessage = (d: Draft): DraftWithMessage | null => {
    if (d.messageId === null) {
      const chat = chatById(d.targetChatId);
      return chat ? clone({ ...d, message: null, target: chat.ref, targetTitle: chat.title }) : null;
    }
    const message = ctx.state.messages.get(d.messageId);
    return message ? clone({ ...d, message, target: message.chat, targetTitle: message.chatTitle }) : null;
  };

  const insertOutbox = (p: NewOutboundPost): OutboxRow | null => {
    for (const row of ctx.state.outbox.values()) if (row.dedupeKey === p.dedupeKey) return null;
    const row: OutboxRow = {
      id: ctx.state.nextId.outbox++,
      kind: p.kind,
      target: clone(p.target),
      replyToMessageId: p.replyToMessageId,
      text: p.text,
      card: clone(p.card),
      poll: clone(p.poll ?? null),
      image: clone(p.image ?? null),
      draftId: p.draftId,
      status: 'pending',
      attempts: 0,
      platformMessageId: null,
      claimedAt: null,
      waitUntil: null,
      dedupeKey: p.dedupeKey,
      lastError: null,
      sentAt: null,
    };
    ctx.state.outbox.set(row.id, row);
    return row;
  };

  const toPost = (row: OutboxRow): OutboundPost => {
    const { dedupeKey: _k, lastError: _e, sentAt: _s, requeuedAt: _r, ...post } = clone(row);
    return post;
  };

  const transition = (id: number, from: OutboxStatus[], apply: (row: OutboxRow) => void): OutboundPost | null => {
    const row = ctx.state.outbox.get(id);
    if (!row || !from.includes(row.status)) return null;
    apply(row);
    return toPost(row);
  };

  /** A new pending draft with what every undecided draft has, stored; a copy is returned. */
  const storeDraft = (fields: Omit<Draft, 'id' | 'heldEdit' | 'answeredByName' | 'answeredAt' | 'originalText' | 'status' | 'decidedBy' | 'decidedByName' | 'decidedAt' | 'decisionNote' | 'createdAt'>): Draft => {
    const draft: Draft = {
      id: ctx.state.nextId.draft++,
      ...fields,
      heldEdit: null,
      answeredByName: null,
      answeredAt: null,
      originalText: fields.text,
      status: 'pending',
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      decisionNote: null,
      createdAt: clock.now(),
    };
    ctx.state.drafts.set(draft.id, draft);
    return clone(draft);
  };

  /** outbox-repository's answersDeleted: a reply whose member message was deleted since it was queued or retried. */
  const answersDeleted = (post: OutboundPost): boolean => {
    const draft = post.kind === 'reply' && post.draftId !== null ? ctx.state.drafts.get(post.draftId) : undefined;
    const deletedAt = draft?.messageId != null ? ctx.state.messages.get(draft.messageId)?.deletedAt : null;
    const requeuedAt = ctx.state.outbox.get(post.id)?.requeuedAt;
    const burstStands = (draft?.mergedMessageIds ?? []).some((id) => !ctx.state.messages.get(id)?.deletedAt);
    return Boolean(deletedAt) && (!requeuedAt || deletedAt!.getTime() > requeuedAt.getTime()) && !burstStands;
  };
  const claimed = (post: OutboundPost | null): ClaimedPost | null =>
    post ? { ...post, draftStatus: post.draftId !== null ? (ctx.state.drafts.get(post.draftId)?.status ?? null) : null, answersDeleted: answersDeleted(post) } : null;

  const markSentMany = async (sent: SentRecord[]) => {
    const decided = new Set<number>();
    for (const { id, platformMessageId, at, audit, shownDraftStatus } of sent) {
      const moved = transition(id, ['sending', 'unconfirmed'], (r) => {
        r.status = 'sent';
        r.platformMessageId = platformMessageId;
        r.sentAt = at;
        r.lastError = null;
      });
      if (!moved) continue;
      ctx.state.audit.push(clone(audit));
      const draft = moved.draftId !== null ? ctx.state.drafts.get(moved.draftId) : undefined;
      if (draft && shownDraftStatus != null && draft.status !== shownDraftStatus) decided.add(draft.id);
    }
    return [...decided];
  };

  const drafted = (messageId: number) => [...ctx.state.drafts.values()].some((d) => d.messageId === messageId || d.mergedMessageIds.includes(messageId));

  return Object.assign(ctx, { chatIdOf, chatById, withMessage, insertOutbox, toPost, transition, storeDraft, claimed, markSentMany, drafted });
}
