/**
 * What each durable job does. Handlers are idempotent: a job that runs twice (a retry after a
 * crash, two processes) changes nothing the second time.
 */
import type { ApprovalService } from '../core/approval-service.js';
import type { DeliveryService } from '../core/delivery-service.js';
import type { DraftingService } from '../core/drafting-service.js';
import type { Clock, Logger } from '../core/ports.js';
import type { JobKind } from '../config.js';
import type { JobQueue } from './job-queue.js';

/** Jobs one draft worker takes per fetch; drafting is idempotent, so a failed batch is safe to redo. */
export const DRAFT_BATCH_SIZE = 20;
export const DESK_REFRESH_BATCH_SIZE = 20;
export const MAINTENANCE_CRON = '*/5 * * * *';

export async function registerWorkers(deps: {
  queue: JobQueue;
  kinds: ReadonlySet<JobKind>;
  draftConcurrency: number;
  sendConcurrency: number;
  drafting: DraftingService;
  delivery: DeliveryService;
  approvals: ApprovalService;
  draftExpiryHours: number;
  clock: Clock;
  log: Logger;
}): Promise<void> {
  const { queue, kinds, log } = deps;

  if (kinds.has('draft')) {
    await queue.work('draft', { concurrency: deps.draftConcurrency, batchSize: DRAFT_BATCH_SIZE }, async (jobs) => {
      let failed: unknown = null;
      for (const { data, ctx } of jobs) {
        try {
          await deps.drafting.draftFor([data.messageId]);
        } catch (error) {
          failed = error;
          log[ctx.isFinalAttempt ? 'error' : 'warn']({ err: error, messageId: data.messageId, attempt: ctx.retryCount + 1 }, 'draft.failed');
        }
      }
      // Drafted messages are skipped on the retry; only the failed ones do work again.
      if (failed) throw failed;
    });
  }

  if (kinds.has('send')) {
    await queue.work('send', { concurrency: deps.sendConcurrency, batchSize: 1 }, async (jobs) => {
      for (const { data, ctx } of jobs) await deps.delivery.deliver(data.outboxId, { isFinalAttempt: ctx.isFinalAttempt });
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
}
