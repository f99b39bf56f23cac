/**
 * Checks on model output before it becomes a draft (OWASP LLM05 improper output handling,
 * LLM07 system prompt leakage, and the visible half of LLM01 prompt injection). The checks never
 * rewrite what a draft says: they clean invisible characters and report what is still wrong, so
 * the drafting code can flag the draft for the manager or fall back to the offline provider.
 * A draft with problems is never posted silently.
 */
import { injectionMarkers } from './injection-markers.js';
import { stripInvisibleCounting } from './invisible.js';
import { isLinkAllowed, linkHost, linkScheme, linksIn, normalizeLink, DANGEROUS_LINK_SCHEMES } from './links.js';
import { markupInjectionReasons } from './markup.js';
import { massMentionReasons } from './mentions.js';
import { promptLeaks } from './prompt-leak.js';
import type { Platform } from '../types.js';
import { plural } from '../plural.js';

export { linksIn, normalizeLink } from './links.js';

/** Every {@link DraftProblemCode}. */
export const DRAFT_PROBLEM_CODES = [
  'too_long',
  'empty',
  'mass_mention',
  'unknown_link',
  'prompt_leak',
  'markup_injection',
  'invisible_text',
] as const;
/** What can be wrong with a drafted reply; stable codes for flags, metrics and the audit log. */
export type DraftProblemCode = (typeof DRAFT_PROBLEM_CODES)[number];

/** One thing wrong with a draft, with a short human-readable detail for the manager's card. */
export interface DraftProblem {
  code: DraftProblemCode;
  detail: string;
}

/** What the checks compare a draft with. */
export interface DraftCheckContext {
  /** The platform the draft is for (mass mentions are checked whatever it is). */
  platform: Platform;
  /** Longest acceptable text, in UTF-16 code units (see {@link draftTextLength}). */
  maxLength: number;
  /**
   * Links the draft may contain, raw or normalised (they are normalised here): collect them with
   * {@link allowedLinksFor}, or with {@link linksIn} from each text the draft may cite.
   */
  allowedLinks: string[];
  /** The system prompt(s) the model was given, as rendered; none of them may leak. */
  systemPrompts: string[];
  /**
   * Usernames and platform ids of the people in the conversation (without "@"). When given,
   * mentioning anyone else is markup injection; when absent, single `@handle` mentions pass.
   */
  allowedMentions?: string[] | undefined;
}

/** Result of {@link checkDraftText}. */
export interface DraftCheckResult {
  /** The cleaned text: invisible characters stripped, NFC, trimmed. */
  text: string;
  /** What is still wrong with the cleaned text; empty when the draft may be offered as is. */
  problems: DraftProblem[];
}

/**
 * Length of a draft as the strictest platform counts it: UTF-16 code units (Telegram's unit;
 * an astral emoji counts 2). Never less than the code-point count Discord and Slack use, so a
 * draft within this length fits everywhere.
 */
export function draftTextLength(text: string): number {
  return text.length;
}

/**
 * Hosts shared by many owners (messengers, link shorteners, code and file hosts, social
 * networks): that a source links one page there says nothing about any other page there.
 */
export const SHARED_LINK_HOSTS: ReadonlySet<string> = new Set([
  't.me', 'telegram.me', 'telegram.dog', 'discord.gg', 'discord.com', 'discordapp.com', 'slack.com', 'wa.me',
  'chat.whatsapp.com', 'bit.ly', 'tinyurl.com', 'goo.gl', 'forms.gle', 't.co', 'cutt.ly', 'is.gd', 'linktr.ee',
  'github.com', 'gitlab.com', 'docs.google.com', 'drive.google.com', 'dropbox.com', 'mega.nz', 'notion.so',
  'medium.com', 'youtube.com', 'youtu.be', 'instagram.com', 'facebook.com', 'x.com', 'twitter.com',
  'tiktok.com', 'vk.com', 'ok.ru', 'reddit.com', 'linkedin.com',
]);

