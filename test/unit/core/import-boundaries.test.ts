/**
 * src/core imports no SDK, no driver and nothing outside src/core: connectors and adapters
 * depend on the core, never the other way round.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE_DIR = fileURLToPath(new URL('../../../src/core', import.meta.url));

/** Named explicitly so a violation reads as what it is. */
const FORBIDDEN_PACKAGES = ['grammy', 'discord.js', '@slack/bolt', 'openai', 'drizzle-orm', 'postgres', '@electric-sql/pglite', 'pg-boss', 'pino'];

const SPECIFIER_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, // import x from '…', export { x } from '…'
  /\bimport\s*['"]([^'"]+)['"]/g, // import '…' (side effects)
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('…')
];

/** Every module specifier a TypeScript source refers to. */
function importSpecifiers(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return SPECIFIER_PATTERNS.flatMap((pattern) => [...withoutComments.matchAll(pattern)].map((m) => m[1]!));
}

/** Why `specifier`, imported by `file`, breaks the boundary of `coreDir`; null when it does not. */
function boundaryViolation(file: string, specifier: string, coreDir: string = CORE_DIR): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(file), specifier);
    const relative = path.relative(coreDir, target);
    return relative.startsWith('..') || path.isAbsolute(relative) ? `reaches outside src/core (${specifier})` : null;
  }
  const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  if (FORBIDDEN_PACKAGES.includes(pkg)) return `imports the SDK/driver "${pkg}"`;
  return `imports the package "${specifier}" (the core depends on nothing outside src/core)`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('src/core import boundaries', () => {
  it('imports no SDK, no driver and nothing outside src/core', () => {
    const files = sourceFiles(CORE_DIR);
    expect(files.length).toBeGreaterThan(5);
    const violations = files.flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = boundaryViolation(file, specifier);
        return why ? [`${path.relative(CORE_DIR, file)}: ${why}`] : [];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('sees every form of import the check relies on', () => {
    const source = [
      "import { Bot } from 'grammy';",
      "import type { Client } from 'discord.js';",
      "export { App } from '@slack/bolt';",
      "import 'pg-boss';",
      "const m = await import('drizzle-orm/pg-core');",
      "const p = require('postgres');",
      "import {\n  a,\n  b,\n} from '../db/store.js';",
      "// import { x } from 'pino';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['grammy', 'discord.js', '@slack/bolt', '../db/store.js', 'pg-boss', 'drizzle-orm/pg-core', 'postgres']);
  });

  it('flags the SDKs and drivers by name, other packages, and relative paths escaping core', () => {
    const file = path.join(CORE_DIR, 'commands', 'command-registry.ts');
    for (const pkg of FORBIDDEN_PACKAGES) expect(boundaryViolation(file, pkg)).toBe(`imports the SDK/driver "${pkg}"`);
    expect(boundaryViolation(file, '@electric-sql/pglite/worker')).toBe('imports the SDK/driver "@electric-sql/pglite"');
    expect(boundaryViolation(file, 'zod')).toMatch(/imports the package "zod"/);
    expect(boundaryViolation(file, 'node:fs')).toMatch(/imports the package "node:fs"/);
    expect(boundaryViolation(file, '../../db/store.js')).toBe('reaches outside src/core (../../db/store.js)');
    expect(boundaryViolation(file, '../errors.js')).toBeNull();
    expect(boundaryViolation(file, './command-parser.js')).toBeNull();
  });
});
