/**
 * Finding and normalising links in plain text, so a draft's links can be compared with the links
 * its sources (knowledge passages, the member's own message) contain.
 *
 * A link is: a URL with a scheme (http, https, ftp, ws, file, tg, mailto, javascript, vbscript,
 * data; `\` and missing slashes tolerated the way browsers tolerate them), anything starting with
 * `www.`, a bare IPv4 address followed by a port or path, or a bare domain whose last label is a
 * punycode (`xn--`) label or a top-level domain in {@link LINK_TLDS}. File-name-like endings
 * (`.md`, `.py`, `.zip`…) count only when a path or port follows; a capitalised "TLD" right after
 * a full stop ("done.It works") is a missing space, not a link. Email addresses are not links.
 * Links are searched for after invisible characters are stripped and compatibility forms
 * (fullwidth letters, ideographic full stops) are folded, as a platform would linkify them.
 */
import { stripInvisible } from './invisible.js';

/**
 * Top-level domains a bare `name.tld` is taken as a link for: common generic ones, the ones
 * scams favour, and the country codes of the communities Jamii serves and other large ones.
 * Deliberately not every TLD: "Node.js", "e.g." and "log.am" must stay text.
 */
export const LINK_TLDS: ReadonlySet<string> = new Set([
  // generic
  'com', 'net', 'org', 'info', 'biz', 'edu', 'gov', 'int', 'mil', 'io', 'ai', 'co', 'me', 'gg', 'app', 'dev',
  'xyz', 'top', 'site', 'online', 'shop', 'store', 'live', 'link', 'click', 'club', 'pro', 'news', 'blog',
  'tech', 'cloud', 'page', 'fun', 'win', 'bid', 'icu', 'vip', 'cc', 'tv', 'ws', 'ly', 'to', 'gl', 'ee',
  'network', 'social', 'exchange', 'finance', 'money', 'email', 'support', 'help', 'one', 'today', 'world',
  'life', 'space', 'website', 'digital', 'agency', 'media', 'games', 'gift', 'work', 'best', 'bet', 'casino',
  // favoured by scams
  'tk', 'ml', 'ga', 'cf', 'gq', 'cyou', 'sbs', 'cfd', 'buzz', 'bond', 'lat', 'rest', 'monster', 'quest', 'cam', 'lol',
  // where Jamii's communities are, and large ccTLDs
  'ke', 'tz', 'ug', 'rw', 'ng', 'za', 'gh', 'et', 'ru', 'рф', 'su', 'ua', 'by', 'kz', 'uz', 'ge', 'kg',
  'es', 'mx', 'ar', 'cl', 'pe', 've', 'ec', 'uy', 'bo', 'cr', 'gt', 'hn', 'sv', 'cu', 'pr',
  'uk', 'us', 'eu', 'de', 'fr', 'it', 'nl', 'pl', 'ch', 'se', 'no', 'fi', 'pt', 'br', 'ca', 'au', 'nz', 'in',
  'cn', 'jp', 'kr', 'tw', 'hk', 'sg', 'id', 'tr', 'ir', 'ae', 'il',
  // reserved for documentation and tests (RFC 2606)
  'example', 'test',
  // also file extensions: links only with a path or port
  'zip', 'mov', 'md', 'py', 'sh', 'rs', 'so',
]);

/** TLDs that are also common file extensions: a bare `name.md` is a link only with a path or port. */
const FILE_EXTENSION_TLDS: ReadonlySet<string> = new Set(['zip', 'mov', 'md', 'py', 'sh', 'rs', 'pl', 'so', 'id', 'no', 'test']);

/** Schemes that never point anywhere safe; a link with one of them is never allowed. */
export const DANGEROUS_LINK_SCHEMES: ReadonlySet<string> = new Set(['javascript', 'vbscript', 'data', 'file']);
/** Schemes whose links have no host to normalise: compared lowercased as written. */
const OPAQUE_SCHEMES: ReadonlySet<string> = new Set(['javascript', 'vbscript', 'data', 'mailto']);
const KNOWN_SCHEMES: ReadonlySet<string> = new Set([...DANGEROUS_LINK_SCHEMES, ...OPAQUE_SCHEMES, 'http', 'https', 'ftp', 'ftps', 'ws', 'wss', 'tg']);

