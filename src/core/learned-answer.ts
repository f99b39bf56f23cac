/**
 * What the learning loop keeps of an approved reply: the answer, without the greeting that
 * names the member it was written for (the next member asking is someone else), and nothing at
 * all from a holding reply, which promises an answer without giving one.
 */
import type { DraftWithMessage } from './types.js';

/** The offline provider's holding reply to a question: no grounded answer, so nothing to learn. */
export const HOLDING_REPLY_PROMPT_NAMES: readonly string[] = ['offline-question'];

/** How many words may come before the member's name for the clause to still read as a greeting. */
const GREETING_WORDS_BEFORE_NAME_MAX = 3;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Drops a leading greeting that names the member ("Hi Alice! …", "¡Hola, Alice! …",
 * "Alice, здравствуйте! …", "Hi Alice, …"); returns the text unchanged when it has none, or
 * when nothing but the greeting would be left.
 */
export function stripMemberGreeting(text: string, memberName: string): string {
  const name = memberName.trim();
  const trimmed = text.trim();
  if (name.length === 0) return trimmed;
  const greeting = new RegExp(`^([^.!?\\n]*?)${escapeRegExp(name)}\\s*([,!:.—-])\\s*`, 'iu').exec(trimmed);
  if (!greeting) return trimmed;
  const before = (greeting[1] ?? '').replace(/[¡¿,]/g, ' ').trim();
  if (before.split(/\s+/).filter(Boolean).length > GREETING_WORDS_BEFORE_NAME_MAX) return trimmed;
  let rest = trimmed.slice(greeting[0].length);
  // The name came first ("Alice, здравствуйте! …"): the greeting word follows it.
  if (before.length === 0 && greeting[2] === ',') rest = rest.replace(/^\p{L}+!\s*/u, '');
  if (rest.length === 0) return trimmed;
  return rest.charAt(0).toLocaleUpperCase() + rest.slice(1);
}

/**
 * The answer to learn from a decided reply to a question, or null when there is none: a holding
 * reply approved as drafted teaches nothing. An edit is the manager's own answer and is learned.
 */
export function learnedAnswerOf(draft: Pick<DraftWithMessage, 'promptName' | 'sources' | 'message'>, decided: { text: string; edited: boolean }): string | null {
  if (!decided.edited && draft.sources.length === 0 && HOLDING_REPLY_PROMPT_NAMES.includes(draft.promptName)) return null;
  return stripMemberGreeting(decided.text, draft.message?.author.displayName ?? '');
}
