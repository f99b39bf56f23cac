/**
 * The PostService as news uses it (src/core/post-service.ts on main): a proposed post is stored
 * as a draft with its desk cards, or in `auto` mode approved and queued for sending, once per
 * dedupe key.
 */
import type { Repositories } from '../ports.js';
import type { Draft, SourceRef } from '../types.js';

export interface ProposedPost {
  communityId: string;
  chatId: number;
  kind: 'news' | 'spark';
  text: string;
  language: string;
  reason: string;
  sources?: SourceRef[];
  details?: Record<string, unknown>;
  promptName: string;
  promptVersion: string;
  provider: string;
  model?: string | null;
  mode: 'approve' | 'auto';
  dedupeKey: string;
}

export interface PostService {
  propose(post: ProposedPost): Promise<Draft | null>;
  proposeIn(tx: Repositories, post: ProposedPost): Promise<Draft | null>;
}
