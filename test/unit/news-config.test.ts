import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function load(yaml: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'jamii-news-config-'));
  const file = path.join(dir, 'jamii.config.yaml');
  writeFileSync(file, yaml);
  return loadConfig({ JAMII_CONFIG: file, ...env }, dir);
}

/** The problems a configuration is refused with. */
function problemsOf(loadIt: () => unknown): string[] {
  try {
    loadIt();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const BASE = `communities:
  - id: acme
    name: Acme
    chats: { sandbox: [general, random], telegram: ["-1001234567890"] }
    reports: { timezone: Africa/Nairobi }
`;

describe('news configuration', () => {
  it('reads topics, feeds and news with defaults for every listed chat and per-chat overrides', () => {
    const config = load(`${BASE}    topics:
      keywords: [M-Pesa, delivery]
      description: Coffee with delivery
    feeds:
      - https://wire.example/rss
      - { url: "https://logistics.example/atom", name: Logistics }
    news:
      schedule: "0 9,17 * * *"
      quiet_hours: "22:00-07:00"
      chats:
        - sandbox:general
        - { chat: "telegram:-1001234567890", mode: auto, digest: 3, max_per_day: 1, timezone: UTC }
`);
    const news = config.communities[0]!.news!;
    expect(news.topics).toEqual({ keywords: ['M-Pesa', 'delivery'], description: 'Coffee with delivery' });
    expect(news.feeds).toEqual([
      { url: 'https://wire.example/rss', name: null },
      { url: 'https://logistics.example/atom', name: 'Logistics' },
    ]);
    expect(news.chats).toEqual([
      { chat: { platform: 'sandbox', chatId: 'general' }, schedule: '0 9,17 * * *', timeZone: 'Africa/Nairobi', maxPostsPerDay: 2, quietHours: { start: '22:00', end: '07:00' }, mode: 'approve', digestSize: 1, minScore: 0.2 },
      { chat: { platform: 'telegram', chatId: '-1001234567890' }, schedule: '0 9,17 * * *', timeZone: 'UTC', maxPostsPerDay: 1, quietHours: { start: '22:00', end: '07:00' }, mode: 'auto', digestSize: 3, minScore: 0.2 },
    ]);
    expect(config.feeds).toEqual({ pollIntervalMinutes: 30, timeoutMs: 15_000, maxBytes: 2048 * 1024, allowPrivateAddresses: false });
  });

  it('sends news to every chat the community lists when news names none, and has none without a news key', () => {
    expect(load(`${BASE}    news: {}\n`).communities[0]!.news!.chats.map((c) => c.chat.chatId)).toEqual(['general', 'random', '-1001234567890']);
    expect(load(BASE).communities[0]!.news).toBeNull();
  });

  it('names every bad news setting at once, with the fix', () => {
    let error: unknown;
    try {
      load(`${BASE}    feeds: [ "ftp://files.example/feed" ]\n    news:\n      schedule: "every morning"\n      quiet_hours: "late"\n      mode: sometimes\n`, { JAMII_FEED_POLL_MINUTES: '1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).problems.join('\n');
    expect(text).toMatch(/JAMII_FEED_POLL_MINUTES: .*\(whole minutes from 5 to 1440, e\.g\. 30\)/);
    expect(text).toMatch(/communities\.0\.news\.schedule: a cron expression/);
    expect(text).toMatch(/communities\.0\.news\.quiet_hours: HH:MM-HH:MM/);
    expect(text).toMatch(/communities\.0\.news\.mode/);
    expect(text).toMatch(/communities\.0\.feeds\.0/);
  });
  it("refuses a news chat that is a desk, another community's chat, or a chat a community that is not the default does not list, naming each", () => {
    const yaml = `communities:
  - id: acme
    name: Acme
    default: true
    chats: { sandbox: [general] }
    desk: { sandbox: acme-desk }
    feeds: [https://wire.example/rss]
    news:
      chats: [sandbox:general, sandbox:acme-desk, sandbox:beta-general, { chat: "sandbox:beta-desk", mode: auto }, sandbox:lobby]
  - id: beta
    name: Beta
    chats: { sandbox: [beta-general] }
    desk: { sandbox: beta-desk }
    news:
      chats: [sandbox:beta-general, sandbox:side-room]
`;
    const problems = problemsOf(() => load(yaml));
    expect(problems.map((p) => p.replace(/^\S+: /, ''))).toEqual([
      'news chat sandbox:acme-desk of "acme" is its desk: news would be posted to the managers (name a chat the community lists under chats:)',
      'news chat sandbox:beta-general of "acme" is a chat of "beta": a community posts news only in its own chats',
      'news chat sandbox:beta-desk of "acme" is the "beta" desk: news would be posted to the managers (name a chat the community lists under chats:)',
      'news chat sandbox:side-room of "beta" is not listed under its chats: (a chat no community lists belongs to the default community "acme"); list it there too',
    ]);
    // The default community may name a chat no one lists: it is its own anyway.
    expect(problems.join('\n')).not.toContain('sandbox:lobby');
    // A file refused for another reason still names them, all at once.
    const withBadMode = problemsOf(() => load(yaml.replace('mode: auto', 'mode: sometimes')));
    expect(withBadMode).toHaveLength(5);
    expect(withBadMode.join('\n')).toContain('news chat sandbox:acme-desk of "acme" is its desk');
  });

  it('refuses a news chat that is a desk Jamii gives the community by default, saying where that desk comes from', () => {
    const problems = problemsOf(() => load(`${BASE}    news:\n      chats: [sandbox:general, sandbox:desk]\n`));
    expect(problems).toEqual([expect.stringMatching(/news chat sandbox:desk of "acme" is its desk \(the default sandbox desk: set desk.sandbox to another room\): news would be posted to the managers/)]);
  });
});
