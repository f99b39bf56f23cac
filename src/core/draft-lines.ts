/**
 * A pending draft as one line of text, for the lists a manager reads (/pending, reminders): its
 * id, what it is, who wrote what, and how long it has waited.
 */
import { formatDuration, secondsBetween } from './analytics/stats-math.js';
import { postBody } from './desk-cards.js';
import type { DraftKind, DraftWithMessage } from './types.js';

/** How a kind is named to a manager: one, several. */
export const KIND_NAMES: Record<DraftKind, [string, string]> = {
  negative: ['complaint', 'complaints'],
  question: ['question', 'questions'],
  news: ['news post', 'news posts'],
  spark: ['discussion starter', 'discussion starters'],
};

/**
 * `#14 complaint (severity 3) · Amina: This is the third time… · waiting 12m`, and
 * `· answered by Ivy` when another member has replied since (check before posting).
 */
export function waitingLine(d: DraftWithMessage, now: Date): string {
  const severity = d.kind === 'negative' && d.message?.labels?.severity ? ` (severity ${d.message.labels.severity})` : '';
  const what = d.message ? `${d.message.author.displayName}: ${d.message.text.slice(0, 80)}` : `${d.targetTitle ?? d.target.chatId}: ${postBody(d).slice(0, 80)}`;
  const answered = d.answeredByName ? ` · answered by ${d.answeredByName}` : '';
  return `#${d.id} ${KIND_NAMES[d.kind][0]}${severity} · ${what} · waiting ${formatDuration(Math.max(0, secondsBetween(d.createdAt, now)))}${answered}`;
}
