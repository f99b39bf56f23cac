/**
 * A poll as plain text, for platforms (or chats) without native polls: the post text, the
 * question, and numbered options members answer by number.
 */
export function pollText(poll: { question: string; options: readonly string[] }, intro: string): string {
  const lines = [intro.trim(), poll.question.trim(), ...poll.options.map((o, i) => `${i + 1}. ${o.trim()}`)].filter((l) => l !== '');
  return `${lines.join('\n')}\n\n${NUMBER_HINT}`;
}

/** The line under a text poll. */
export const NUMBER_HINT = 'Reply with a number.';
