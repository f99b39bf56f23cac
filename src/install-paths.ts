/**
 * Where Jamii's own files are, wherever its code runs from: the TypeScript sources (src/…, under
 * tsx or vitest) or the bundle `npm run build` writes (dist/main.js and dist/chunks/…). Both sit
 * under the install's root: the nearest directory above this module holding package.json.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Jamii's install root (a directory with package.json) was not found above ${from}`);
  }
}

export const INSTALL_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** `prompts/<name>.md`: shipped next to src/ and dist/. */
export const PROMPTS_DIR = path.join(INSTALL_ROOT, 'prompts');
/** drizzle-kit's migrations. */
export const MIGRATIONS_DIR = path.join(INSTALL_ROOT, 'drizzle');

/** The feed parser's worker thread as the build writes it (src/feeds/feed-parse-worker.ts, bundled). */
export const FEED_PARSE_WORKER_BUNDLE = path.join(INSTALL_ROOT, 'dist', 'feed-parse-worker.js');

/** The files of the sandbox page, which the build copies into dist/ as they are. */
export const SANDBOX_PAGE_FILES = ['sandbox-page.html', 'sandbox-page.css', 'sandbox-page.js'] as const;

/** A file of the sandbox page: read from the sources where they exist, else the copy the build put in dist/. */
export function sandboxPageFile(name: (typeof SANDBOX_PAGE_FILES)[number]): string {
  const source = path.join(INSTALL_ROOT, 'src', 'connectors', 'sandbox', name);
  return existsSync(source) ? source : path.join(INSTALL_ROOT, 'dist', name);
}
