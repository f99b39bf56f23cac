import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../src/config.js';
import { withinHours } from '../../../../src/core/sparks/spark-service.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jamii-sparks-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function loadWith(sparks: string) {
  const file = path.join(dir, 'communities.yaml');
  writeFileSync(file, `communities:\n  - id: kilimo\n    name: Kilimo\n${sparks}`);
  return loadConfig({ JAMII_CONFIG: file }, dir);
}

describe('sparks: in the community file', () => {
  it('is off when absent', () => {
    expect(loadWith('').communities[0]!.sparks).toBeUndefined();
  });

  it('reads mode, quiet factor, hours and the daily cap', () => {
    const c = loadWith('    sparks:\n      enabled: true\n      mode: auto\n      quiet_factor: 0.3\n      hours: 20-2\n      max_per_day: 2\n');
    expect(c.communities[0]!.sparks).toEqual({ enabled: true, mode: 'auto', quietFactor: 0.3, hours: { from: 20, to: 2 }, maxPerDay: 2 });
  });

  it('names each bad value and the fix', () => {
    let problems: string[] = [];
    try {
      loadWith('    sparks:\n      enabled: yes please\n      mode: sometimes\n      quiet_factor: 3\n      hours: 9 to 5\n');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems.some((p) => p.includes('sparks.mode'))).toBe(true);
    expect(problems.some((p) => p.includes('sparks.quiet_factor') && p.includes('at most 1'))).toBe(true);
    expect(problems.some((p) => p.includes('sparks.hours') && p.includes('e.g. 9-21'))).toBe(true);
    expect(problems.some((p) => p.includes('sparks.enabled'))).toBe(true);
  });

  it('allows sparks inside the hours, including a range over midnight', () => {
    expect(withinHours({ from: 9, to: 21 }, 9)).toBe(true);
    expect(withinHours({ from: 9, to: 21 }, 21)).toBe(false);
    expect(withinHours({ from: 20, to: 2 }, 23)).toBe(true);
    expect(withinHours({ from: 20, to: 2 }, 1)).toBe(true);
    expect(withinHours({ from: 20, to: 2 }, 12)).toBe(false);
    expect(withinHours(null, 3)).toBe(true);
  });

  it('treats hours 0-24 as all day and 9-24 as until midnight', () => {
    const allowed = (hours: string) => {
      const settings = loadWith(`    sparks:\n      enabled: true\n      hours: ${hours}\n`).communities[0]!.sparks!;
      return Array.from({ length: 24 }, (_, h) => h).filter((h) => withinHours(settings.hours, h));
    };
    expect(allowed('0-24')).toHaveLength(24);
    expect(allowed('9-24')).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(allowed('05-9')).toEqual([5, 6, 7, 8]);
  });

  it('refuses FROM and TO that are the same hour written differently, naming sparks.hours', () => {
    for (const hours of ['05-5', '0-00', '7-7']) {
      let problems: string[] = [];
      try {
        loadWith(`    sparks:\n      enabled: true\n      hours: ${hours}\n`);
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      expect(problems.some((p) => p.includes('sparks.hours') && p.includes('must be different hours')), hours).toBe(true);
    }
  });
});
