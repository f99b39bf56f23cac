/**
 * Where the bench runs: a PGlite data dir in a temp folder (never in memory: the embedded
 * default writes to disk), or a fresh database on the DATABASE_URL server, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export interface TempDir {
  path: string;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface FreshPostgres {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the server named by `serverUrl`. */
export async function freshPostgresDatabase(serverUrl: string, prefix = 'jamii_bench'): Promise<FreshPostgres> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

/** Server version and the settings that decide what a commit costs. */
export async function describePostgres(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ name: string; setting: string }[]>`
      select name, setting from pg_settings
      where name in ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'wal_sync_method')
      order by name`;
    const s = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    return `PostgreSQL ${s.server_version} (fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, wal_sync_method=${s.wal_sync_method})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
