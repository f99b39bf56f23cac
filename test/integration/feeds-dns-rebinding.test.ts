/**
 * DNS rebinding: a host whose DNS server answers a public address to the first question and a
 * private one afterwards. The fetcher once resolved the host to check it (node:dns/promises),
 * then let fetch resolve it again to connect. Here that first resolution answers a public
 * address; "localhost" really resolves to loopback when a connection resolves it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FeedError } from '../../src/core/news/news-types.js';
import { createFeedFetcher } from '../../src/feeds/feed-fetcher.js';
import { createRecordingLogger } from '../support/fakes.js';

vi.mock('node:dns/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns/promises')>();
  return { ...real, lookup: async () => [{ address: '93.184.216.34', family: 4 }] };
});

describe('feed fetcher and DNS rebinding', () => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel><title>Admin</title><item><title>internal</title><link>http://localhost/x</link></item></channel></rss>');
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('checks the address it connects to: a host that answered a public address first and loopback to the connection is refused before any request', async () => {
    const fetcher = createFeedFetcher({ timeoutMs: 2_000, maxBytes: 1024 * 1024, allowPrivateAddresses: false }, { log: createRecordingLogger() });
    const { port } = server.address() as AddressInfo;
    const error = await fetcher.fetch(`http://localhost:${port}/feed`, { etag: null, lastModified: null }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(FeedError);
    expect(error).toMatchObject({ code: 'feed_blocked_address', message: 'localhost is a private or local address' });
    expect(hits).toBe(0);
  });
});
