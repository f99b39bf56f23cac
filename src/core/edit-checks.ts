/**
 * A manager's edited text goes through the output checks a drafted text gets (safety/output-
 * checks.ts): mass mentions, markup, invisible characters, the platform's length, and links.
 * Nothing is rewritten behind the manager's back: what fails is reported, and the approval
 * service holds the edit until a manager confirms it.
 */
import { memberWords } from './desk-cards.js';
import { PLATFORM_TEXT_LIMITS } from './draft-context.js';
import type { KnowledgeRepository } from './ports.js';
import { allowedLinksFor, checkDraftText, type DraftCheckResult } from './safety/output-checks.js';
import type { DraftWithMessage } from './types.js';

/** The flag prefix of a link the checks did not find in a text's sources. */
const UNKNOWN_LINK_FLAG = 'unknown_link:';

/**
 * Checks an edit of `draft`. Its links may be those of the community's knowledge (files and
 * learned answers), any page on a host the knowledge links to (a manager may link another page
 * of the brand's site, not a shared host such as t.me), the member's own links on such a host,
 * and the links of the text Jamii proposed when the checks found nothing wrong with them.
 */
export async function checkEdit(knowledge: Pick<KnowledgeRepository, 'textsWithLinks'>, draft: DraftWithMessage, text: string): Promise<DraftCheckResult> {
  const vetted = draft.heldEdit === null && !draft.flags.some((f) => f.startsWith(UNKNOWN_LINK_FLAG)) ? [draft.originalText] : [];
  const passages = [...(await knowledge.textsWithLinks(draft.communityId)), ...vetted];
  const allowedLinks = allowedLinksFor({ passages, message: [memberWords(draft), text].join('\n') });
  return checkDraftText(text, { platform: draft.target.platform, maxLength: PLATFORM_TEXT_LIMITS[draft.target.platform], allowedLinks, systemPrompts: [] });
}

/** The flags a check result is stored with: `code: detail`, each once. */
export function problemFlags(result: DraftCheckResult): string[] {
  return [...new Set(result.problems.map((p) => `${p.code}: ${p.detail}`))];
}
