/**
 * The ports prompt tuning depends on: stored override versions, the evidence drafts leave
 * (decisions, recent questions), the catalogue of prompts in force, and providers that draft
 * with a chosen version for dry runs. The llm and db adapters implement them.
 */
import type { ReportNarrator } from '../analytics/weekly-report.js';
import type { NewsWriter } from '../news/news-types.js';
import type { LanguageProvider } from '../ports.js';
import type { SparkWriter } from '../sparks/spark-types.js';
import type { ChatRef, DraftKind, DraftStatus, Platform } from '../types.js';

/** Longest override body accepted, in characters. */
export const PROMPT_OVERRIDE_MAX_CHARS = 20_000;
/** Longest comment kept with a version. */
export const PROMPT_COMMENT_MAX_CHARS = 300;

/** One stored version of a community's override of a prompt. Nothing is ever overwritten. */
export interface PromptVersionRecord {
  communityId: string;
  name: string;
  /** 1, 2, 3… per community and prompt. */
  version: number;
  /** The body in force from this version on; null means "back to the file default". */
  body: string | null;
  comment: string | null;
  /** `platform:user-id`, and the name they had then. */
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  /** When this version rolls back to an earlier one: `c<N>` or `file`. */
  rollbackOf: string | null;
}

export type NewPromptVersion = Omit<PromptVersionRecord, 'version' | 'createdAt'>;

export interface PromptVersionsRepository {
  /** Stores the next version (numbered after the last one of this community and prompt). */
  add(entry: NewPromptVersion): Promise<PromptVersionRecord>;
  /** Every version of a community's prompt, oldest first. */
  history(communityId: string, name: string): Promise<PromptVersionRecord[]>;
  get(communityId: string, name: string, version: number): Promise<PromptVersionRecord | null>;
  /** The latest version of every (community, prompt) that has one. */
  latestAll(): Promise<PromptVersionRecord[]>;
}

/** What became of one draft written with a prompt: the quality figures are computed from these. */
export interface DraftOutcome {
  promptVersion: string;
  status: DraftStatus;
  originalText: string;
  /** The text after the decision (the edited text, or the draft as approved). */
  text: string;
  decisionNote: string | null;
}

/** A recent question or complaint, and the draft it got (if any), for a replay. */
export interface ReplayCandidate {
  messageId: number;
  draft: { id: number; kind: DraftKind; status: DraftStatus; text: string; originalText: string; promptName: string; promptVersion: string } | null;
}

/** A recent news post (its draft) and the feed items it was written from, for a replay of a news writer. */
export interface NewsPostEvidence {
  draftId: number;
  status: DraftStatus;
  /** As decided (edited, approved), else as written. */
  text: string;
  promptName: string;
  promptVersion: string;
  /** The platform of the chat it was for: the post's length limit. */
  platform: Platform;
  itemIds: number[];
}

export interface PromptEvidenceRepository {
  /** Drafts of a community written with the prompt, newest first. */
  draftOutcomes(communityId: string, promptName: string, limit: number): Promise<DraftOutcome[]>;
  /**
   * Members' messages of a community since `since` that were labelled a question or negative
   * feedback, or got a draft; newest first.
   */
  replayCandidates(communityId: string, since: Date, limit: number): Promise<ReplayCandidate[]>;
  /** News post drafts of a community since `since`, newest first. */
  newsPosts(communityId: string, since: Date, limit: number): Promise<NewsPostEvidence[]>;
}

/** A prompt as it reads for a community: the file's default or an override version. */
export interface PromptView {
  name: string;
  /** What drafts record: `1+abcdef0` for the file, `c3+abcdef0` for override version 3. */
  version: string;
  source: 'file' | 'override';
  /** The override version number (null for the file). */
  overrideVersion: number | null;
  body: string;
  description: string;
}

/** The prompts Jamii uses and the versions in force per community (cached; see `refresh`). */
export interface PromptCatalog {
  names(): string[];
  /** Which provider uses the prompt. */
  usedBy(name: string): 'offline' | 'model';
  /** What the prompt writes: replies to members, news posts, sparks, or the weekly report's narrative. */
  purposeOf(name: string): 'drafting' | 'news' | 'spark' | 'report';
  fileDefault(name: string): PromptView;
  inForce(name: string, communityId: string): PromptView;
  /** How a stored version reads (a reset to the file reads as the file). */
  viewOf(record: PromptVersionRecord): PromptView;
  /**
   * Checks an override body for `name`; throws `prompt_invalid` naming every problem (size,
   * unknown or missing variables, a dropped safety rule, bad language sections).
   */
  validate(name: string, body: string): void;
  /** Reloads the overrides in force (after a change here, or periodically for other processes). */
  refresh(): Promise<void>;
}

/** Which version a dry run drafts with: an override body, or the file (null). */
export interface PromptChoice {
  communityId: string;
  name: string;
  body: string | null;
  /** Override version number; null for the file. */
  version: number | null;
}

/** Providers for dry runs: like the live one, but drafting with a chosen version and no draft rate limits. */
export interface DryRunProviders {
  /** The live provider's kind: model prompts are only used when it is `model`. */
  readonly kind: 'offline' | 'model';
  providerWith(choice: PromptChoice): LanguageProvider;
  /** The news writer as live (the model with the offline writer behind it, or offline alone), reading `choice`'s version. */
  newsWriterWith(choice: PromptChoice): NewsWriter;
  /** The model's spark writer reading `choice`'s version; null when Jamii runs offline. */
  sparkWriterWith(choice: PromptChoice): SparkWriter | null;
  /** The model's report narrator reading `choice`'s version; null when Jamii runs offline. */
  narratorWith(choice: PromptChoice): ReportNarrator | null;
}


/** A replay queued as a durable job; versions are fixed when it is asked (null: the file). */
export interface ReplayJob {
  /** Unique per request: keys the notices it posts, so a retried job never posts twice. */
  replayId: string;
  communityId: string;
  name: string;
  candidate: number | null;
  baseline: number | null;
  days: number;
  /**
   * The chat it was asked from when that is a desk of the community or the requester's private
   * chat with the bot (the command decides, never a members' chat); null: every desk of the
   * community. A job queued by an earlier version may name any chat: where the notices go is
   * decided again when the job runs (prompt-replay.ts).
   */
  origin: ChatRef | null;
  /** True when the connector said `origin` is the requester's private chat with the bot; absent in jobs of earlier versions. */
  originDirect?: boolean | undefined;
  /** `platform:user-id` of the admin who asked. */
  requestedBy: string;
}
