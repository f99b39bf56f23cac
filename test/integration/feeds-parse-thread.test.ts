/**
 * Feeds are parsed off the main thread: a large feed does not stall timers (and so messages, HTTP
 * requests and platform heartbeats), and a parse that crashes or hangs its worker fails that feed
 * alone, never the process.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedError } from '../../src/core/news/news-types.js';
import { createFeedFetcher } from '../../src/feeds/feed-fetcher.js';
import { createFeedParseThread } from '../../src/feeds/feed-parse-thread.js';
import { CONTENT_TYPES, FEED_FIXTURES, startFakeFeedServer, type FakeFeedServer } from '../support/fake-feed-server.js';
import { createRecordingLogger } from '../support/fakes.js';

const MB = 1024 * 1024;

/** An Atom feed of `bytes`, dense with small entries: what keeps feedsmith busy longest per byte (about a second for 4 MB). */
function denseAtom(bytes: number): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Dense wire</title>'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const entry = `<entry><id>urn:dense:${i}</id><title>Delivery story ${i}</title><link href="https://dense.example/${i}"/><updated>2026-11-27T05:00:00Z</updated><summary>Short</summary><category term="a"/><category term="b"/></entry>`;
    parts.push(entry);
    size += entry.length;
  }
  parts.push('</feed>');
  return parts.join('');
}

/** The longest gap between the ticks of a 10 ms timer while `work` runs. */
async function longestTimerGap(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('feed parsing in a worker thread', () => {
  let server: FakeFeedServer;
  const log = createRecordingLogger();

  beforeAll(async () => {
    server = await startFakeFeedServer();
    server.route('/dense', { kind: 'body', body: denseAtom(4 * MB), contentType: CONTENT_TYPES.atom });
  });
  afterAll(() => server.close());

  it('keeps the event loop running timers while a large feed parses', async () => {
    const fetcher = createFeedFetcher({ timeoutMs: 30_000, maxBytes: 8 * MB, allowPrivateAddresses: true }, { log });
    // The first parse also starts the worker: warm it up on the same feed.
    await fetcher.fetch(server.url('/dense'), { etag: null, lastModified: null });
    let parsed: Awaited<ReturnType<typeof fetcher.fetch>> | null = null;
    const gap = await longestTimerGap(async () => {
      parsed = await fetcher.fetch(server.url('/dense'), { etag: null, lastModified: null });
    });
    expect(parsed).toMatchObject({ kind: 'ok', feed: { title: 'Dense wire' } });
    expect((parsed as { feed: { items: unknown[] } } | null)?.feed.items[0]).toMatchObject({ guid: 'urn:dense:0', link: 'https://dense.example/0', title: 'Delivery story 0' });
    // Parsed on the main thread, this feed holds the timer for about a second (more on a loaded machine).
    expect(gap).toBeLessThan(400);
  });

  describe('when the worker misbehaves', () => {
    const thread = createFeedParseThread({ maxBytes: MB, entry: { kind: 'module', path: path.join(FEED_FIXTURES, 'misbehaving-parse-worker.mjs') }, timeoutMs: 2_000 }, { log });
    afterAll(() => thread.close());
    const parse = (url: string) => thread.parse(new TextEncoder().encode('<rss/>'), null, url);
    const failure = async (url: string) => {
      const error = await parse(url).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(FeedError);
      return error as FeedError;
    };

    it('fails the feed whose parse throws in the worker, and parses the next feed in a fresh worker', async () => {
      expect(await failure('https://feeds.example/throw')).toMatchObject({ code: 'feed_unparsable', message: 'the feed parser failed on this document' });
      expect(await parse('https://feeds.example/next')).toEqual({ title: 'parsed https://feeds.example/next', items: [] });
    });

    it('fails the feed whose parse ends the worker, and only that feed among those waiting', async () => {
      const results = await Promise.allSettled(['/a', '/exit', '/b'].map((p) => parse(`https://feeds.example${p}`)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'feed_unparsable', message: 'the feed parser stopped while reading this document' });
    });

    it('stops a parse that does not end, fails that feed, and goes on with the next', async () => {
      const [hung, next] = await Promise.allSettled([parse('https://feeds.example/hang'), parse('https://feeds.example/after')]);
      expect(hung).toMatchObject({ status: 'rejected', reason: { code: 'feed_unparsable', message: 'parsing the feed took longer than 2 s' } });
      expect(next).toMatchObject({ status: 'fulfilled', value: { title: 'parsed https://feeds.example/after' } });
    });
  });
});
