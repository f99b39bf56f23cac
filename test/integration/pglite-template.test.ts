/**
 * The migrated PGlite template `npm ci` writes (src/db/pglite-template.ts): a new data dir is
 * copied from it instead of running initdb, ends up migrated and durable like one made by
 * initdb, and a template made for other migrations or another PGlite is never used.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { ensurePgliteTemplate, installPgliteTemplate, pgliteTemplateKey, pgliteTemplatePath } from '../../src/db/pglite-template.js';
import { MIGRATIONS_DIR } from '../../src/install-paths.js';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const migrationCount = () => (JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const appliedMigrations = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
  ((await db.sql.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations', [])).rows[0] as { n: number }).n;

/** A logger that keeps the messages it was given. */
function recordingLog() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg) });
  return { log, lines };
}

let shared: string | undefined;
afterAll(() => {
  if (shared) rmSync(shared, { recursive: true, force: true });
});
/** One template for the tests that only read it (making one runs initdb: seconds). */
async function sharedTemplate(): Promise<string> {
  if (!shared || !existsSync(shared)) {
    shared = mkdtempSync(path.join(tmpdir(), 'jamii-template-shared-'));
    await ensurePgliteTemplate(shared);
  }
  return shared;
}

describe('the PGlite template', () => {
  it('is made once per key, and a template of another key is never used', async () => {
    const parent = tempDir('jamii-template-');
    // A template of other migrations or another PGlite sits in the same directory.
    mkdirSync(path.join(parent, 'pglite-template-0000000000000000'));
    expect(installPgliteTemplate(parent, path.join(tempDir('jamii-data-'), 'pglite'))).toBe(false);

    const made = await ensurePgliteTemplate(parent);
    expect(made).toBe(pgliteTemplatePath(parent));
    expect(path.basename(made)).toBe(`pglite-template-${pgliteTemplateKey()}`);
    const version = statSync(path.join(made, 'PG_VERSION')).mtimeMs;
    await ensurePgliteTemplate(parent);
    expect(statSync(path.join(made, 'PG_VERSION')).mtimeMs).toBe(version);
    // Nothing of the work directory is left beside it.
    expect(existsSync(path.join(parent, `.pglite-template-${process.pid}`))).toBe(false);
  });

  it('starts a new data dir migrated, without initdb, and the data outlives a restart', async () => {
    const parent = await sharedTemplate();
    const dataDir = tempDir('jamii-data-');
    const { log, lines } = recordingLog();

    const db = await openDatabase({ databaseUrl: undefined, dataDir, log, newDataDir: (d) => installPgliteTemplate(parent, d) });
    try {
      expect(lines).toContain('db.new_data_dir_from_template');
      expect(lines).not.toContain('db.new_data_dir_initdb');
      expect(await appliedMigrations(db)).toBe(migrationCount());
      // initdb's template databases are not copied: Jamii never creates a database.
      expect((await db.sql.executeSql('select datname from pg_database order by datname', [])).rows).toEqual([{ datname: 'postgres' }]);
      await db.sql.executeSql(`insert into communities (id, name, language) values ('c1', 'C1', 'en')`, []);
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'pglite.partial'))).toBe(false);

    // The second start finds the directory: no template, no initdb.
    const again = recordingLog();
    const reopened = await openDatabase({ databaseUrl: undefined, dataDir, log: again.log, newDataDir: () => { throw new Error('the template is only for a new data dir'); } });
    try {
      expect(again.lines.filter((l) => l.startsWith('db.new_data_dir') || l.startsWith('db.template'))).toEqual([]);
      expect((await reopened.sql.executeSql('select name from communities', [])).rows).toEqual([{ name: 'C1' }]);
    } finally {
      await reopened.close();
    }
    // The template itself is untouched by the copy's writes.
    const fresh = tempDir('jamii-data-');
    const other = await openDatabase({ databaseUrl: undefined, dataDir: fresh, log: pino({ level: 'silent' }), newDataDir: (d) => installPgliteTemplate(parent, d) });
    try {
      expect((await other.sql.executeSql('select count(*)::int as n from communities', [])).rows).toEqual([{ n: 0 }]);
    } finally {
      await other.close();
    }
  });

  it('replaces what an interrupted first start left in the data dir', async () => {
    const parent = await sharedTemplate();
    const dataDir = tempDir('jamii-data-');
    // Half an initdb: files, but no PG_VERSION; and a half copy beside it.
    mkdirSync(path.join(dataDir, 'pglite', 'base'), { recursive: true });
    mkdirSync(path.join(dataDir, 'pglite.partial', 'global'), { recursive: true });
    const db = await openDatabase({ databaseUrl: undefined, dataDir, log: pino({ level: 'silent' }), newDataDir: (d) => installPgliteTemplate(parent, d) });
    try {
      expect(await appliedMigrations(db)).toBe(migrationCount());
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dataDir, 'pglite.partial'))).toBe(false);
  });

  it('falls back to initdb, with a warning, when the template cannot be copied', async () => {
    const dataDir = tempDir('jamii-data-');
    const { log, lines } = recordingLog();
    const db = await openDatabase({
      databaseUrl: undefined,
      dataDir,
      log,
      newDataDir: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    try {
      expect(lines).toEqual(expect.arrayContaining(['db.template_failed: making the data directory with initdb instead', 'db.new_data_dir_initdb']));
      expect(await appliedMigrations(db)).toBe(migrationCount());
    } finally {
      await db.close();
    }
  });

  it('uses initdb when there is no template for this install', async () => {
    const dataDir = tempDir('jamii-data-');
    const { log, lines } = recordingLog();
    const db = await openDatabase({ databaseUrl: undefined, dataDir, log, newDataDir: (d) => installPgliteTemplate(tempDir('jamii-empty-'), d) });
    try {
      expect(lines).toContain('db.new_data_dir_initdb');
      expect(await appliedMigrations(db)).toBe(migrationCount());
    } finally {
      await db.close();
    }
  });
});
