/**
 * Jamii's own vocabulary. Connectors translate platform events into these shapes and render
 * these shapes back; nothing here knows a platform SDK or a database driver.
 */

export const PLATFORMS = ['sandbox', 'telegram', 'discord', 'slack'] as const;
/** A chat platform Jamii can listen on and post to. */
export type Platform = (typeof PLATFORMS)[number];

/** Where a message lives. Platform ids are always strings (Discord snowflakes overflow numbers). */
export interface ChatRef {
  platform: Platform;
  chatId: string;
  /** Forum topic (Telegram), thread (Discord, Slack): replies go back to the same one. */
  threadId?: string | undefined;
}

/** The person (or bot) who wrote a message, as the platform names them. */
export interface Author {
  id: string;
  displayName: string;
  isBot: boolean;
}

/** A message as a connector hands it to the core, before it is stored. */
export interface InboundMessage {
  chat: ChatRef;
  chatTitle?: string | undefined;
  messageId: string;
  author: Author;
  text: string;
  replyToMessageId?: string | undefined;
  sentAt: Date;
  /** Joins, pins, title changes and the like: stored, never drafted. */
  isService?: boolean | undefined;
}

export const DRAFT_KINDS = ['question', 'negative', 'news', 'spark'] as const;
/** question/negative: a reply to a member's message; news/spark: a post Jamii proposes on its own. */
export type DraftKind = (typeof DRAFT_KINDS)[number];
export const REPLY_DRAFT_KINDS = ['question', 'negative'] as const;
export type ReplyDraftKind = (typeof REPLY_DRAFT_KINDS)[number];
export const POST_DRAFT_KINDS = ['news', 'spark'] as const;
export type PostDraftKind = (typeof POST_DRAFT_KINDS)[number];

/** A poll to post: platforms with native polls render one, the others a numbered list. */
export interface PollSpec {
  question: string;
  /** 2 to {@link POLL_MAX_OPTIONS} answers. */
  options: string[];
}
export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 10;

/** A picture to attach to a post (the weekly report's chart). */
export interface ImageAttachment {
  filename: string;
  contentType: 'image/png';
  dataBase64: string;
  /** What the picture shows, for platforms that take alt text (and as a caption fallback). */
  alt: string;
}

/** What the labeler concluded about a message, and why. */
export interface Labels {
  language: string;
  isQuestion: boolean;
  isNegative: boolean;
  /** 0 (none) to 3 (angry); only meaningful when `isNegative`. */
  severity: number;
  /** Short human-readable evidence, shown to the manager as the reason for a draft. */
  reasons: string[];
  /** A few words naming the subject ("delivery", "billing"), when the labeler can tell. */
  topic?: string | null | undefined;
  /** The labeler's verdict that someone should answer; absent means "question or negative". */
  needsReply?: boolean | undefined;
  /** Who labelled it: `offline` rules or a model provider's name. */
  labeledBy?: string | undefined;
}

export const KNOWLEDGE_KINDS = ['document', 'faq', 'learned'] as const;
/** document: a section of a knowledge file; faq: a `## question` entry; learned: from a desk decision. */
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

/** Where a fact in a draft came from: shown on the card as "path › heading". */
export interface SourceRef {
  /** Knowledge file path relative to the community's knowledge folder, or `learned:<id>`. */
  source: string;
  heading: string | null;
}

/** A passage of the community's knowledge, as retrieval ranks it. */
export interface KnowledgePassage extends SourceRef {
  chunkId: number;
  kind: KnowledgeKind;
  /** For faq and learned entries: the question; the answer is `text`. */
  question: string | null;
  text: string;
  /** The passage's language when known (file name, front matter, or the learned draft). */
  language: string | null;
  /** Higher is better; comparable within one retrieval only. */
  score: number;
}

/**
 * A change to the reactions on a message, as a platform reports it. `set` is a full set: one
 * member's reactions (Telegram reports a member's new list), or the anonymous totals (`userId`
 * null: Telegram channels and anonymous groups). Emoji are the platform's own keys.
 */
export type ReactionUpdate =
  | { kind: 'added' | 'removed'; chat: ChatRef; messageId: string; userId: string; emoji: string }
  | { kind: 'set'; chat: ChatRef; messageId: string; userId: string | null; reactions: Array<{ emoji: string; count: number }> }
  /** A moderator cleared every reaction (or every one of `emoji`). */
  | { kind: 'cleared'; chat: ChatRef; messageId: string; emoji: string | null };

/** A message once stored. */
export interface StoredMessage {
  id: number;
  communityId: string;
  chat: ChatRef;
  chatTitle: string | null;
  platformMessageId: string;
  author: Author;
  text: string;
  replyToMessageId: string | null;
  labels: Labels | null;
  sentAt: Date;
  /** Deleted on the platform (by the member or a moderator); null while it stands. */
  deletedAt?: Date | null | undefined;
  /** When the member last edited it (the text and labels are the edit's); null if never. */
  editedAt?: Date | null | undefined;
}

