/**
 * What each durable job does. Handlers are idempotent: a job that runs twice (a retry after a
 * crash, two processes) changes nothing the second time.
 */
import type { WeeklyReports } from '../core/analytics/weekly-report.js';
import type { ApprovalService } from '../core/approval-service.js';
import type { DeliveryService } from '../core/delivery-service.js';
import type { DraftingService } from '../core/drafting-service.js';
import type { Clock, Logger } from '../core/ports.js';
import type { PromptReplayService } from '../core/prompts/prompt-replay.js';
import type { Reminders } from '../core/reminders.js';
import type { SparkService } from '../core/sparks/spark-service.js';
import type { JobKind } from '../config.js';
import { messageIdsOf, outboxIdsOf } from '../core/job-batches.js';
import type { News } from '../news/news.js';
import type { JobQueue } from './job-queue.js';

/**
 * Jobs one draft worker takes per fetch with the offline provider (microseconds of local work a
 * draft: large batches spend fewer statements a draft). A model provider's batches are its
 * parallelism instead: one round of model calls. Drafting is idempotent, so a failed batch is
 * safe to redo.
 */
export const DRAFT_BATCH_SIZE = 100;

/**
 * Messages one draft job carries: offline, an ingest batch's questions and complaints are a
 * job or two (DRAFT_BATCH_SIZE each) instead of a job each, so pg-boss writes, fetches and
 * completes a few rows, not hundreds. A model provider drafts a worker's batch of jobs as one
 * round of calls (its parallelism), so there a job is one message.
 */
export function messagesPerDraftJob(providerParallelism: number | undefined): number {
  return providerParallelism === undefined ? DRAFT_BATCH_SIZE : 1;
}

/**
 * How long a draft batch may run before pg-boss expires its jobs (and runs them again). With a
 * model, a worker's batch is one round of calls (embedding, labelling, drafting, each within the
 * call budget) that may first wait for the other workers' rounds in the shared concurrency
 * limit, plus a minute for the database. Offline drafting keeps the queue's default.
 */
export function draftJobExpirySeconds(modelCallBudgetMs: number | null, draftWorkers: number): number | undefined {
  if (modelCallBudgetMs === null) return undefined;
  return Math.ceil((3 * modelCallBudgetMs * Math.max(1, draftWorkers)) / 1000) + 60;
}
export const DESK_REFRESH_BATCH_SIZE = 20;
/**
 * Send jobs one worker takes per fetch: one job, up to SEND_JOB_ROWS outbox rows, as many as
 * the job's expiry leaves time to send. Each row is claimed before it is sent, so a retried
 * batch never posts twice.
 */
export const SEND_BATCH_SIZE = 1;
export const MAINTENANCE_CRON = '*/5 * * * *';
/** How often due weekly reports are looked for; each is posted once per community and week. */
export const WEEKLY_REPORT_CRON = '*/10 * * * *';
/** How often due feeds are polled and due news slots served; each slot is served once per chat. */
export const NEWS_CRON = '*/5 * * * *';
/** How often chats are checked for a lull; one spark per chat and local hour at most (keyed). */
export const SPARK_CHECK_CRON = '*/15 * * * *';
/** Reminders of drafts waiting too long: checked every minute (and the job polled every 30 s), so a reminder comes at most about 90 s late. */
export const REMINDERS_CRON = '* * * * *';

