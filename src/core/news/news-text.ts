/**
 * Feed text helpers: plain text out of feed HTML, canonical links (tracking parameters off) and
 * title keys for spotting the same story in two feeds.
 */
import { stripInvisible } from '../safety/invisible.js';

/** Query parameters that only track where a click came from. */
const TRACKING_PARAMS = /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|mkt_tok|ref_src|ref_url|cmpid|__twitter_impression|oly_enc_id|oly_anon_id|vero_id|wt_mc|s_cid)$/i;

/**
 * The link that identifies a story: lower-case scheme and host, no default port, no fragment, no
 * tracking parameters, the rest of the query sorted, no trailing slash (except the root).
 * Returns null for anything that is not an absolute http(s) URL.
 */
export function canonicalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  const kept = [...url.searchParams.entries()].filter(([name]) => !TRACKING_PARAMS.test(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '');
  return url.toString();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Elements whose content is never text: dropped whole, up to their closing tag. */
const RAW_TEXT_OPEN = /<(script|style|iframe|noscript)\b/iy;
const RAW_TEXT_CLOSE: Readonly<Record<string, RegExp>> = {
  script: /<\/script\s*>/gi,
  style: /<\/style\s*>/gi,
  iframe: /<\/iframe\s*>/gi,
  noscript: /<\/noscript\s*>/gi,
};
/** Tags that end a line of text. */
const BLOCK_TAG = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|section|article)\b/iy;

/**
 * Tags out of feed HTML in one pass: comments and raw-text elements (scripts, styles…) go whole,
 * block tags become line breaks, other tags spaces. Every search starts where the last one ended,
 * so the work is linear in the input however hostile (a regex per construct is quadratic on a
 * run of openers with no closer). An unclosed comment or raw-text element runs to the end, as in
 * a browser; a "<" with no ">" after it is text.
 */
function stripTags(html: string): string {
  const out: string[] = [];
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open < 0) break;
    out.push(html.slice(at, open));
    at = open;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      at = close < 0 ? html.length : close + 3;
      out.push(' ');
      continue;
    }
    // No ">" after this "<" means none after any later "<" either: the rest is text.
    const end = html.indexOf('>', open + 1);
    if (end < 0) break;
    RAW_TEXT_OPEN.lastIndex = open;
    const raw = RAW_TEXT_OPEN.exec(html);
    if (raw) {
      const closing = RAW_TEXT_CLOSE[raw[1]!.toLowerCase()]!;
      closing.lastIndex = open + raw[0].length;
      at = closing.exec(html) ? closing.lastIndex : html.length;
      out.push(' ');
      continue;
    }
    BLOCK_TAG.lastIndex = open;
    out.push(BLOCK_TAG.test(html) ? '\n' : ' ');
    at = end + 1;
  }
  out.push(html.slice(at));
  return out.join('');
}

/**
 * Feed HTML as plain text: scripts, styles and comments dropped, tags removed (block tags become
 * line breaks), entities decoded, invisible characters stripped, whitespace collapsed, capped at
 * `maxChars`. The result is still untrusted: it is shown as data, never followed.
 */
export function htmlToText(html: string, maxChars: number): string {
  const text = decodeEntities(stripTags(html));
  const flat = stripInvisible(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  return truncate(flat, maxChars);
}

/** At most `maxChars` characters (code points), the last an ellipsis when cut. Reads only as far as the cut. */
export function truncate(text: string, maxChars: number): string {
  // Characters never outnumber UTF-16 units: a short text needs no count.
  if (text.length <= maxChars) return text;
  let chars = 0;
  let units = 0;
  let kept = 0;
  for (const ch of text) {
    chars++;
    if (chars === maxChars) kept = units;
    if (chars > maxChars) return `${text.slice(0, kept).trimEnd()}…`;
    units += ch.length;
  }
  return text;
}

/** The first sentence (or the start) of a text, for an offline take. */
export function firstSentence(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.{12,}?[.!?])(\s|$)/u.exec(flat);
  return truncate(m ? m[1]! : flat, maxChars);
}

/** Lower-case word tokens (letters and digits, any script), accents folded. */
export function tokens(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Words too common to tell two headlines apart. */
const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or over says said that the their this to up was were will with after new how why what who'.split(' '),
);

/** A headline's distinctive words, sorted and unique: what near-duplicate detection compares. */
export function titleKey(title: string): string {
  return [...new Set(tokens(title).filter((t) => !STOP_WORDS.has(t)))].sort().join(' ');
}

/** Jaccard similarity of two title keys (0..1). */
export function titleSimilarity(a: string, b: string): number {
  const x = new Set(a.split(' ').filter(Boolean));
  const y = new Set(b.split(' ').filter(Boolean));
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

/** Two headlines this similar (and each with a few words) tell the same story. */
export const NEAR_DUPLICATE_TITLE_SIMILARITY = 0.6;
const NEAR_DUPLICATE_MIN_WORDS = 3;

/** The earlier story an item repeats (same canonical link, or a near-identical headline), if any. */
export function sameStory(item: { link: string; titleKey: string }, stories: readonly StoryLike[]): number | null {
  const byLink = stories.find((s) => s.link === item.link);
  if (byLink) return byLink.id;
  if (item.titleKey.split(' ').length < NEAR_DUPLICATE_MIN_WORDS) return null;
  let best: { id: number; similarity: number } | null = null;
  for (const s of stories) {
    const similarity = titleSimilarity(item.titleKey, s.titleKey);
    if (similarity >= NEAR_DUPLICATE_TITLE_SIMILARITY && (!best || similarity > best.similarity)) best = { id: s.id, similarity };
  }
  return best?.id ?? null;
}

interface StoryLike {
  id: number;
  link: string;
  titleKey: string;
}
