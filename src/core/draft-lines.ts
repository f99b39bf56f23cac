/**
 * A pending draft as one line of text, for the lists a manager reads (/pending, reminders): its
 * id, what it is, who wrote what, and how long it has waited.
 */
import { formatDuration, secondsBetween } from './analytics/stats-math.js';
import { postBody } from './desk-cards.js';
import { visibleLine } from './safety/invisible.js';
import type { DraftKind, DraftWithMessage } from './types.js';

/** How a kind is named to a manager: one, several. */
export const KIND_NAMES: Record<DraftKind, [string, string]> = {
  negative: ['complaint', 'complaints'],
  question: ['question', 'questions'],
  news: ['news post', 'news posts'],
  spark: ['discussion starter', 'discussion starters'],
};

/** Characters of a member's message (or a post) a one-line list quotes. */
export const LINE_WORDS_MAX_CHARS = 60;

/** The first words of `text` on one line, cut at a word where one is near the limit. */
export function firstWords(text: string, max = LINE_WORDS_MAX_CHARS): string {
  const line = visibleLine(text);
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space >= max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * `#14 complaint (severity 3) · in General · Amina: This is the third time… · waiting 12m`, and
 * `· answered by Ivy` when another member has replied since (check before posting). One line
 * whatever the message: its words are folded onto one and cut.
 */
export function waitingLine(d: DraftWithMessage, now: Date): string {
  const severity = d.kind === 'negative' && d.message?.labels?.severity ? ` (severity ${d.message.labels.severity})` : '';
  const chat = visibleLine(d.targetTitle ?? d.target.chatId);
  const what = d.message ? `${visibleLine(d.message.author.displayName)}: ${firstWords(d.message.text)}` : firstWords(postBody(d));
  const answered = d.answeredByName ? ` · answered by ${d.answeredByName}` : '';
  return `#${d.id} ${KIND_NAMES[d.kind][0]}${severity} · in ${chat} · ${what} · waiting ${formatDuration(Math.max(0, secondsBetween(d.createdAt, now)))}${answered}`;
}
