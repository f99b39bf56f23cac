/**
 * What the configuration tests share: an empty working directory per test, loading with an
 * explicit environment, and the problems a ConfigError names.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The working directory of the running test (made afresh, removed after). */
export let dir: string;

/** Call once at the top of a test file. */
export function useConfigDir(): void {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
}

/** Loads with `env` only, from an empty working directory (no stray jamii.config.yaml). */
export const load = (env: Record<string, string> = {}, cwd = dir): Config => loadConfig(env, cwd);

export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

export function writeCommunities(yaml: string, name = 'communities.yaml'): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}
