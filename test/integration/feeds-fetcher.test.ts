import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedError } from '../../src/core/news/news-types.js';
import { createFeedFetcher, FEED_USER_AGENT, isPrivateAddress } from '../../src/feeds/feed-fetcher.js';
import { CONTENT_TYPES, fixture, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { createRecordingLogger } from '../support/fakes.js';

let server: FakeFeedServer;
const log = createRecordingLogger();
const fetcher = createFeedFetcher({ timeoutMs: 1_000, maxBytes: 256 * 1024, allowPrivateAddresses: true }, { log });
const none = { etag: null, lastModified: null };

async function failure(promise: Promise<unknown>): Promise<FeedError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

beforeAll(async () => {
  server = await startFakeFeedServer();
  server.route('/rss', { kind: 'body', body: fixture('rss.xml'), contentType: CONTENT_TYPES.rss, etag: '"v1"' });
  server.route('/atom', { kind: 'body', body: fixture('atom.xml'), contentType: CONTENT_TYPES.atom });
  server.route('/json', { kind: 'body', body: fixture('feed.json'), contentType: CONTENT_TYPES.json });
  server.route('/malformed', { kind: 'body', body: fixture('malformed.xml'), contentType: 'text/html' });
  server.route('/huge', { kind: 'huge', bytes: 3 * 1024 * 1024 });
  server.route('/slow', { kind: 'stall' });
  server.route('/broken', { kind: 'status', status: 500 });
  server.route('/moved', { kind: 'status', status: 301, headers: { location: '/rss' } });
  server.route('/loop', { kind: 'status', status: 302, headers: { location: '/loop' } });
  server.route('/ru', { kind: 'body', body: windows1251(rss('windows-1251', 'Новости', 'Доставка дешевле')), contentType: `${CONTENT_TYPES.rss}; charset=windows-1251` });
  server.route('/es', { kind: 'body', body: Buffer.from(rss('ISO-8859-1', 'Noticias', 'Envío más barato en España'), 'latin1'), contentType: 'text/xml' });
  server.route('/utf16', { kind: 'body', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rss('UTF-16', 'Habari', 'Usafirishaji nafuu — ☕'), 'utf16le')]), contentType: CONTENT_TYPES.rss });
  server.route('/bom', { kind: 'body', body: Buffer.from(`\ufeff${rss('UTF-8', 'Kahawa', 'Café ☕ delivery')}`), contentType: `${CONTENT_TYPES.rss}; charset=ISO-8859-1` });
  server.route('/typo', { kind: 'body', body: rss('UTF-8', 'Kahawa', 'Café delivery'), contentType: `${CONTENT_TYPES.rss}; charset=utf-8x` });
});

function rss(encoding: string, title: string, item: string): string {
  return `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${title}</title><item><title>${item}</title><link>https://news.example/a</link></item></channel></rss>`;
}

/** ASCII and the basic Cyrillic letters in windows-1251 (Node encodes no legacy charset). */
function windows1251(text: string): Buffer {
  return Buffer.from(Array.from(text, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    throw new Error(`no windows-1251 byte for ${ch}`);
  }));
}
afterAll(() => server.close());