/** Query parameters that only track the click; removed before links are compared. */
const TRACKING_PARAM = /^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|ref_src|ref_url|_hsenc|_hsmi|si|spm|_ga|_gl)$/i;

/** Characters that end a link in running text. */
const LINK_BODY = String.raw`[^\s<>"'\x60|\\^{}\[\]]*`;
const SCHEME_LINK = new RegExp(String.raw`(?<![\p{L}\p{N}+.\-])(?:(?:https?|ftps?|wss?|tg):[/\\]{0,3}|file:[/\\]{2,3})[^\s/\\<>"'\x60|]${LINK_BODY}`, 'giu');
const OPAQUE_LINK = new RegExp(String.raw`(?<![\p{L}\p{N}+.\-])(?:javascript|vbscript|data|mailto):[^\s<>"'\x60|]${LINK_BODY}`, 'giu');
const WWW_LINK = new RegExp(String.raw`(?<![\p{L}\p{N}@.\-/])www\.[\p{L}\p{N}\-]${LINK_BODY}`, 'giu');
const BARE_IPV4 = new RegExp(String.raw`(?<![\p{L}\p{N}@.\-/])\d{1,3}(?:\.\d{1,3}){3}(?=[:/])${LINK_BODY}`, 'gu');
const BARE_DOMAIN = new RegExp(
  String.raw`(?<![\p{L}\p{N}@.\-/_:#$])((?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,62}[\p{L}\p{N}])?\.)+)(xn--[a-z0-9\-]+|\p{L}{2,24})(?![\p{L}\p{N}\-@])((?::\d{2,5})?[/?#]${LINK_BODY}|:\d{2,5})?`,
  'giu',
);

const TRAILING_CHARS = '.,;:!?\'"»…)]}*_~';
/** Full stops and slashes a browser or a reader takes for ASCII ones. */
const URL_LOOKALIKES = /[。｡．︒／]/gu;
/** Tech names shaped like domains. */
const NOT_DOMAINS: ReadonlySet<string> = new Set(['asp.net', 'vb.net', 'ado.net']);

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Drops sentence punctuation after a link, keeping a parenthesis the link opened (…/Foo_(bar)). */
function trimTrailing(raw: string): string {
  let end = raw.length;
  while (end > 0) {
    const last = raw[end - 1]!;
    if (!TRAILING_CHARS.includes(last)) break;
    if (last === ')' && count(raw.slice(0, end), '(') >= count(raw.slice(0, end), ')')) break;
    end -= 1;
  }
  return raw.slice(0, end);
}

/** The text links are searched in: invisible characters gone, compatibility forms folded. */
function linkSearchText(text: string): string {
  return stripInvisible(text)
    .normalize('NFKC').replace(URL_LOOKALIKES, (c) => (c === '／' ? '/' : '.'));
}

/** A link as it appears in text, before normalisation. */
export interface RawLink {
  raw: string;
  index: number;
}

/** Every link in `text` as written (trailing punctuation trimmed), in order of appearance. */
export function rawLinksIn(text: string): RawLink[] {
  let rest = linkSearchText(text);
  const found: RawLink[] = [];
  // Each pattern runs on the text with earlier finds blanked out, so a link is found once.
  const take = (pattern: RegExp, accept: (m: RegExpExecArray) => boolean = () => true): void => {
    const pieces: string[] = [];
    let cursor = 0;
    for (const m of rest.matchAll(pattern)) {
      if (!accept(m)) continue;
      const raw = trimTrailing(m[0]);
      if (raw.length === 0) continue;
      found.push({ raw, index: m.index });
      pieces.push(rest.slice(cursor, m.index), ' '.repeat(raw.length));
      cursor = m.index + raw.length;
    }
    pieces.push(rest.slice(cursor));
    rest = pieces.join('');
  };
  take(SCHEME_LINK);
  take(OPAQUE_LINK);
  take(WWW_LINK);
  take(BARE_IPV4);
  take(BARE_DOMAIN, (m) => {
    const tld = m[2]!;
    const tail = m[3];
    if (tld.toLowerCase().startsWith('xn--')) return true;
    if (NOT_DOMAINS.has(`${m[1]!}${tld}`.toLowerCase())) return false;
    if (!LINK_TLDS.has(tld.toLowerCase())) return false;
    if (tail !== undefined && tail.length > 0) return true;
    if (FILE_EXTENSION_TLDS.has(tld.toLowerCase())) return false;
    // "done.It works": a capitalised word after a full stop is a missing space.
    return !/^\p{Lu}\p{Ll}+$/u.test(tld);
  });
  return found.sort((a, b) => a.index - b.index);
}

