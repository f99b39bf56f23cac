/**
 * Feed text (RSS 2.0, RSS 1.0/RDF, Atom, JSON Feed) to the core's ParsedFeed, with feedsmith
 * doing the format work. Item text is reduced to plain text; items without a usable link are
 * dropped (a post always carries its link).
 */
import { parseFeed } from 'feedsmith';
import { FeedError, type ParsedFeed, type ParsedItem } from '../core/news/news-types.js';
import { htmlToText, truncate } from '../core/news/news-text.js';

export const ITEM_TITLE_MAX_CHARS = 300;
export const ITEM_SUMMARY_MAX_CHARS = 1_000;
/** Items read from one feed document (the newest first, as feeds list them). */
export const FEED_ITEMS_MAX = 100;

interface RawItem {
  guid: string | undefined;
  link: string | undefined;
  title: string | undefined;
  summary: string | undefined;
  date: string | undefined;
}

/** Control characters other than tab, line feed and carriage return: Postgres refuses NUL in text, and none belongs in an id or a link. */
const CONTROL_CHARS = /[^\P{Cc}\t\n\r]/gu;

/** A guid or link as text, without control characters (JSON Feed ids may carry any). */
function cleanId(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).replace(CONTROL_CHARS, '');
}

function toDate(value: string | undefined): Date | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

function absolute(link: string | undefined, base: string): string | null {
  if (!link) return null;
  try {
    return new URL(link.trim(), base).toString();
  } catch {
    return null;
  }
}

function rawItems(text: string): { title: string | undefined; items: RawItem[] } {
  const trimmed = text.trimStart();
  // JSON Feed is JSON: feedsmith takes it parsed.
  const input: unknown = trimmed.startsWith('{') ? JSON.parse(trimmed) : text;
  const parsed = parseFeed(input);
  switch (parsed.format) {
    case 'rss':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((i) => ({
          guid: i.guid?.value,
          link: i.link ?? (i.guid?.isPermaLink !== false ? i.guid?.value : undefined),
          title: i.title,
          summary: i.description ?? i.content?.encoded,
          date: i.pubDate ?? i.dc?.dates?.[0],
        })),
      };
    case 'rdf':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((i) => ({ guid: i.rdf?.about ?? i.link, link: i.link, title: i.title, summary: i.description, date: i.dc?.dates?.[0] })),
      };
    case 'atom':
      return {
        title: parsed.feed.title?.value,
        items: (parsed.feed.entries ?? []).map((e) => ({
          guid: e.id,
          link: (e.links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href ?? e.links?.[0]?.href,
          title: e.title?.value,
          summary: e.summary?.value ?? e.content?.value,
          date: e.published ?? e.updated,
        })),
      };
    case 'json':
      return {
        title: parsed.feed.title,
        items: (parsed.feed.items ?? []).map((i) => ({
          guid: i.id === undefined ? undefined : String(i.id),
          link: i.url ?? i.external_url,
          title: i.title,
          summary: i.summary ?? i.content_text ?? i.content_html,
          date: i.date_published ?? i.date_modified,
        })),
      };
  }
}

/** Parses a feed document fetched from `url` (relative links resolve against it). */
export function parseFeedText(text: string, url: string): ParsedFeed {
  let raw: ReturnType<typeof rawItems>;
  try {
    raw = rawItems(text);
  } catch (error) {
    throw new FeedError('feed_unparsable', 'the document is not an RSS, Atom or JSON feed', { cause: error });
  }
  const items: ParsedItem[] = [];
  for (const r of raw.items.slice(0, FEED_ITEMS_MAX)) {
    const link = absolute(cleanId(r.link), url);
    const title = htmlToText(String(r.title ?? ''), ITEM_TITLE_MAX_CHARS).replace(/\n/g, ' ');
    const summary = htmlToText(String(r.summary ?? ''), ITEM_SUMMARY_MAX_CHARS);
    if (!link || (!title && !summary)) continue;
    items.push({ guid: truncate(cleanId(r.guid) || link, 500), link, title: title || truncate(summary.replace(/\n/g, ' '), 120), summary, publishedAt: toDate(r.date) });
  }
  const title = raw.title === undefined ? null : htmlToText(String(raw.title), ITEM_TITLE_MAX_CHARS) || null;
  return { title, items };
}
