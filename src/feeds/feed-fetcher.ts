/**
 * Fetches a feed over HTTP with undici's fetch: a deadline for the whole exchange, a streamed size
 * cap, conditional requests (ETag / Last-Modified), a User-Agent, the body decoded in the feed's
 * own encoding (feed-charset.ts), and redirects followed by hand
 * (at most {@link FEED_MAX_REDIRECTS}) so every hop is checked: only http(s), and no address that
 * is not public unicast (private-address.ts) unless `allowPrivateAddresses` (tests on loopback,
 * feeds on an intranet). The address check is made on the resolution the connection uses (the dispatcher's
 * `lookup`), so a host whose DNS answer changes between a check and the connection (DNS
 * rebinding) is checked on the answer it is connected to; an address written in the URL is
 * checked before the request. The body is decoded and parsed in a worker thread
 * (feed-parse-thread.ts), so a large feed does not stall the main thread.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import { FeedError, type FeedFetcher, type FeedValidators, type FetchOutcome } from '../core/news/news-types.js';
import type { Logger } from '../core/ports.js';
import { createFeedParseThread, type FeedParseThread } from './feed-parse-thread.js';
import { isPrivateAddress } from './private-address.js';

export { isPrivateAddress } from './private-address.js';

export const FEED_MAX_REDIRECTS = 5;
export const FEED_USER_AGENT = 'Jamii-FeedFetcher/0.1 (+https://github.com/jamii-bot/jamii)';
const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface FeedFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  allowPrivateAddresses: boolean;
}

function blocked(host: string): FeedError {
  return new FeedError('feed_blocked_address', `${host} is a private or local address`);
}

/**
 * Resolves as Node does, and refuses a host any of whose addresses is private: given to the
 * connection as its `lookup`, the addresses checked are the addresses connected to.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) return callback(blocked(hostname), '');
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    callback(null, first!.address, first!.family);
  });
};

/**
 * Refuses anything but http(s), and, unless allowed, an address written in the URL that is
 * private (a host name is checked when the connection resolves it: {@link publicOnlyLookup}).
 */
export function checkFeedUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FeedError('feed_bad_url', `"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FeedError('feed_bad_url', `only http and https feeds are read, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new FeedError('feed_bad_url', 'feed URLs with a user name or password are refused');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) throw blocked(host);
  return url;
}

/** The FeedError a failed fetch carries in its causes (the lookup's refusal), if any. */
function feedErrorIn(error: unknown): FeedError | null {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof FeedError) return e;
  return null;
}

/** The innermost reason a fetch failed ("getaddrinfo ENOTFOUND feeds.example"), not undici's "fetch failed". */
function networkReason(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error && e.message ? e.message : 'network error';
}

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number, controller: AbortController): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw new FeedError('feed_too_large', `the feed is larger than ${Math.round(maxBytes / 1024)} KB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** `parser`: where documents are parsed (by default a worker thread of this fetcher's own). */
export function createFeedFetcher(options: FeedFetcherOptions, deps: { log: Logger; parser?: FeedParseThread | undefined }): FeedFetcher {
  const parser = deps.parser ?? createFeedParseThread({ maxBytes: options.maxBytes }, { log: deps.log });
  // Every connection, redirects' included, resolves through the address check.
  const dispatcher = new Agent(options.allowPrivateAddresses ? {} : { connect: { lookup: publicOnlyLookup } });
  return {
    async fetch(raw: string, validators: FeedValidators): Promise<FetchOutcome> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new FeedError('feed_timeout', `no complete answer within ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
      try {
        let url = checkFeedUrl(raw, options.allowPrivateAddresses);
        for (let hop = 0; ; hop++) {
          const headers: Record<string, string> = { 'user-agent': FEED_USER_AGENT, accept: ACCEPT };
          if (validators.etag) headers['if-none-match'] = validators.etag;
          if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
          const response = await fetch(url, { headers, redirect: 'manual', signal: controller.signal, dispatcher });
          if (response.status >= 300 && response.status < 400 && response.status !== 304) {
            await response.body?.cancel().catch(() => undefined);
            const location = response.headers.get('location');
            if (!location) throw new FeedError('feed_http_status', `HTTP ${response.status} without a Location`);
            if (hop >= FEED_MAX_REDIRECTS) throw new FeedError('feed_http_status', `more than ${FEED_MAX_REDIRECTS} redirects`);
            url = checkFeedUrl(new URL(location, url).toString(), options.allowPrivateAddresses);
            continue;
          }
          if (response.status === 304) {
            await response.body?.cancel().catch(() => undefined);
            return { kind: 'not_modified' };
          }
          if (!response.ok) {
            await response.body?.cancel().catch(() => undefined);
            throw new FeedError('feed_http_status', `HTTP ${response.status}`);
          }
          const declared = Number(response.headers.get('content-length') ?? NaN);
          if (Number.isFinite(declared) && declared > options.maxBytes) {
            await response.body?.cancel().catch(() => undefined);
            throw new FeedError('feed_too_large', `the feed is larger than ${Math.round(options.maxBytes / 1024)} KB`);
          }
          const bytes = await readCapped(response.body, options.maxBytes, controller);
          const feed = await parser.parse(bytes, response.headers.get('content-type'), url.toString());
          return { kind: 'ok', feed, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
        }
      } catch (error) {
        const refused = feedErrorIn(error);
        if (refused) throw refused;
        if (controller.signal.aborted && controller.signal.reason instanceof FeedError) throw controller.signal.reason;
        throw new FeedError('feed_network', `cannot reach the feed (${networkReason(error)})`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
