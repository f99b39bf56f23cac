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

/**
 * Feed HTML as plain text: scripts, styles and comments dropped, tags removed (block tags become
 * line breaks), entities decoded, invisible characters stripped, whitespace collapsed, capped at
 * `maxChars`. The result is still untrusted: it is shown as data, never followed.
 */
export function htmlToText(html: string, maxChars: number): string {
  const text = decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|iframe|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|section|article)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ' '),
  );
  const flat = stripInvisible(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  return truncate(flat, maxChars);
}

export function truncate(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
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
