/**
 * The outbox port: every post Jamii makes is a row here before it is sent, claimed by one sender,
 * and marked sent once (delivery-service.ts). The db adapter implements it.
 */
import type { AuditEntry } from './ports.js';
import type { CardView, ChatRef, DraftStatus, ImageAttachment, OutboundPost, OutboxKind, Platform, PollSpec } from './types.js';

export interface NewOutboundPost {
  kind: OutboxKind;
  target: ChatRef;
  replyToMessageId: string | null;
  text: string;
  card: CardView | null;
  poll?: PollSpec | null | undefined;
  image?: ImageAttachment | null | undefined;
  draftId: number | null;
  /** Unique: a second insert with the same key returns null (never two posts). */
  dedupeKey: string;
}

/** An outbox row the platform took: recorded by markSentMany. */
export interface SentRecord {
  id: number;
  platformMessageId: string;
  at: Date;
  audit: AuditEntry;
  /** A card: the status of its draft that it shows. */
  shownDraftStatus?: DraftStatus | null | undefined;
}

/**
 * A claimed outbox row, with the status of its draft as it was at the claim (null: no draft),
 * and for a reply whether the member's message it answers was deleted before the claim (and
 * since a manager's last /retry of it).
 */
export type ClaimedPost = OutboundPost & { draftStatus: DraftStatus | null; answersDeleted: boolean };

export interface OutboxRepository {
  insert(post: NewOutboundPost): Promise<OutboundPost | null>;
  /** One statement for many; rows whose dedupe key exists are skipped (not returned). */
  insertMany(posts: NewOutboundPost[]): Promise<OutboundPost[]>;
  get(id: number): Promise<OutboundPost | null>;
  /** pending -> sending (attempts + 1). Null when the row was not pending. */
  claim(id: number): Promise<ClaimedPost | null>;
  /** sending -> sending again (an idempotent platform may retry a stale claim). */
  reclaim(id: number): Promise<ClaimedPost | null>;
  /**
   * sending (or unconfirmed) -> sent, and `audit` written with it, in one statement: a send
   * costs a claim and this. Nothing is written when the row was in neither state.
   */
  markSent(id: number, platformMessageId: string, at: Date, audit: AuditEntry): Promise<void>;
  /** Of these rows, the pending cards to one of `platforms`, claimed (pending -> sending) in one statement. */
  claimPendingCards(ids: number[], platforms: readonly Platform[]): Promise<ClaimedPost[]>;
  /**
   * markSent for many rows in one statement. `shownDraftStatus`: the draft status a card shows
   * as sent. Resolves with the drafts of recorded cards whose status is no longer the one shown
   * (decided or posted while the card was on its way, before the decision's own refresh could
   * see the card): those cards need a refresh.
   */
  markSentMany(sent: SentRecord[]): Promise<number[]>;
  release(id: number, error: string): Promise<void>;
  /** sending -> pending until `until`: the chat takes no more posts before then (not a failure). */
  postpone(id: number, error: string, until: Date): Promise<void>;
  markUnconfirmed(id: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  /**
   * unconfirmed/failed -> pending, for a manager's /retry (a deletion of the member's message
   * before `at` no longer stops the reply). `at` is the app's clock, which also stamps deletions:
   * the database's could run ahead of it or behind. Null when not in such a state.
   */
  requeue(id: number, at: Date): Promise<OutboundPost | null>;
  /** The reply (or post) an approved draft made. */
  findReplyForDraft(draftId: number): Promise<OutboundPost | null>;
  /** Sent cards of a draft, to update them in place. */
  listCardsForDraft(draftId: number): Promise<OutboundPost[]>;
  countByStatus(): Promise<Record<string, number>>;
}
