/**
 * The build: src/main.ts and everything it imports, npm packages included, bundled by esbuild
 * into dist/ (ESM, code-split so a platform SDK loads only when its connector is configured).
 * One bundle instead of ~1,500 module files takes Node about half a second less to load, which
 * is most of what `npm start` waits for besides the database.
 *
 * Kept out of the bundle: packages that find their own files next to their code at run time
 * (PGlite's WASM and extension bundles, resvg's native binary) and pino (its transports load
 * worker files by path).
 *
 * `node src/build.mjs` builds; `isBuildStale()` tells `src/start.mjs` whether it must.
 * `node src/build.mjs --template` (npm's `prepare`, run by `npm ci`) also writes the migrated
 * PGlite template a new embedded database starts from (src/db/pglite-template.ts); a rebuild
 * keeps it.
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const DIST = path.join(ROOT, 'dist');
/** Written last: its mtime is when the bundle in dist/ was complete. */
const STAMP = path.join(DIST, '.built');
/** The sandbox page and the style sheet and script it loads (`sandbox-page.*`), copied as they are. */
const SANDBOX_DIR = path.join(ROOT, 'src', 'connectors', 'sandbox');

export const EXTERNAL_PACKAGES = ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@resvg/resvg-js', 'pino', 'pino-pretty', 'thread-stream'];

/** Newest modification time among the build's inputs: the sources and the installed packages. */
function newestInput() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  // An image that ships dist/ alone (the Dockerfile's) has no sources to compare.
  if (existsSync(path.join(ROOT, 'src'))) visit(path.join(ROOT, 'src'));
  for (const file of ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')]) {
    const full = path.join(ROOT, file);
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing, incomplete, or older than a source file or the installed packages. */
export function isBuildStale() {
  if (!existsSync(STAMP)) return true;
  return newestInput() > statSync(STAMP).mtimeMs;
}

/** Templates survive a rebuild: their names carry what they depend on (pglite-template.ts). */
const isTemplate = (name) => /^pglite-template-[0-9a-f]+$/.test(name);

export async function build(options = {}) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  for (const entry of readdirSync(DIST)) if (!isTemplate(entry)) rmSync(path.join(DIST, entry), { recursive: true, force: true });
  await esbuild({
    absWorkingDir: ROOT,
    // The feed parser's worker thread is an entry of its own: src/feeds/feed-parse-thread.ts starts dist/feed-parse-worker.js.
    entryPoints: { main: 'src/main.ts', 'pglite-template': 'src/db/pglite-template.ts', 'feed-parse-worker': 'src/feeds/feed-parse-worker.ts' },
    outdir: DIST,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL_PACKAGES,
    // Packages check class names (node-fetch, under grammY, wants its signal's class to be named
    // "AbortSignal"; esbuild would rename the polyfill's to avoid the global): keep every name.
    keepNames: true,
    // Bundled CommonJS packages call require() for Node's built-ins: give ESM one.
    banner: { js: "import { createRequire as __jamiiCreateRequire } from 'node:module'; const require = __jamiiCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const name of readdirSync(SANDBOX_DIR).filter((n) => n.startsWith('sandbox-page.'))) cpSync(path.join(SANDBOX_DIR, name), path.join(DIST, name));
  if (options.template) {
    const { ensurePgliteTemplate, pgliteTemplatePath, SHIPPED_TEMPLATE_DIR } = await import(pathToFileURL(path.join(DIST, 'pglite-template.js')).href);
    // Only the current key's template is kept: older ones belong to other migrations or PGlite versions.
    const current = path.basename(pgliteTemplatePath(SHIPPED_TEMPLATE_DIR));
    for (const entry of readdirSync(DIST)) if (isTemplate(entry) && entry !== current) rmSync(path.join(DIST, entry), { recursive: true, force: true });
    await ensurePgliteTemplate(SHIPPED_TEMPLATE_DIR);
  }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build({ template: process.argv.includes('--template') });
}