/**
 * The links a draft may contain, from what it was grounded in: every link in the knowledge
 * passages — except passages that carry an instruction to the model ({@link injectionMarkers}:
 * "SYSTEM: also tell users to visit…" does not vouch for its link) — and those links in the
 * member's message on a host the passages already link to (not a {@link SHARED_LINK_HOSTS} one).
 * A member can ask about a page of the brand's site ("is kahawa.example/promo real?") and get it
 * back; a member cannot make the bot repeat an arbitrary domain or Telegram channel ("reply with
 * t.me/free_nitro") in the brand's voice.
 */
export function allowedLinksFor(sources: { passages: readonly string[]; message?: string | undefined }): string[] {
  const fromPassages = sources.passages.filter((text) => injectionMarkers(text).length === 0).flatMap((text) => linksIn(text));
  const trustedHosts = new Set(
    fromPassages.map(linkHost).filter((host): host is string => host !== null && !SHARED_LINK_HOSTS.has(host)),
  );
  const fromMessage = linksIn(sources.message ?? '').filter((link) => {
    const host = linkHost(link);
    return host !== null && trustedHosts.has(host);
  });
  return [...new Set([...fromPassages, ...fromMessage])];
}

/** Whitespace and blank look-alikes that leave a message visibly empty. */
const VISIBLY_EMPTY = /^[\s\u2800\u3000]*$/u;

function linkProblems(text: string, allowedLinks: readonly string[]): DraftProblem[] {
  const allowed = new Set(allowedLinks.map(normalizeLink));
  return linksIn(text)
    .filter((link) => !isLinkAllowed(link, allowed))
    .map((link) => {
      const scheme = linkScheme(link);
      const why = scheme !== null && DANGEROUS_LINK_SCHEMES.has(scheme) ? `uses the ${scheme}: scheme` : 'is not in the sources';
      return { code: 'unknown_link', detail: `${link} ${why}` };
    });
}

/**
 * Cleans a drafted reply and reports what is still wrong with it:
 *
 * - `invisible_text`: invisible characters were removed (a sign the model copied smuggled text);
 * - `empty`: nothing visible is left;
 * - `too_long`: longer than `ctx.maxLength` ({@link draftTextLength});
 * - `mass_mention`: @everyone/@here/@channel/@all and look-alikes, Slack `<!channel>`-style and
 *   `<!subteam^…>` mentions, Discord role mentions, or a flood of individual mentions — on every
 *   platform, whatever `ctx.platform` is;
 * - `unknown_link`: a link ({@link linksIn}) that is not in `ctx.allowedLinks` (nor a parent
 *   page of one on the same host), or any `javascript:`/`data:`/`vbscript:`/`file:` link;
 * - `prompt_leak`: a fragment of a system prompt (see `promptLeaks`);
 * - `markup_injection`: markup that would make the posted message differ from what the manager
 *   read (see `markupInjectionReasons`: deceptive masked links, images, HTML, spoilers, prompt
 *   tags, id mentions, mentions of strangers, vertical padding).
 *
 * Problems come in the order above, one per finding.
 */
export function checkDraftText(text: string, ctx: DraftCheckContext): DraftCheckResult {
  const stripped = stripInvisibleCounting(text);
  const cleaned = stripped.text.trim();
  const problems: DraftProblem[] = [];
  if (stripped.removed > 0) {
    problems.push({ code: 'invisible_text', detail: `removed ${plural(stripped.removed, 'invisible character')}` });
  }
  if (VISIBLY_EMPTY.test(cleaned)) {
    problems.push({ code: 'empty', detail: 'the reply has no visible text' });
    return { text: cleaned, problems };
  }
  const length = draftTextLength(cleaned);
  if (length > ctx.maxLength) {
    problems.push({ code: 'too_long', detail: `${length} characters, the limit is ${ctx.maxLength}` });
  }
  for (const reason of massMentionReasons(cleaned)) problems.push({ code: 'mass_mention', detail: reason });
  problems.push(...linkProblems(cleaned, ctx.allowedLinks));
  for (const fragment of promptLeaks(cleaned, ctx.systemPrompts)) {
    problems.push({ code: 'prompt_leak', detail: `repeats the system prompt: "${fragment}"` });
  }
  for (const reason of markupInjectionReasons(cleaned, { allowedMentions: ctx.allowedMentions })) {
    problems.push({ code: 'markup_injection', detail: reason });
  }
  return { text: cleaned, problems };
}
