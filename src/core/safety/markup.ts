/**
 * Markup injection in a plain-text reply (OWASP LLM05). Jamii's replies are plain text a manager
 * reads before they are posted; markup is injection when it would make the posted message show
 * or do something other than what the manager read:
 *
 * - a masked link whose visible text is a different link (`[docs.acme.com](https://evil.example)`,
 *   Slack `<https://evil.example|docs.acme.com>`), or a link with user info
 *   (`https://docs.acme.com@evil.example`), which shows one host and opens another;
 * - a Markdown image (`![](https://…)`): replies carry no images, and an image URL is the
 *   classic channel for exfiltrating data as query parameters;
 * - HTML tags (Telegram HTML parse mode, `<a href>`, `<script>`, `<img>`…) and HTML comments;
 * - spoilers that hide text until clicked: `||…||` (Discord, Telegram MarkdownV2), `<tg-spoiler>`;
 * - prompt structure in the output: Jamii's data-block tags, role tags, chat-template tokens;
 * - platform mentions by id (`<@123>`, `<@U123>`, `tg://user?id=`) and, when the caller names the
 *   people in the conversation, `@handles` of anyone else (a scam's "contact @real_admin_help");
 * - a run of blank lines that pushes the rest of the message out of view.
 *
 * Not injection: inline code and closed code fences (technical communities need them; HTML and
 * spoiler syntax inside them is shown literally, so it is not flagged, while links, mentions and
 * leaks inside them are checked like any other text), bold/italic emphasis, and masked links
 * whose text is ordinary words (the link itself is checked against the sources).
 */
import { linkHost, normalizeLink, rawLinksIn } from './links.js';
import { foldLookalikes } from './lookalikes.js';
import { scanMentions } from './mentions.js';
import { findForgedTags } from './untrusted.js';

/** More consecutive blank lines than this hide what follows below the fold. */
export const MARKUP_MAX_BLANK_LINES = 3;

const MARKDOWN_LINK = /(!?)\[([^\]\n]{0,200})\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/gu;
const SLACK_LINK = /<((?:https?|ftp|mailto|tg):[^|>\s]+)\|([^>]*)>/giu;
/** Tags Telegram's HTML mode, Slack or a browser would act on, and the usual injection vehicles. */
const HTML_TAG_NAMES = [
  'a', 'abbr', 'audio', 'b', 'base', 'blockquote', 'body', 'br', 'button', 'code', 'del', 'details', 'div', 'em',
  'embed', 'font', 'form', 'h[1-6]', 'head', 'html', 'i', 'iframe', 'img', 'input', 'ins', 'li', 'link', 'marquee',
  'meta', 'object', 'ol', 'p', 'pre', 's', 'script', 'source', 'span', 'strike', 'strong', 'style', 'sub',
  'summary', 'sup', 'svg', 'table', 'td', 'tg-emoji', 'tg-spoiler', 'tr', 'u', 'ul', 'video',
].join('|');
const HTML_TAG = new RegExp(`</?(${HTML_TAG_NAMES})(?:\\s[^<>]*)?/?>`, 'giu');
const TAG_WITH_ATTRIBUTE = /<[a-z][\w-]*\s+[\w-]+\s*=\s*["'\w]/iu;
/** Code fences and inline code: platforms show markup inside them literally. */
const CODE = /```[\s\S]*?```|`[^`\n]+`/gu;
const HTML_COMMENT = /<!--/u;
/** Slack's own <!channel>-style specials: reported as mentions, not as prompt structure. */
const SLACK_SPECIAL = /^<!(channel|here|everyone|group|subteam\^)/iu;
const SPOILER = /\|\|[^|]+\|\|/u;
const BLANK_LINE_RUN = new RegExp(`\\n(?:[ \\t\\r\\u2800]*\\n){${MARKUP_MAX_BLANK_LINES + 1},}`, 'u');

/** Hosts shown in masked text and the host the link really opens; problem text when they differ. */
function maskedLinkProblem(shown: string, target: string): string | null {
  const shownLinks = rawLinksIn(shown);
  if (shownLinks.length === 0) return null;
  const targetHost = linkHost(normalizeLink(target));
  const differs = shownLinks.some((link) => {
    const host = linkHost(normalizeLink(link.raw));
    return host === null || host !== targetHost;
  });
  return differs ? `link text "${shown.trim()}" opens ${target}` : null;
}

function userInfoProblems(text: string): string[] {
  return rawLinksIn(text)
    .filter((link) => /^[a-z][a-z0-9+.\-]*:[/\\]*[^/\\?#\s]*@/i.test(link.raw))
    .map((link) => `link ${link.raw} hides its real host behind user info`);
}

/** Options for {@link markupInjectionReasons}. */
export interface MarkupCheckOptions {
  /**
   * Usernames and platform user ids of the people in the conversation (without "@"). When
   * given, an `@handle` or id mention of anyone else is injection; when absent, single handle
   * mentions are allowed and only id mentions are flagged.
   */
  allowedMentions?: readonly string[] | undefined;
}

/** Why `text` carries markup injection, one line per finding; empty when it carries none. */
export function markupInjectionReasons(text: string, options: MarkupCheckOptions = {}): string[] {
  const reasons: string[] = [];
  for (const m of text.matchAll(MARKDOWN_LINK)) {
    if (m[1] === '!') {
      reasons.push(`embeds an image from ${m[3]!}`);
      continue;
    }
    const problem = maskedLinkProblem(m[2]!, m[3]!);
    if (problem) reasons.push(problem);
  }
  for (const m of text.matchAll(SLACK_LINK)) {
    const problem = maskedLinkProblem(m[2]!, m[1]!);
    if (problem) reasons.push(problem);
  }
  reasons.push(...userInfoProblems(text));

  const folded = foldLookalikes(text.replace(CODE, ' '));
  const tags = [...new Set([...folded.matchAll(HTML_TAG)].map((m) => m[1]!.toLowerCase()))];
  if (tags.length > 0) reasons.push(`HTML tags: ${tags.map((t) => `<${t}>`).join(', ')}`);
  else if (TAG_WITH_ATTRIBUTE.test(folded)) reasons.push('a tag with attributes');
  if (HTML_COMMENT.test(folded)) reasons.push('an HTML comment');
  if (SPOILER.test(folded) || folded.includes('<tg-spoiler')) reasons.push('a spoiler that hides text');
  const forged = findForgedTags(text).filter((tag) => !SLACK_SPECIAL.test(tag));
  if (forged.length > 0) reasons.push(`prompt structure: ${[...new Set(forged)].join(', ')}`);

  const { handles, ids } = scanMentions(text);
  const allowed = options.allowedMentions?.map((name) => foldLookalikes(name).replace(/^@/, ''));
  const allowedSet = new Set(allowed ?? []);
  const strangerIds = ids.filter((id) => !allowedSet.has(id));
  if (strangerIds.length > 0) reasons.push(`mentions users by platform id: ${strangerIds.join(', ')}`);
  if (allowed !== undefined) {
    const strangers = handles.filter((handle) => !allowedSet.has(handle));
    if (strangers.length > 0) reasons.push(`mentions people not in the conversation: ${strangers.map((h) => `@${h}`).join(', ')}`);
  }

  if (BLANK_LINE_RUN.test(text)) reasons.push(`more than ${MARKUP_MAX_BLANK_LINES} blank lines in a row`);
  return reasons;
}
