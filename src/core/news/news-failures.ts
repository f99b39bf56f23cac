/**
 * A news failure of one community (its items could not be scored, a chat's slot could not be
 * served): logged with the community, counted, and told to that community's desks once per key
 * (the outbox dedupes), so the other communities' news goes on and the next round tries again.
 */
import type { CommunityDirectory } from '../communities.js';
import { queueDeskNotices } from '../desk-notices.js';
import { ERROR_MESSAGES, isJamiiError } from '../errors.js';
import type { CoreMetrics, Logger, Store } from '../ports.js';
import type { Platform } from '../types.js';

export type NewsFailureStage = 'score' | 'publish';

export interface NewsFailureDeps {
  store: Store;
  communities: CommunityDirectory;
  deskPlatforms: () => Iterable<Platform>;
  metrics: Pick<CoreMetrics, 'newsFailure'>;
  log: Logger;
}

export interface NewsFailure {
  stage: NewsFailureStage;
  communityId: string;
  error: unknown;
  /** What the log line carries besides the community (the chat, the slot). */
  context: Record<string, unknown>;
  /** The desk notice's dedupe key: one notice per key, however often the failure repeats. */
  noticeKey: string;
  /** The desk notice, given the failure's wording for managers. */
  notice: (reason: string) => string;
}

/** The failure in words a desk may see: the error table's wording, never the raw message (it may carry a model's answer or a URL with a key). */
export function newsFailureReason(error: unknown): string {
  return isJamiiError(error) ? ERROR_MESSAGES[error.code] : ERROR_MESSAGES.internal;
}

/**
 * Logs, counts and notices one failure. Never throws: a notice that cannot be written (the
 * database is what failed) is logged, and the failure is still the caller's to report.
 */
export async function reportNewsFailure(deps: NewsFailureDeps, failure: NewsFailure): Promise<void> {
  const { stage, communityId, error } = failure;
  deps.log.error({ err: error, communityId, stage, ...failure.context }, stage === 'score' ? 'news.score_failed' : 'news.publish_failed');
  deps.metrics.newsFailure(stage);
  const desks = deps.communities.desksOf(communityId, deps.deskPlatforms());
  try {
    await deps.store.transaction((tx) => queueDeskNotices(tx, desks, failure.notice(newsFailureReason(error)), failure.noticeKey));
  } catch (noticeError) {
    deps.log.error({ err: noticeError, communityId, stage }, 'news.failure_notice_failed');
  }
}
