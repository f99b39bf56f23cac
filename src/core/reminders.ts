/**
 * Reminders: a member's question or complaint whose draft still waits for a decision after its
 * community's reminder time (`remind_after_minutes`, else JAMII_REMIND_AFTER_MINUTES; a
 * severity-3 complaint after a third of it) is named once in a
 * notice on the community's desks, most urgent first. A complaint does not sour unseen while the
 * desk is busy elsewhere, and the desk hears of each draft once, not every few minutes.
 *
 * Claiming the drafts (drafts.reminded_at), writing the notices and queueing their send happen
 * in one transaction: a crash leaves nothing half done, and two processes never remind twice.
 */
import type { CommunityDirectory } from './communities.js';
import { waitingLine } from './draft-lines.js';
import { queueDeskNotices } from './desk-notices.js';
import type { Clock, Logger, Store } from './ports.js';
import type { DraftWithMessage, Platform } from './types.js';

/** Drafts one run claims at most; more wait for the next run. */
export const REMIND_BATCH_MAX = 50;
/** Drafts one notice names; the rest are counted. */
export const REMIND_LINES_MAX = 10;
/** A severity-3 complaint is due a reminder after this part of the reminder time (at least a minute). */
export const URGENT_REMINDER_FRACTION = 1 / 3;

export interface Reminders {
  /** Reminds the desks of what became overdue since the last run; resolves how many drafts it named. */
  remindDue(): Promise<number>;
}

const urgency = (d: DraftWithMessage) => (d.kind === 'negative' ? 10 + (d.message?.labels?.severity ?? 0) : 0);

export function reminderText(drafts: readonly DraftWithMessage[], now: Date): string {
  const sorted = [...drafts].sort((a, b) => urgency(b) - urgency(a) || a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  const shown = sorted.slice(0, REMIND_LINES_MAX).map((d) => waitingLine(d, now));
  const more = sorted.length - shown.length;
  const head = sorted.length === 1 ? '⏰ A member is still waiting for an answer:' : `⏰ ${sorted.length} members are still waiting for an answer (most urgent first):`;
  return [head, ...shown, ...(more > 0 ? [`…and ${more} more.`] : []), 'Decide with the buttons on their cards, or see everything waiting with /pending.'].join('\n');
}

export function createReminders(deps: {
  store: Store;
  communities: CommunityDirectory;
  deskPlatforms: () => Iterable<Platform>;
  clock: Clock;
  log: Logger;
  /** Minutes a community's reply drafts wait before its desks are reminded; 0 turns them off. */
  afterMinutesOf: (communityId: string) => number;
}): Reminders {
  const { store, communities, clock, log } = deps;

  /** The communities with reminders on, grouped by their reminder time (minutes). */
  const byThreshold = () => {
    const groups = new Map<number, string[]>();
    for (const { id } of communities.list()) {
      const minutes = deps.afterMinutesOf(id);
      if (minutes > 0) groups.set(minutes, [...(groups.get(minutes) ?? []), id]);
    }
    return groups;
  };

  return {
    async remindDue() {
      const groups = byThreshold();
      if (groups.size === 0) return 0;
      const now = clock.now();
      const named = await store.transaction(async (tx) => {
        const due: DraftWithMessage[] = [];
        for (const [minutes, communityIds] of groups) {
          const afterMs = minutes * 60_000;
          const urgentAfterMs = Math.max(60_000, Math.round(afterMs * URGENT_REMINDER_FRACTION));
          const cutoffs = { before: new Date(now.getTime() - afterMs), urgentBefore: new Date(now.getTime() - urgentAfterMs) };
          due.push(...(await tx.drafts.claimOverdue(communityIds, cutoffs, now, REMIND_BATCH_MAX - due.length)));
          if (due.length >= REMIND_BATCH_MAX) break;
        }
        const byCommunity = new Map<string, DraftWithMessage[]>();
        for (const d of due) byCommunity.set(d.communityId, [...(byCommunity.get(d.communityId) ?? []), d]);
        for (const [communityId, drafts] of byCommunity) {
          const ids = drafts.map((d) => d.id).sort((a, b) => a - b);
          const desks = communities.desksOf(communityId, deps.deskPlatforms());
          await queueDeskNotices(tx, desks, reminderText(drafts, now), `remind:${ids.join(',')}`);
          await tx.audit.write({ communityId, actor: 'jamii', action: 'drafts.reminded', subject: `community:${communityId}`, details: { draftIds: ids, desks: desks.length } });
          if (desks.length === 0) log.warn({ communityId, drafts: ids.length }, 'drafts.reminder_without_desk');
        }
        return due.length;
      });
      if (named > 0) log.info({ drafts: named }, 'drafts.reminded');
      return named;
    },
  };
}