export async function registerWorkers(deps: {
  queue: JobQueue;
  kinds: ReadonlySet<JobKind>;
  draftConcurrency: number;
  /** Jobs a draft worker takes at once: DRAFT_BATCH_SIZE offline, the model's parallelism otherwise. */
  draftBatchSize?: number | undefined;
  sendConcurrency: number;
  drafting: DraftingService;
  delivery: DeliveryService;
  approvals: ApprovalService;
  /** Runs /prompt replay requests (with the draft workers: they use the same language provider). */
  replays?: PromptReplayService | undefined;
  draftExpiryHours: number;
  /** Weekly analytics reports, posted from the maintenance process. */
  reports?: WeeklyReports | undefined;
  /** Feed polling and news publishing, from the maintenance process. */
  news?: Pick<News, 'poller' | 'publisher'> | undefined;
  /** Lull checks for sparks, from the maintenance process. */
  sparks?: SparkService | undefined;
  /** Desk reminders of drafts waiting too long, from the maintenance process. */
  reminders?: Reminders | undefined;
  clock: Clock;
  log: Logger;
}): Promise<void> {
  const { queue, kinds, log } = deps;

  if (kinds.has('draft')) {
    await queue.work('draft', { concurrency: deps.draftConcurrency, batchSize: deps.draftBatchSize ?? DRAFT_BATCH_SIZE }, async (jobs) => {
      const outcome = await deps.drafting.draftFor(jobs.flatMap((j) => messageIdsOf(j.data)));
      const final = jobs.every((j) => j.ctx.isFinalAttempt);
      for (const { messageId, error } of outcome.failed) log[final ? 'error' : 'warn']({ err: error, messageId }, 'draft.failed');
      // Drafted messages are skipped on the retry; only the failed ones do work again.
      if (outcome.failed.length > 0) throw outcome.failed[0]!.error;
    });
  }

  const replays = deps.replays;
  if (kinds.has('draft') && replays) {
    await queue.work('prompt-replay', { concurrency: 1, batchSize: 1 }, async (jobs) => {
      for (const { data } of jobs) await replays.run(data);
    });
  }

  if (kinds.has('send')) {
    await queue.work('send', { concurrency: deps.sendConcurrency, batchSize: SEND_BATCH_SIZE }, async (jobs) => {
      // One failure does not hold back the rest of the batch; a retry of the batch skips what was sent.
      await deps.delivery.deliverMany(
        jobs.flatMap(({ data, ctx }) => outboxIdsOf(data).map((outboxId) => ({ outboxId, ctx: { isFinalAttempt: ctx.isFinalAttempt, retryCount: ctx.retryCount } }))),
      );
    });
  }

  if (kinds.has('desk')) {
    await queue.work('desk-refresh', { concurrency: 1, batchSize: DESK_REFRESH_BATCH_SIZE }, async (jobs) => {
      for (const draftId of new Set(jobs.map((j) => j.data.draftId))) await deps.delivery.refreshCards(draftId);
    });
  }

  if (kinds.has('maintenance')) {
    await queue.schedule('maintenance', MAINTENANCE_CRON, async () => {
      const before = new Date(deps.clock.now().getTime() - deps.draftExpiryHours * 3_600_000);
      const expired = await deps.approvals.expire(before);
      if (expired > 0) log.info({ expired }, 'drafts.expired');
    });
  }

  const reminders = deps.reminders;
  if (kinds.has('maintenance') && reminders) {
    await queue.schedule('desk-reminders', REMINDERS_CRON, async () => {
      await reminders.remindDue();
    });
  }

  const reports = deps.reports;
  if (kinds.has('maintenance') && reports) {
    await queue.schedule('weekly-report', WEEKLY_REPORT_CRON, async () => {
      await reports.postDue();
    });
  }

  const news = deps.news;
  if (kinds.has('maintenance') && news) {
    await queue.schedule('news', NEWS_CRON, async () => {
      // A round that cannot poll (the database, a writer) still serves due slots from the items
      // already stored; the job then fails with the poll's error.
      const pollError = await news.poller.pollDue().then(
        () => null,
        (error: unknown) => {
          log.error({ err: error }, 'news.poll_failed');
          return { error };
        },
      );
      await news.publisher.publishDue();
      if (pollError) throw pollError.error;
    });
  }

  const sparks = deps.sparks;
  if (kinds.has('maintenance') && sparks) {
    await queue.schedule('spark-check', SPARK_CHECK_CRON, async () => {
      const proposed = (await sparks.checkLulls()).filter((o) => o.draft).length;
      if (proposed > 0) log.info({ proposed }, 'sparks.proposed');
    });
  }
}