function cleanQuery(params: URLSearchParams): string {
  const kept = [...params].filter(([name]) => !TRACKING_PARAM.test(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(kept).toString();
}

/** The scheme of a link as written, lowercased, or null for a bare `www.`/domain link. */
export function linkScheme(raw: string): string | null {
  const match = /^([a-z][a-z0-9+.\-]*):/i.exec(raw.trim());
  const scheme = match?.[1]?.toLowerCase();
  return scheme !== undefined && KNOWN_SCHEMES.has(scheme) ? scheme : null;
}

/**
 * The comparable form of a link: scheme lowercased (http becomes https, ws becomes wss; a bare
 * domain gets https), user info dropped, host lowercased and in punycode, a leading `www.` and a
 * trailing dot removed, default port removed, trailing slash removed, tracking parameters
 * (utm_*, fbclid, gclid…) removed and the rest sorted, fragment removed. Opaque links
 * (`mailto:`, `javascript:`, `data:`) are lowercased and trimmed; text that does not parse as a
 * URL comes back trimmed.
 */
export function normalizeLink(raw: string): string {
  const trimmed = linkSearchText(raw).trim();
  const scheme = linkScheme(trimmed);
  if (scheme !== null && OPAQUE_SCHEMES.has(scheme)) {
    return trimmed.toLowerCase().replace(/\s+/g, '');
  }
  const withScheme = scheme === null ? `https://${trimmed}` : `${scheme}://${trimmed.slice(scheme.length + 1).replace(/^[/\\]*/, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return trimmed;
  }
  const protocol = url.protocol === 'http:' ? 'https:' : url.protocol === 'ws:' ? 'wss:' : url.protocol;
  const host = url.hostname.replace(/\.$/, '').replace(/^www\./, '');
  const defaultPort = url.port === '' || ((protocol === 'https:' || protocol === 'wss:') && (url.port === '443' || url.port === '80'));
  const port = defaultPort ? '' : `:${url.port}`;
  const path = url.pathname.replace(/\/+$/, '').replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
  const query = cleanQuery(url.searchParams);
  if (protocol === 'tg:' && host === '') return `tg:${path}${query ? `?${query}` : ''}`;
  return `${protocol}//${host}${port}${path}${query ? `?${query}` : ''}`;
}

/**
 * The links in `text`, normalised ({@link normalizeLink}), each once, in order of appearance.
 * The drafting code collects allowed links with it from the knowledge passages and the member's
 * message; the output checks compare a draft's links with those.
 */
export function linksIn(text: string): string[] {
  return [...new Set(rawLinksIn(text).map((link) => normalizeLink(link.raw)))];
}

/** Host of a normalised link, or null for opaque and unparsable ones. */
export function linkHost(normalized: string): string | null {
  try {
    const url = new URL(normalized);
    return url.hostname === '' ? null : url.hostname;
  } catch {
    return null;
  }
}

/**
 * Whether a normalised link may appear in a draft: it is one of `allowed` (normalised), or it
 * is a parent of one on the same host without a query (the site's home page when a source links
 * a page of it). A dangerous scheme is never allowed.
 */
export function isLinkAllowed(normalized: string, allowed: ReadonlySet<string>): boolean {
  const scheme = linkScheme(normalized);
  if (scheme !== null && DANGEROUS_LINK_SCHEMES.has(scheme)) return false;
  if (allowed.has(normalized)) return true;
  if (normalized.includes('?') || linkHost(normalized) === null) return false;
  for (const candidate of allowed) {
    if (candidate.startsWith(`${normalized}/`) || candidate.startsWith(`${normalized}?`)) return true;
  }
  return false;
}
