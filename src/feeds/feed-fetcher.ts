/**
 * Fetches a feed over HTTP with Node's fetch: a deadline for the whole exchange, a streamed size
 * cap, conditional requests (ETag / Last-Modified), a User-Agent, the body decoded in the feed's
 * own encoding (feed-charset.ts), and redirects followed by hand
 * (at most {@link FEED_MAX_REDIRECTS}) so every hop is checked: only http(s), and no private,
 * loopback or link-local address unless `allowPrivateAddresses` (tests on loopback, feeds on an
 * intranet). The address check resolves the host before connecting; it does not pin the address
 * the connection then uses (a host that changes its DNS answer in between is not caught).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { FeedError, type FeedFetcher, type FeedValidators, type FetchOutcome } from '../core/news/news-types.js';
import type { Logger } from '../core/ports.js';
import { decodeFeed } from './feed-charset.js';
import { parseFeedText } from './feed-parser.js';

export const FEED_MAX_REDIRECTS = 5;
export const FEED_USER_AGENT = 'Jamii-FeedFetcher/0.1 (+https://github.com/jamii-bot/jamii)';
const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface FeedFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  allowPrivateAddresses: boolean;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** True for loopback, private, link-local, CGNAT, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // An IPv4-mapped address is judged as the IPv4 address it carries.
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (dotted) return isPrivateAddress(dotted[1]!);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return PRIVATE.check(address, 'ipv6');
  }
  return PRIVATE.check(address, 'ipv4');
}

/** Refuses anything but http(s) (and, unless allowed, hosts on private addresses). */
export async function checkFeedUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FeedError('feed_bad_url', `"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FeedError('feed_bad_url', `only http and https feeds are read, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new FeedError('feed_bad_url', 'feed URLs with a user name or password are refused');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (error) {
    throw new FeedError('feed_network', `cannot resolve ${host}`, { cause: error });
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) throw new FeedError('feed_blocked_address', `${host} is a private or local address`);
  return url;
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

export function createFeedFetcher(options: FeedFetcherOptions, deps: { log: Logger }): FeedFetcher {
  return {
    async fetch(raw: string, validators: FeedValidators): Promise<FetchOutcome> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new FeedError('feed_timeout', `no complete answer within ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
      try {
        let url = await checkFeedUrl(raw, options.allowPrivateAddresses);
        for (let hop = 0; ; hop++) {
          const headers: Record<string, string> = { 'user-agent': FEED_USER_AGENT, accept: ACCEPT };
          if (validators.etag) headers['if-none-match'] = validators.etag;
          if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
          const response = await fetch(url, { headers, redirect: 'manual', signal: controller.signal });
          if (response.status >= 300 && response.status < 400 && response.status !== 304) {
            await response.body?.cancel().catch(() => undefined);
            const location = response.headers.get('location');
            if (!location) throw new FeedError('feed_http_status', `HTTP ${response.status} without a Location`);
            if (hop >= FEED_MAX_REDIRECTS) throw new FeedError('feed_http_status', `more than ${FEED_MAX_REDIRECTS} redirects`);
            url = await checkFeedUrl(new URL(location, url).toString(), options.allowPrivateAddresses);
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
          const text = decodeFeed(bytes, response.headers.get('content-type'), { url: url.toString(), log: deps.log });
          return { kind: 'ok', feed: parseFeedText(text, url.toString()), etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
        }
      } catch (error) {
        if (error instanceof FeedError) throw error;
        if (controller.signal.aborted && controller.signal.reason instanceof FeedError) throw controller.signal.reason;
        throw new FeedError('feed_network', `cannot reach the feed (${(error as Error).message ?? 'network error'})`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