describe('feed fetcher', () => {
  it('reads an RSS 2.0 feed as plain text items with their links, sending a User-Agent', async () => {
    const outcome = await fetcher.fetch(server.url('/rss'), none);
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.feed.title).toBe('Nairobi Tech Wire');
    expect(outcome.etag).toBe('"v1"');
    expect(outcome.feed.items).toHaveLength(2);
    const [first] = outcome.feed.items;
    expect(first).toMatchObject({ guid: 'wire-1001', title: 'M-Pesa cuts fees for small merchants', link: 'https://wire.example/mpesa-fees?utm_source=rss&utm_medium=feed' });
    expect(first!.summary).toBe('Safaricom announced lower M-Pesa fees for merchants. Delivery businesses expect savings.');
    expect(first!.summary).not.toContain('alert');
    expect(first!.publishedAt?.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(server.requestsTo('/rss')[0]!.headers['user-agent']).toBe(FEED_USER_AGENT);
  });

  it('reads Atom and JSON Feed', async () => {
    const atom = await fetcher.fetch(server.url('/atom'), none);
    const json = await fetcher.fetch(server.url('/json'), none);
    if (atom.kind !== 'ok' || json.kind !== 'ok') throw new Error('expected both feeds');
    expect(atom.feed.title).toBe('Logistics Daily');
    expect(atom.feed.items.map((i) => i.guid)).toEqual(['urn:uuid:ld-1', 'urn:uuid:ld-2']);
    expect(atom.feed.items[0]!.summary).toBe('Merchants pay less from December.');
    expect(json.feed.title).toBe('Kahawa Blog');
    expect(json.feed.items[0]).toMatchObject({ guid: 'kb-1', link: 'https://kahawa.example/posts/new-roast', summary: 'Our new roast arrives with free delivery in Nairobi.' });
  });

  it('answers a conditional request with not_modified when the server says 304', async () => {
    const outcome = await fetcher.fetch(server.url('/rss'), { etag: '"v1"', lastModified: null });
    expect(outcome).toEqual({ kind: 'not_modified' });
    expect(server.requestsTo('/rss').at(-1)!.headers['if-none-match']).toBe('"v1"');
  });

  it('follows a redirect, and gives up on a redirect loop', async () => {
    expect((await fetcher.fetch(server.url('/moved'), none)).kind).toBe('ok');
    expect((await failure(fetcher.fetch(server.url('/loop'), none))).code).toBe('feed_http_status');
  });

  it('refuses a malformed feed, a huge feed, a slow feed and an HTTP error with clear codes', async () => {
    expect((await failure(fetcher.fetch(server.url('/malformed'), none))).code).toBe('feed_unparsable');
    const huge = await failure(fetcher.fetch(server.url('/huge'), none));
    expect(huge.code).toBe('feed_too_large');
    expect(huge.message).toContain('256 KB');
    expect((await failure(fetcher.fetch(server.url('/slow'), none))).code).toBe('feed_timeout');
    const broken = await failure(fetcher.fetch(server.url('/broken'), none));
    expect(broken).toMatchObject({ code: 'feed_http_status', message: 'HTTP 500' });
  });

  it('refuses non-http URLs, and loopback or private hosts unless allowed', async () => {
    const strict = createFeedFetcher({ timeoutMs: 1_000, maxBytes: 1024 * 1024, allowPrivateAddresses: false }, { log });
    expect((await failure(strict.fetch('file:///etc/passwd', none))).code).toBe('feed_bad_url');
    expect((await failure(strict.fetch(server.url('/rss'), none))).code).toBe('feed_blocked_address');
    expect((await failure(strict.fetch(server.url('/rss').replace('127.0.0.1', 'localhost'), none))).code).toBe('feed_blocked_address');
    expect((await failure(strict.fetch('http://[::ffff:10.0.0.1]/feed', none))).code).toBe('feed_blocked_address');
    expect(['127.0.0.1', '10.1.2.3', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1'].every(isPrivateAddress)).toBe(true);
    expect(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'].some(isPrivateAddress)).toBe(false);
  });

  it('reads a feed in the encoding its Content-Type names, else its XML declaration, a byte-order mark winning over both', async () => {
    const read = async (path: string) => {
      const outcome = await fetcher.fetch(server.url(path), none);
      if (outcome.kind !== 'ok') throw new Error(`expected ${path} to be read`);
      return `${outcome.feed.title} | ${outcome.feed.items[0]?.title}`;
    };
    expect(await read('/ru')).toBe('Новости | Доставка дешевле');
    expect(await read('/es')).toBe('Noticias | Envío más barato en España');
    expect(await read('/utf16')).toBe('Habari | Usafirishaji nafuu — ☕');
    expect(await read('/bom')).toBe('Kahawa | Café ☕ delivery');
  });

  it('reads a feed whose charset it does not know as UTF-8, with a warning', async () => {
    const outcome = await fetcher.fetch(server.url('/typo'), none);
    expect(outcome.kind === 'ok' && outcome.feed.items[0]?.title).toBe('Café delivery');
    expect(log.entries.find((e) => e.msg === 'feed.unknown_charset')).toMatchObject({ level: 'warn', obj: { charset: 'utf-8x', source: 'content-type', url: server.url('/typo') } });
  });
});
