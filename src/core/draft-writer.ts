/**
 * Writes one draft: asks the provider with the gathered context, then checks the text. Shared
 * by drafting (which stores the result) and by dry runs (which only show it).
 */
import type { Community } from './communities.js';
import type { DraftContext } from './draft-context.js';
import { PLATFORM_TEXT_LIMITS } from './draft-context.js';
import type { DraftResult, LanguageProvider } from './ports.js';
import { allowedLinksFor, checkDraftText } from './safety/output-checks.js';
import type { Labels, ReplyDraftKind, StoredMessage } from './types.js';

/** Longest reply Jamii will propose; the shortest platform limit (Discord's 2000) minus room. */
export const DRAFT_TEXT_MAX_CHARS = 1900;

export interface WrittenDraft {
  kind: ReplyDraftKind;
  result: DraftResult;
  /** The checked text: invisible characters stripped, trimmed. */
  text: string;
  /** Checks the text failed (with the provider's own flags); a flagged draft needs an edit. */
  flags: string[];
}

export async function writeDraft(provider: LanguageProvider, community: Community, message: StoredMessage, labels: Labels, context: DraftContext): Promise<WrittenDraft> {
  const kind: ReplyDraftKind = labels.isNegative ? 'negative' : 'question';
  const maxLength = Math.min(PLATFORM_TEXT_LIMITS[message.chat.platform], DRAFT_TEXT_MAX_CHARS);
  const result = await provider.draft({
    kind,
    message: context.message,
    labels,
    community,
    recent: context.recent,
    passages: context.passages,
    member: { ...context.member, language: labels.language },
    maxLength,
    deskLanguage: community.language,
  });
  // Whatever the provider, its text is checked before it can become a draft: links only from
  // the knowledge (a member's link only on a host the knowledge already uses), no mass
  // mentions, no markup tricks. What fails is kept flagged, for a human to edit or reject.
  const allowedLinks = allowedLinksFor({ passages: context.passages.flatMap((p) => [p.text, p.question ?? '']), message: context.message.text });
  const checked = checkDraftText(result.text, { platform: message.chat.platform, maxLength, allowedLinks, systemPrompts: [] });
  const flags = [...new Set([...(result.flags ?? []), ...checked.problems.map((p) => `${p.code}: ${p.detail}`)])];
  return { kind, result, text: checked.text, flags };
}