export const DRAFT_STATUSES = ['pending', 'approved', 'edited', 'rejected', 'expired', 'sent'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** A reply (or a post) Jamii proposes, waiting for (or past) a manager's decision. */
export interface Draft {
  /** Short numeric id managers type: `/approve 12`. */
  id: number;
  /** The member's message a reply answers; null for a news post or a spark. */
  messageId: number | null;
  /** The chat (chats.id) it goes to: the message's chat for a reply. */
  targetChatId: number;
  communityId: string;
  kind: DraftKind;
  /** The exact text that would be posted (after an edit: the edited text). */
  text: string;
  /** What Jamii drafted, kept after an edit. */
  originalText: string;
  status: DraftStatus;
  reason: string;
  language: string;
  promptName: string;
  promptVersion: string;
  provider: string;
  model: string | null;
  /** Later messages of the member's burst that this draft answers too. */
  mergedMessageIds: number[];
  /** Knowledge the draft rests on. */
  sources: SourceRef[];
  /** The draft in the desk's language, when the member wrote in another. */
  translation: string | null;
  /**
   * Output checks `text` failed: the drafted text's (approving it needs an edit), or, with
   * `heldEdit`, the manager's edit's (posting it needs a confirmation).
   */
  flags: string[];
  /**
   * A manager's edit that failed the output checks: saved as `text`, its problems in `flags`, and
   * held at the desk until a manager confirms it (`/confirm`), edits again or rejects. Kept once
   * confirmed, as a record that the text was posted despite its flags. Null otherwise.
   */
  heldEdit: HeldEdit | null;
  /** Another member answered before a manager decided. */
  answeredByName: string | null;
  answeredAt: Date | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  /** A post's poll (a spark may ask one). */
  poll: PollSpec | null;
  /** What a post rests on (feed items, a spark's basis), as its author recorded it. */
  details: Record<string, unknown>;
  /** A post's identity: the same key never makes a second draft (the same news item in a chat). */
  dedupeKey: string | null;
  createdAt: Date;
}

/** Who made an edit that is held for a confirmation (see `Draft.heldEdit`), and when. */
export interface HeldEdit {
  /** principalKey of the manager. */
  by: string;
  byName: string;
  at: Date;
}

/** How every draft starts: nobody has answered the member or decided on it yet. */
export const UNDECIDED = {
  heldEdit: null,
  answeredByName: null,
  answeredAt: null,
  decidedBy: null,
  decidedByName: null,
  decidedAt: null,
  decisionNote: null,
} as const satisfies Partial<Draft>;

/** A draft with the member's message it answers (none for a post): what a card shows. */
export interface DraftWithMessage extends Draft {
  message: StoredMessage | null;
  /** Where it would be posted. */
  target: ChatRef;
  targetTitle: string | null;
  /** The burst's other messages (see `mergedMessageIds`), oldest first. */
  burst?: StoredMessage[] | undefined;
}

export const ROLES = ['manager', 'admin'] as const;
/** admin can do everything a manager can. */
export type Role = (typeof ROLES)[number];

/** Who pressed the button or typed the command. */
export interface Invoker {
  platform: Platform;
  userId: string;
  displayName: string;
}

export function principalKey(p: { platform: Platform; userId: string }): string {
  return `${p.platform}:${p.userId}`;
}

/** A button on a card. `id` is what the platform sends back: `approve:12` (see card-actions.ts). */
export interface CardAction {
  id: string;
  label: string;
  style: 'primary' | 'danger' | 'secondary';
}

/** Platform-neutral approval card; each connector renders it within its own limits. */
export interface CardView {
  draftId: number;
  title: string;
  status: DraftStatus;
  /** The member's message being answered. */
  quote: string;
  quoteAuthor: string;
  /**
   * Whether the quote is the bot's words (a post's reason) rather than a member's, from the
   * message's author flag and never from the name: a member may call themselves anything.
   */
  quoteFromBot: boolean;
  /** The heading over the quote, marked member or bot by `quoteFromBot`: "Member alice wrote". */
  quoteLabel: string;
  /** The exact reply text that would be posted. */
  body: string;
  /**
   * What `body` is, as the draft stands: "Reply that would be posted", "Reply posted",
   * "Rejected reply (not posted)", "Post that would be published"… Every renderer heads the body with it.
   */
  bodyLabel: string;
  /**
   * The text `/edit` replaces, when `body` shows more (a post's poll, posted with it as a poll):
   * an edit form starts from this, or the poll would be posted twice, as text and as a poll.
   */
  editText?: string | undefined;
  fields: Array<{ label: string; value: string }>;
  footer: string | null;
  actions: CardAction[];
}

/** What a manager command answers with. */
export interface CommandReply {
  text: string;
  cards?: CardView[] | undefined;
  /** Only the invoker should see it (refusals, errors) where the platform allows. */
  ephemeral?: boolean | undefined;
}

/** reply: to a member's message; post: a news post or spark; card: a desk card; notice: to a desk. */
export const OUTBOX_KINDS = ['reply', 'post', 'card', 'notice'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'unconfirmed', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One post Jamii will make, exactly once. */
export interface OutboundPost {
  id: number;
  kind: OutboxKind;
  target: ChatRef;
  replyToMessageId: string | null;
  text: string;
  card: CardView | null;
  /** A poll to post with `text` as its introduction (native where the platform has polls). */
  poll: PollSpec | null;
  /** A picture to post with `text` as its caption. */
  image: ImageAttachment | null;
  draftId: number | null;
  status: OutboxStatus;
  attempts: number;
  platformMessageId: string | null;
  /** When the current (or last) send attempt claimed the row. */
  claimedAt: Date | null;
  /** Its chat took no more posts for now (the platform's posting limit): it goes out from then on. */
  waitUntil: Date | null;
}
