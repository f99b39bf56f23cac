/**
 * Feed documents are decoded and parsed in a worker thread (feed-parse-worker.ts), so a large
 * feed never stalls the main thread: at the default 2 MB cap a feed dense with elements takes
 * feedsmith about a second, at 20 MB several seconds, during which no message, HTTP request or
 * platform heartbeat would be handled.
 *
 * One worker, started on the first parse, parses one document at a time (the others wait in
 * order); it is let go after {@link FEED_PARSE_WORKER_IDLE_MS} without work and never keeps the
 * process alive while idle. A parse that crashes the worker (an uncaught error, its heap limit)
 * or outlasts {@link FEED_PARSE_TIMEOUT_MS} fails that feed alone with a FeedError; the next
 * parse starts a fresh worker.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedError, type ParsedFeed } from '../core/news/news-types.js';
import type { Logger } from '../core/ports.js';
import { FEED_PARSE_WORKER_BUNDLE } from '../install-paths.js';
import type { ParseAnswer, ParseRequest } from './feed-parse-protocol.js';

/** The longest one document may take to parse before its worker is stopped and the feed fails. */
export const FEED_PARSE_TIMEOUT_MS = 60_000;
/** How long an idle worker is kept for the next parse. */
export const FEED_PARSE_WORKER_IDLE_MS = 60_000;
/** Heap a parse may use per MB of the feed cap (feedsmith holds about 25 MB per MB of a feed dense with elements). */
const HEAP_MB_PER_FEED_MB = 40;
const MIN_HEAP_MB = 256;

export interface FeedParseThread {
  /** Decodes (in the feed's own encoding) and parses a fetched document; throws a FeedError when it cannot. */
  parse(bytes: Uint8Array, contentType: string | null, url: string): Promise<ParsedFeed>;
  /** Stops the worker; parses waiting fail. */
  close(): Promise<void>;
}

/** What the worker runs: the built `dist/feed-parse-worker.js`, or a TypeScript source loaded through tsx. */
export type FeedParseWorkerEntry = { kind: 'module'; path: string } | { kind: 'typescript'; path: string };

/** The worker's entry: the bundle's when this code runs from dist/, the source file under tsx or vitest. */
export function defaultWorkerEntry(): FeedParseWorkerEntry {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { kind: 'typescript', path: path.join(path.dirname(here), 'feed-parse-worker.ts') };
  return { kind: 'module', path: FEED_PARSE_WORKER_BUNDLE };
}

/** The heap limit of the worker for a feed cap of `maxBytes`. */
export function workerHeapMb(maxBytes: number): number {
  return Math.max(MIN_HEAP_MB, Math.ceil((maxBytes / (1024 * 1024)) * HEAP_MB_PER_FEED_MB));
}

function startWorker(entry: FeedParseWorkerEntry, heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb };
  if (entry.kind === 'module') return new Worker(entry.path, { resourceLimits });
  // Sources only run with the dev dependencies installed: tsx compiles the worker as it does the main thread.
  const tsxApi = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs');
  const boot = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(entry.path).href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

interface Job {
  request: ParseRequest;
  resolve(feed: ParsedFeed): void;
  reject(error: FeedError): void;
}

export function createFeedParseThread(options: { maxBytes: number; entry?: FeedParseWorkerEntry | undefined; timeoutMs?: number | undefined }, deps: { log: Logger }): FeedParseThread {
  const entry = options.entry ?? defaultWorkerEntry();
  const heapMb = workerHeapMb(options.maxBytes);
  const timeoutMs = options.timeoutMs ?? FEED_PARSE_TIMEOUT_MS;
  const waiting: Job[] = [];
  let worker: Worker | null = null;
  let current: { job: Job; timer: NodeJS.Timeout } | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  let nextId = 1;
  let closed = false;

  /** Ends the job in progress (if it is `id`) and starts the next one. */
  function settle(id: number, outcome: { feed: ParsedFeed } | { error: FeedError }): void {
    if (!current || current.job.request.id !== id) return;
    clearTimeout(current.timer);
    const { job } = current;
    current = null;
    if ('feed' in outcome) job.resolve(outcome.feed);
    else job.reject(outcome.error);
    pump();
  }

  /** The worker is gone (crashed, out of memory, stopped): the job it held fails, the next parse starts another. */
  function lost(gone: Worker, error: FeedError, cause: unknown): void {
    if (worker !== gone) return;
    worker = null;
    if (current) deps.log.warn({ err: cause, url: current.job.request.url, code: error.code }, 'feed.parse_worker_lost');
    if (current) settle(current.job.request.id, { error });
  }

  function spawn(): Worker {
    const w = startWorker(entry, heapMb);
    w.on('message', (answer: ParseAnswer) => {
      for (const warning of answer.warnings) deps.log.warn(warning.fields, warning.msg);
      settle(answer.id, answer.ok ? { feed: answer.feed } : { error: new FeedError(answer.code, answer.message) });
    });
    w.on('error', (error: Error & { code?: string }) => {
      const message = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `parsing the feed needed more than ${heapMb} MB of memory` : 'the feed parser failed on this document';
      lost(w, new FeedError('feed_unparsable', message, { cause: error }), error);
    });
    w.on('exit', (code) => lost(w, new FeedError('feed_unparsable', 'the feed parser stopped while reading this document'), new Error(`feed parse worker exited with code ${code}`)));
    return w;
  }

  function pump(): void {
    if (current || closed) return;
    const job = waiting.shift();
    if (!job) {
      worker?.unref();
      idleTimer ??= setTimeout(() => {
        idleTimer = null;
        const idle = worker;
        worker = null;
        void idle?.terminate();
      }, FEED_PARSE_WORKER_IDLE_MS).unref();
      return;
    }
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    worker ??= spawn();
    worker.ref();
    const w = worker;
    const timer = setTimeout(() => {
      // A parse that does not end holds the worker: stop it, the next parse gets a fresh one.
      lost(w, new FeedError('feed_unparsable', `parsing the feed took longer than ${Math.round(timeoutMs / 1000)} s`), new Error('feed parse timed out'));
      void w.terminate();
    }, timeoutMs);
    current = { job, timer };
    w.postMessage(job.request);
  }

  return {
    parse(bytes, contentType, url) {
      if (closed) return Promise.reject(new FeedError('feed_unparsable', 'the feed parser was stopped'));
      return new Promise<ParsedFeed>((resolve, reject) => {
        waiting.push({ request: { id: nextId++, bytes, contentType, url }, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const stopping = new FeedError('feed_unparsable', 'the feed parser was stopped');
      for (const job of waiting.splice(0)) job.reject(stopping);
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      const w = worker;
      if (w) lost(w, stopping, stopping);
      await w?.terminate();
    },
  };
}
