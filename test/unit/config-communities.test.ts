/** The communities file (JAMII_CONFIG): several communities, people, reminders, and every problem it can have. */
import path from 'node:path';
import { roomNameProblem } from '../../src/connectors/sandbox/room-name.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Config } from '../../src/config.js';
import { dir, load, problemsOf, REPO_ROOT, useConfigDir, writeCommunities } from './config-harness.js';

useConfigDir();

describe('loadConfig: communities file', () => {
  const TWO_COMMUNITIES = `
communities:
  - id: acme
    name: Acme Support
    language: en
    chats:
      sandbox: [general]
      telegram: ["-1001234567890"]
    desk:
      telegram: "-1009876543210"
    managers: [telegram:111]
  - id: kilimo-hub
    name: Kilimo Hub
    language: sw
    chats:
      sandbox: [kilimo]
    managers: [sandbox:amina]
    admins: [slack:U024BE7LH]
    remind_after_minutes: 0
`;

  it('reads several communities, makes the first the default, and names their sandbox desks', () => {
    const file = writeCommunities(TWO_COMMUNITIES);
    const config = load({ JAMII_CONFIG: file, JAMII_MANAGERS: 'sandbox:lead' });
    expect(config.configFile).toBe(file);
    expect(config.communities).toEqual([
      {
        id: 'acme',
        name: 'Acme Support',
        language: 'en',
        isDefault: true,
        chats: { sandbox: ['general'], telegram: ['-1001234567890'] },
        desk: { telegram: '-1009876543210', sandbox: 'desk' },
        managers: [
          { platform: 'telegram', userId: '111' },
          { platform: 'sandbox', userId: 'lead' },
        ],
        admins: [],
        knowledgeDir: path.join(dir, 'knowledge', 'acme'),
        reports: { timeZone: 'UTC', weekday: 'mon', time: '09:00' },
        news: null,
        remindAfterMinutes: 30,
      },
      {
        id: 'kilimo-hub',
        name: 'Kilimo Hub',
        language: 'sw',
        isDefault: false,
        chats: { sandbox: ['kilimo'] },
        desk: { sandbox: 'desk-kilimo-hub' },
        managers: [
          { platform: 'sandbox', userId: 'amina' },
          { platform: 'sandbox', userId: 'lead' },
        ],
        admins: [{ platform: 'slack', userId: 'U024BE7LH' }],
        knowledgeDir: path.join(dir, 'knowledge', 'kilimo-hub'),
        reports: { timeZone: 'UTC', weekday: 'mon', time: '09:00' },
        news: null,
        remindAfterMinutes: 0,
      },
    ]);
  });

  it('resolves a community\'s own knowledge folder relative to the community file', () => {
    const file = writeCommunities(`communities:\n  - id: acme\n    name: Acme\n    knowledge: docs/acme-kb\n`);
    expect(load({ JAMII_CONFIG: file }).communities[0]!.knowledgeDir).toBe(path.join(path.dirname(file), 'docs', 'acme-kb'));
  });

  it('reads the drafting and knowledge settings, and lets a model see every message by default', () => {
    const config = load({ JAMII_BURST_WINDOW_SECONDS: '0', JAMII_KNOWLEDGE_DIR: 'kb', JAMII_KNOWLEDGE_SYNC_SECONDS: '15' });
    expect(config.drafts).toMatchObject({ burstWindowSeconds: 0, candidates: 'labelled', remindAfterMinutes: 30 });
    expect(load({ JAMII_REMIND_AFTER_MINUTES: '0' }).drafts.remindAfterMinutes).toBe(0);
    expect(config.knowledge.syncIntervalSeconds).toBe(15);
    expect(config.communities[0]!.knowledgeDir).toBe(path.join(dir, 'kb'));
    const model = load({ JAMII_LLM: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', JAMII_LLM_MODEL: 'llama3.1:8b' });
    expect(model.drafts.candidates).toBe('all');
    expect(load({ JAMII_LLM: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', JAMII_LLM_MODEL: 'm', JAMII_DRAFT_CANDIDATES: 'labelled' }).drafts.candidates).toBe('labelled');
  });

  it('names every bad drafting variable at once', () => {
    expect(() => load({ JAMII_BURST_WINDOW_SECONDS: '-1', JAMII_DRAFT_CANDIDATES: 'some', JAMII_KNOWLEDGE_SYNC_SECONDS: '1' })).toThrow(
      /JAMII_BURST_WINDOW_SECONDS[\s\S]*JAMII_DRAFT_CANDIDATES[\s\S]*JAMII_KNOWLEDGE_SYNC_SECONDS/,
    );
  });

  it('honours an explicit default: true on a later community', () => {
    const file = writeCommunities(`communities:\n  - { id: a, name: A }\n  - { id: b, name: B, default: true }\n`);
    expect(load({ JAMII_CONFIG: file }).communities.map((c) => c.isDefault)).toEqual([false, true]);
  });

  it('resolves a relative JAMII_CONFIG against the working directory', () => {
    writeCommunities(`communities:\n  - { id: solo, name: Solo }\n`, 'mine.yaml');
    expect(load({ JAMII_CONFIG: 'mine.yaml' }).communities[0]!.id).toBe('solo');
  });

  it('reads jamii.config.yaml from the working directory when JAMII_CONFIG is unset', () => {
    const file = writeCommunities(`communities:\n  - { id: found, name: Found }\n`, 'jamii.config.yaml');
    const config = load();
    expect(config.configFile).toBe(file);
    expect(config.communities[0]!.id).toBe('found');
  });

  it('refuses a JAMII_CONFIG that points to a missing file, naming the path', () => {
    const problems = problemsOf(() => load({ JAMII_CONFIG: 'nowhere.yaml' }));
    expect(problems).toEqual([`JAMII_CONFIG: file ${path.join(dir, 'nowhere.yaml')} does not exist (unset it to run one default community)`]);
  });

  it('refuses a file that is not YAML', () => {
    const file = writeCommunities('communities: [ { id: a, name: A }\n');
    expect(problemsOf(() => load({ JAMII_CONFIG: file }))[0]).toMatch(/cannot be read as YAML/);
  });

  it('reports duplicate community ids, a chat in two communities and two defaults together', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, default: true, chats: { telegram: ["-100"], sandbox: [general] } }
  - { id: acme, name: B, default: true }
  - { id: other, name: C, chats: { telegram: ["-100"] } }
`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    expect(problems).toEqual([
      `${file}: community id "acme" is defined twice`,
      `${file}: chat telegram:-100 is listed in both "acme" and "other"`,
      `${file}: more than one community has default: true`,
    ]);
  });

  it('refuses sandbox rooms and desks that are not lowercase room names, which the sandbox could never reach', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, chats: { sandbox: [General, ok] }, desk: { sandbox: [Desk, "no room"] } }
`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    expect(problems).toEqual([
      `${file}: sandbox room "General" of "acme": room names are lowercase: use "general"`,
      `${file}: sandbox room "Desk" of "acme": room names are lowercase: use "desk"`,
      `${file}: sandbox room "no room" of "acme": a room name is 1–40 lowercase letters, digits, "-" or "_"`,
    ]);
  });

  it('gives a community with a long id and no sandbox desk one the sandbox can reach, distinct from a similar id’s', () => {
    const a = `a${'b'.repeat(38)}1`;
    const b = `a${'b'.repeat(38)}2`;
    const file = writeCommunities(`communities:\n  - { id: short, name: S }\n  - { id: ${a}, name: A }\n  - { id: ${b}, name: B }\n`);
    const desks = load({ JAMII_CONFIG: file }).communities.map((c) => c.desk.sandbox as string);
    expect(desks[0]).toBe('desk');
    expect(desks[1]).not.toBe(desks[2]);
    for (const desk of desks.slice(1)) {
      expect(roomNameProblem(desk)).toBeNull();
      expect(desk.startsWith('desk-abbb')).toBe(true);
    }
    expect(load({ JAMII_CONFIG: writeCommunities(`communities:\n  - { id: short, name: S }\n  - { id: kilimo, name: K }\n`, 'k.yaml') }).communities[1]!.desk.sandbox).toBe('desk-kilimo');
  });

  it('lets an install whose sandbox is off keep room names from before they were lowercase', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, chats: { sandbox: [General], telegram: ["-1001234567890"] } }
`);
    expect(load({ JAMII_CONFIG: file, JAMII_SANDBOX: 'off' }).communities[0]!.chats.sandbox).toEqual(['General']);
    expect(load({ JAMII_CONFIG: file, TELEGRAM_BOT_TOKEN: '123456789:AAtest-token_x' }).sandbox.enabled).toBe(false);
    expect(problemsOf(() => load({ JAMII_CONFIG: file, JAMII_SANDBOX: 'on' }))).toEqual([`${file}: sandbox room "General" of "acme": room names are lowercase: use "general"`]);
  });

  it('refuses a reminder time that is not a whole number of minutes from 0 to a week', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, remind_after_minutes: soon }
  - { id: other, name: B, remind_after_minutes: -1 }
  - { id: third, name: C, remind_after_minutes: 20000 }
`);
    const where = problemsOf(() => load({ JAMII_CONFIG: file })).map((p) => p.slice(file.length + 2).split(':')[0]);
    expect(where).toEqual(['communities.0.remind_after_minutes', 'communities.1.remind_after_minutes', 'communities.2.remind_after_minutes']);
  });

  it('reports schema problems with their path in the file', () => {
    const file = writeCommunities(`
communities:
  - id: Bad_Id
    name: ""
    language: it
    chats: { whatsapp: [x] }
    managers: [bob]
    colour: red
`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    const where = problems.map((p) => p.slice(file.length + 2).split(':')[0]);
    expect(where).toEqual(expect.arrayContaining(['communities.0.id', 'communities.0.name', 'communities.0.language', 'communities.0.chats', 'communities.0.managers.0']));
    expect(problems.some((p) => p.includes('colour'))).toBe(true);
  });

  it.each(['en', 'ru', 'sw', 'es', 'de', 'fr', 'pt', 'ar'])('accepts %s as a community language, in the file and as JAMII_LANGUAGE', (language) => {
    const file = writeCommunities(`communities:\n  - { id: brand, name: Brand, language: ${language} }\n`);
    expect(load({ JAMII_CONFIG: file }).communities[0]!.language).toBe(language);
    expect(load({ JAMII_LANGUAGE: language }).communities[0]!.language).toBe(language);
  });

  it('refuses a language Jamii does not write, naming every one it accepts', () => {
    const file = writeCommunities(`communities:\n  - { id: brand, name: Brand, language: it }\n`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/communities\.0\.language: /);
    for (const language of ['en', 'ru', 'sw', 'es', 'de', 'fr', 'pt', 'ar']) expect(problems[0]).toContain(`"${language}"`);
  });

  it('refuses a file with no communities', () => {
    const file = writeCommunities('communities: []\n');
    expect(problemsOf(() => load({ JAMII_CONFIG: file }))).toEqual([`${file}: communities: define at least one community`]);
  });

  it('reports a bad variable and a bad file in the same error', () => {
    const file = writeCommunities(`communities:\n  - { id: a, name: A }\n  - { id: a, name: B }\n`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file, JAMII_HTTP_PORT: 'x' }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^JAMII_HTTP_PORT:/);
    expect(problems[1]).toContain('community id "a" is defined twice');
  });

  it('keeps numeric chat ids written without quotes as their decimal text', () => {
    const file = writeCommunities(`communities:\n  - { id: a, name: A, chats: { telegram: [-1001234567890] }, desk: { telegram: -1009876543210 } }\n`);
    const community = load({ JAMII_CONFIG: file }).communities[0]!;
    expect(community.chats.telegram).toEqual(['-1001234567890']);
    expect(community.desk.telegram).toBe('-1009876543210');
  });

  // BUG (config.ts chatsSchema/deskSchema): an unquoted Discord snowflake is read by YAML as a
  // number, rounded to the nearest double, then coerced to a different id without a word.
  it('never silently changes an unquoted Discord snowflake: it keeps it exactly or refuses it', () => {
    const file = writeCommunities(`communities:\n  - { id: a, name: A, chats: { discord: [1098765432109876543] } }\n`);
    let config: Config;
    try {
      config = load({ JAMII_CONFIG: file });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join('\n')).toMatch(/quote/i);
      return;
    }
    expect(config.communities[0]!.chats.discord).toEqual(['1098765432109876543']);
  });

  it('reports problems across communities together with schema problems in the same file', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, language: it, default: true, chats: { telegram: ["-100"] } }
  - { id: acme, name: "", default: true, chats: { telegram: ["-100"] } }
people:
  - { name: Amina, ids: [telegram:1] }
  - { name: Bob, ids: [telegram:1, bad] }
`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    expect(problems.map((p) => p.slice(file.length + 2))).toEqual([
      expect.stringMatching(/^communities\.0\.language: /),
      expect.stringMatching(/^communities\.1\.name: /),
      expect.stringMatching(/^people\.1\.ids\.1: /),
      'community id "acme" is defined twice',
      'chat telegram:-100 is listed in both "acme" and "acme"',
      'telegram:1 is linked to both "Amina" and "Bob"',
      'more than one community has default: true',
    ]);
  });

  it.each([
    ['an empty file', ''],
    ['a file of comments only', '# communities to come\n'],
  ])('says so plainly for %s', (_, yaml) => {
    const file = writeCommunities(yaml);
    expect(problemsOf(() => load({ JAMII_CONFIG: file }))).toEqual([
      `${file}: the file is empty; list at least one community under communities: (see jamii.config.example.yaml)`,
    ]);
  });

  it('names the file once, without an empty path, when the file is not a mapping', () => {
    const file = writeCommunities('- id: acme\n');
    expect(problemsOf(() => load({ JAMII_CONFIG: file }))).toEqual([`${file}: Invalid input: expected object, received array`]);
  });

  it('refuses a chat that is both a member chat and a desk, in one community or across two', () => {
    const file = writeCommunities(`
communities:
  - { id: acme, name: A, chats: { telegram: ["-100"], slack: [C0SHARED01] }, desk: { telegram: ["-200", "-100"] } }
  - { id: other, name: B, chats: { sandbox: [lobby] }, desk: { slack: C0SHARED01 } }
  - { id: third, name: C, desk: { sandbox: lobby } }
`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file }));
    const why = ": members' messages there would be taken as manager commands (give the desk a chat of its own)";
    expect(problems).toEqual([
      `${file}: chat telegram:-100 is a member chat of "acme" and its desk${why}`,
      `${file}: chat slack:C0SHARED01 is a member chat of "acme" and the desk of "other"${why}`,
      `${file}: chat sandbox:lobby is a member chat of "other" and the desk of "third"${why}`,
    ]);
  });

  it('refuses a member chat that is also a desk set by default or by the environment', () => {
    const file = writeCommunities(`communities:\n  - { id: acme, name: A, chats: { sandbox: [desk], telegram: ["-100"] } }\n`);
    const problems = problemsOf(() => load({ JAMII_CONFIG: file, TELEGRAM_BOT_TOKEN: '123456:AAF-fake-telegram-token', JAMII_TELEGRAM_DESK_CHAT: '-100' }));
    expect(problems).toEqual([
      expect.stringMatching(/: chat sandbox:desk is a member chat of "acme" and its desk \(the default sandbox desk: set desk\.sandbox to another room\): members' messages/),
      expect.stringMatching(/: chat telegram:-100 is a member chat of "acme" and its desk \(JAMII_TELEGRAM_DESK_CHAT, or a Telegram manager's private chat\)/),
    ]);
  });

  it('accepts the commented example file shipped in the repository', () => {
    const config = load({ JAMII_CONFIG: path.join(REPO_ROOT, 'jamii.config.example.yaml') });
    expect(config.communities.map((c) => c.id)).toEqual(['acme', 'kilimo-hub']);
    expect(config.communities[0]!.chats.discord).toEqual(['1098765432109876543']);
    expect(config.communities.map((c) => c.remindAfterMinutes)).toEqual([20, 30]);
  });
});
