/**
 * A migrated, empty PGlite data directory that a new embedded database is copied from, instead
 * of running initdb (about 4 s, and a 450 MB WASM instance of its own that the process never
 * fully gives back) and every migration. `npm ci` makes one in dist/ (the `prepare` script:
 * `node src/build.mjs --template`).
 *
 * Its name carries a key of everything it depends on: the migrations, PGlite's version and its
 * start parameters. A template made for other migrations or another PGlite is never used;
 * without a matching one, a new data directory is made by initdb as before.
 */
import { createHash } from 'node:crypto';
import { constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { INSTALL_ROOT, MIGRATIONS_DIR } from '../install-paths.js';
import { createJobQueue } from '../jobs/job-queue.js';
import { openDatabase } from './database.js';

/** initdb's template databases, dropped from the template (see ensurePgliteTemplate). */
export const TEMPLATE_DATABASES_DROPPED = ['template0', 'template1'] as const;

/** Where `npm ci` (the build with --template) leaves the template new data dirs are copied from. */
export const SHIPPED_TEMPLATE_DIR = path.join(INSTALL_ROOT, 'dist');

/** An installed package's version, from its own package.json (found above its entry point). */
function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    for (let dir = path.dirname(require.resolve(name)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    }
  } catch {
    // Unknown version: the key still changes with the start parameters and the migrations.
  }
  return 'unknown';
}

/** Changes when the way a template is made changes (2: without template0 and template1). */
const TEMPLATE_FORMAT = '2';

/** A digest of the migrations, the PGlite and pg-boss versions, PGlite's start parameters and the template format. */
export function pgliteTemplateKey(): string {
  const hash = createHash('sha256').update(TEMPLATE_FORMAT);
  for (const f of readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    if (f.endsWith('.sql') || f.endsWith('.json')) hash.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  }
  hash.update(packageVersion('@electric-sql/pglite')).update(packageVersion('pg-boss'));
  hash.update(JSON.stringify((PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams));
  return hash.digest('hex').slice(0, 16);
}

/** This install's template directory under `parent` (it may not exist). */
export function pgliteTemplatePath(parent: string): string {
  return path.join(parent, `pglite-template-${pgliteTemplateKey()}`);
}

/**
 * Makes this install's template under `parent` unless it is there: initdb, every migration and
 * the job queue's schema (pg-boss installs its tables at its first start) on a directory of its
 * own, closed cleanly (a shutdown checkpoint: a copy opens without recovery), then renamed into
 * place, so a reader never sees half of one.
 */
export async function ensurePgliteTemplate(parent: string): Promise<string> {
  const target = pgliteTemplatePath(parent);
  if (existsSync(path.join(target, 'PG_VERSION'))) return target;
  const work = path.join(parent, `.pglite-template-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    const log = pino({ level: 'silent' });
    const db = await openDatabase({ databaseUrl: undefined, dataDir: work, log });
    try {
      const queue = await createJobQueue({ db, log, supervise: false });
      await queue.stop(5_000);
      // Jamii lives in the `postgres` database; initdb's template0 and template1 are only ever
      // read by CREATE DATABASE, which an embedded Jamii never runs. Without them the template
      // has 600 fewer files (of about 1,150), and copying files is most of a first start's cost.
      for (const name of TEMPLATE_DATABASES_DROPPED) {
        await db.sql.executeSql(`alter database ${name} is_template false`, []);
        await db.sql.executeSql(`drop database ${name}`, []);
      }
    } finally {
      await db.close();
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(path.join(work, 'pglite'), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/**
 * Makes `dir` (absent, or left without PG_VERSION by an interrupted first start) a new data
 * directory: a copy of this install's template under `parent`. False when there is none.
 * Copied beside `dir` and renamed into place: a crash midway never leaves half a database.
 */
export function installPgliteTemplate(parent: string, dir: string): boolean {
  const template = pgliteTemplatePath(parent);
  if (!existsSync(path.join(template, 'PG_VERSION'))) return false;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    mkdirSync(path.dirname(dir), { recursive: true });
    // A copy-on-write clone where the file system has them (btrfs, XFS), a plain copy elsewhere.
    cpSync(template, partial, { recursive: true, mode: constants.COPYFILE_FICLONE });
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return true;
}
