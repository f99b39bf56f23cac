/** The messages between the main thread (feed-parse-thread.ts) and the feed parser's worker (feed-parse-worker.ts). */
import type { FeedErrorCode, ParsedFeed } from '../core/news/news-types.js';

/** One feed document to decode and parse; `url` is where it was fetched (relative links resolve against it). */
export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  contentType: string | null;
  url: string;
}

/** A line the worker would have logged, logged by the main thread. */
export interface ParseWarning {
  fields: Record<string, unknown>;
  msg: string;
}

export type ParseAnswer =
  | { id: number; ok: true; feed: ParsedFeed; warnings: ParseWarning[] }
  | { id: number; ok: false; code: FeedErrorCode; message: string; warnings: ParseWarning[] };
