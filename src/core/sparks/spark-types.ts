/**
 * Sparks: discussion starters for a chat gone quiet. The vocabulary shared by the lull check,
 * the writers (offline and model), the repository port and the /spark command.
 */
import type { ChatRef, PollSpec } from '../types.js';
import type { HourOfWeekTotal } from './activity-baseline.js';

/** A community's spark settings (`sparks:` in the community file). */
export interface SparkSettings {
  enabled: boolean;
  /** approve: the spark waits on the desk; auto: it is posted at once. */
  mode: 'approve' | 'auto';
  /** Quiet means the last hours hold at most this share of the chat's usual count then. */
  quietFactor: number;
  /** Local hours (from inclusive, to exclusive) sparks may be posted in; null: any usual active hour. */
  hours: { from: number; to: number } | null;
  /** Sparks per chat per local day, counting every spark drafted (pending, posted or rejected). */
  maxPerDay: number;
}

export const DEFAULT_SPARK_SETTINGS: SparkSettings = { enabled: false, mode: 'approve', quietFactor: 0.25, hours: null, maxPerDay: 1 };

/** A spark starter's shape: an open question, or a poll with options. */
export const SPARK_KINDS = ['question', 'poll'] as const;
export type SparkKind = (typeof SPARK_KINDS)[number];

/** What a spark is grounded in. */
export const SPARK_BASES = ['open_question', 'topic', 'news', 'general'] as const;
export type SparkBasisKind = (typeof SPARK_BASES)[number];

export interface SparkBasis {
  kind: SparkBasisKind;
  /** The open question's message id, the topic, or the news link. */
  ref: string | null;
}

/** A chat a spark may go to. */
export interface SparkChat {
  /** chats.id */
  id: number;
  communityId: string;
  ref: ChatRef;
  title: string | null;
}

export interface OpenQuestion {
  messageId: number;
  author: string;
  text: string;
  at: Date;
}

export interface RecentNews {
  title: string;
  url: string;
  at: Date;
}

/** Everything a writer may ground a spark in; all of it untrusted text from the chat or feeds. */
export interface SparkMaterial {
  communityId: string;
  communityName: string;
  language: string;
  chatTitle: string | null;
  /** Recent `labels.topic` values, most frequent first. */
  topics: Array<{ topic: string; count: number }>;
  /** Questions nobody answered yet, newest first. */
  openQuestions: OpenQuestion[];
  /** News posted lately in the community, newest first. */
  news: RecentNews[];
  /** Bases of the chat's recent sparks, so the writer varies them. */
  recentBases: SparkBasis[];
}

/** A spark a writer proposes. */
export interface SparkIdea {
  kind: SparkKind;
  /** The post text; for a poll an intro line (may be empty). */
  text: string;
  poll: PollSpec | null;
  basis: SparkBasis;
  /** Why this starter: shown on the desk card. */
  reason: string;
  /** The prompt version that wrote it, where the community's version in force differs from the writer's default. */
  promptVersion?: string | undefined;
}

/** Writes a spark from the material: a language model, or the offline templates. */
export interface SparkWriter {
  readonly name: string;
  readonly model: string | null;
  readonly promptName: string;
  readonly promptVersion: string;
  write(material: SparkMaterial): Promise<SparkIdea>;
}

/** What spark detection and writing read from storage. */
export interface SparksRepository {
  /** Active, non-desk chats of these communities. */
  chats(communityIds: string[]): Promise<SparkChat[]>;
  /** Members' messages per local (weekday, hour) in `[from, to)`, summed. */
  hourOfWeekTotals(chatId: number, from: Date, to: Date, timeZone: string): Promise<HourOfWeekTotal[]>;
  /** Members' messages in `[from, to)`. */
  messageCount(chatId: number, from: Date, to: Date): Promise<number>;
  topics(chatId: number, since: Date, limit: number): Promise<Array<{ topic: string; count: number }>>;
  /** Members' questions since `since` with no reply (or thread answer) from another person. */
  openQuestions(chatId: number, since: Date, limit: number): Promise<OpenQuestion[]>;
  /** News posts sent to the community since `since` (their first source link and heading). */
  recentNews(communityId: string, since: Date, limit: number): Promise<RecentNews[]>;
  /** Sparks drafted for this chat since `since`, whatever became of them (a rejected one counts too), newest first. */
  recentSparks(chatId: number, since: Date): Promise<Array<{ createdAt: Date; basis: SparkBasis | null }>>;
}
