/**
 * Reminders: a member's question or complaint whose draft still waits for a decision after its
 * community's reminder time (`remind_after_minutes`, else JAMII_REMIND_AFTER_MINUTES; a
 * severity-3 complaint after a third of it) is named once in a
 * notice on the community's desks, most urgent first. A complaint does not sour unseen while the
 * desk is busy elsewhere, and the desk hears of each draft once, not every few minutes.
 *
 * Claiming the drafts (drafts.reminded_at), writing the notices and queueing their send happen
 * in one transaction: a crash leaves nothing half done, and two processes never remind twice.
 * Every overdue draft of a community is claimed at once, so a backlog (reminders just turned
 * on, a desk coming back) makes one notice that counts it, not a notice a minute. A community
 * with no desk running is left alone until it has one.
 */
import type { CommunityDirectory } from './communities.js';
import { waitingLine } from './draft-lines.js';
import { queueDeskNotices } from './desk-notices.js';
import type { Clock, Logger, Store } from './ports.js';
import type { DraftWithMessage, Platform } from './types.js';

/** Drafts one notice names; the rest are counted. */
export const REMIND_LINES_MAX = 10;
/** A severity-3 complaint is due a reminder after this part of the reminder time (at least a minute). */
export const URGENT_REMINDER_FRACTION = 1 / 3;

export interface Reminders {
  /** Reminds the desks of what became overdue since the last run; resolves how many drafts it named. */
  remindDue(): Promise<number>;
}

/** The notice: the most urgent drafts (already in order), and how many there are in all. */
export function reminderText(drafts: readonly DraftWithMessage[], total: number, now: Date): string {
  const shown = drafts.slice(0, REMIND_LINES_MAX).map((d) => waitingLine(d, now));
  const more = total - shown.length;
  const head = total === 1 ? '⏰ A member is still waiting: this draft has no decision yet.' : `⏰ ${total} drafts answering members have no decision yet (most urgent first):`;
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

  /** The communities with reminders on and a desk to tell, grouped by their reminder time (minutes). */
  const byThreshold = () => {
    const groups = new Map<number, string[]>();
    for (const { id } of communities.list()) {
      const minutes = deps.afterMinutesOf(id);
      if (minutes > 0 && communities.desksOf(id, deps.deskPlatforms()).length > 0) groups.set(minutes, [...(groups.get(minutes) ?? []), id]);
    }
    return groups;
  };

  return {
    async remindDue() {
      // A community whose desks are not running here keeps its drafts unclaimed until one is.
      const groups = byThreshold();
      if (groups.size === 0) return 0;
      const now = clock.now();
      const named = await store.transaction(async (tx) => {
        let count = 0;
        for (const [minutes, communityIds] of groups) {
          const afterMs = minutes * 60_000;
          const urgentAfterMs = Math.max(60_000, Math.round(afterMs * URGENT_REMINDER_FRACTION));
          const cutoffs = { before: new Date(now.getTime() - afterMs), urgentBefore: new Date(now.getTime() - urgentAfterMs) };
          for (const overdue of await tx.drafts.claimOverdue(communityIds, cutoffs, now, REMIND_LINES_MAX)) {
            const ids = overdue.drafts.map((d) => d.id);
            const desks = communities.desksOf(overdue.communityId, deps.deskPlatforms());
            await queueDeskNotices(tx, desks, reminderText(overdue.drafts, overdue.total, now), `remind:${ids.join(',')}`);
            await tx.audit.write({
              communityId: overdue.communityId,
              actor: 'jamii',
              action: 'drafts.reminded',
              subject: `community:${overdue.communityId}`,
              details: { drafts: overdue.total, named: ids, desks: desks.length },
            });
            count += overdue.total;
          }
        }
        return count;
      });
      if (named > 0) log.info({ drafts: named }, 'drafts.reminded');
      return named;
    },
  };
}
