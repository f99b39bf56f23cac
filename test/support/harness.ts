/**
 * Starts Jamii in-process for tests: in-memory PGlite by default, or a fresh database on the
 * Postgres server named by TEST_DATABASE_URL; HTTP on a random loopback port; silent logs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { startJamii, type Jamii, type StartOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/core/ports.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { pgliteTemplateKey } from '../../src/db/pglite-template.js';
import { createStore } from '../../src/db/store.js';

let template: Promise<Blob> | undefined;

/**
 * A migrated, empty PGlite data directory, dumped once and cached in the temp dir (keyed by the
 * migrations and PGlite): every in-memory test database starts from it instead of running
 * initdb and the migrations again.
 */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = path.join(tmpdir(), `jamii-pglite-template-${pgliteTemplateKey()}.tar.gz`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const db = await openDatabase({ databaseUrl: undefined, dataDir: '', memory: true, log: pino({ level: 'silent' }) });
    const dump = await db.dump!();
    await db.close();
    // Written aside and renamed: parallel test workers never read half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return template;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Creates an empty database on the TEST_DATABASE_URL server and returns its URL. */
export async function freshPostgresUrl(): Promise<string> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  // Named after the run's own database, so CI can drop exactly the databases its run made.
  const base = new URL(TEST_DATABASE_URL).pathname.slice(1) || 'postgres';
  const name = `${base}_t_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link freshPostgresUrl}. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

export interface TestJamiiOptions {
  env?: Record<string, string>;
  /** 'pglite' (in memory), 'postgres' (fresh server database), or a DATABASE_URL to reuse. */
  database?: 'pglite' | 'postgres' | { url: string };
  start?: Partial<StartOptions>;
}

export interface TestJamii {
  jamii: Jamii;
  url: string;
  databaseUrl: string | undefined;
  post(chat: string, user: string, text: string, replyTo?: string): Promise<{ status: number; body: any }>;
  messages(chat: string): Promise<Array<{ id: string; user: string; text: string; replyTo: string | null; fromBot: boolean; at: string; card?: any }>>;
  action(user: string, action: string, text?: string): Promise<any>;
  stop(): Promise<void>;
}

export async function startTestJamii(options: TestJamiiOptions = {}): Promise<TestJamii> {
  let databaseUrl: string | undefined;
  if (options.database === 'postgres') databaseUrl = await freshPostgresUrl();
  else if (typeof options.database === 'object') databaseUrl = options.database.url;
  const config = loadConfig({
    JAMII_HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    JAMII_DATA_DIR: '/nonexistent-test-data-dir',
    JAMII_KNOWLEDGE_DIR: '/nonexistent-test-knowledge-dir',
    // Drafts at once; the burst tests set a window of their own.
    JAMII_BURST_WINDOW_SECONDS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const jamii = await startJamii(config, {
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    memoryDb: databaseUrl === undefined,
    ...(databaseUrl === undefined ? { pgliteTemplate: await pgliteTemplate() } : {}),
    ...options.start,
  });
  const url = jamii.url;
  return {
    jamii,
    url,
    databaseUrl,
    async post(chat, user, text, replyTo) {
      const res = await fetch(`${url}/api/sandbox/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat, user, text, ...(replyTo ? { replyTo } : {}) }) });
      return { status: res.status, body: await res.json() };
    },
    async messages(chat) {
      const res = await fetch(`${url}/api/sandbox/messages?chat=${encodeURIComponent(chat)}`);
      return ((await res.json()) as { messages: any[] }).messages;
    },
    async action(user, action, text) {
      const res = await fetch(`${url}/api/sandbox/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, action, ...(text ? { text } : {}) }) });
      return res.json();
    },
    async stop() {
      await jamii.stop();
      if (options.database === 'postgres' && databaseUrl) await dropPostgresDatabase(databaseUrl);
    },
  };
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * A store on a fresh database of `kind` with one community, for the repository tests that run on
 * each real database; `close` closes it and drops a Postgres database.
 */
export async function openTestStore(kind: 'pglite' | 'postgres', community: { id: string; name: string; language: string }): Promise<{ db: Database; store: Store; close(): Promise<void> }> {
  const url = kind === 'postgres' ? await freshPostgresUrl() : undefined;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', memory: true, log: pino({ level: 'silent' }), ...(kind === 'pglite' ? { pgliteLoadDataDir: await pgliteTemplate() } : {}) });
  const store = createStore({ db, communityOf: () => community.id, enqueuerFor: () => ({ enqueue: async () => undefined }) });
  await store.communities.upsert([community]);
  return {
    db,
    store,
    async close() {
      await db.close();
      if (url) await dropPostgresDatabase(url);
    },
  };
}
