import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, JOB_KINDS } from '../../src/config.js';
import { dir, load, problemsOf, useConfigDir, writeCommunities } from './config-harness.js';

useConfigDir();

describe('loadConfig: defaults', () => {
  it('runs with no environment at all: embedded database, sandbox, offline provider, one default community', () => {
    const config = load();
    expect(config).toMatchObject({
      logLevel: 'info',
      dataDir: path.join(dir, 'data'),
      databaseUrl: undefined,
      databasePoolMax: 10,
      databaseStatementTimeoutSeconds: 30,
      http: { host: '127.0.0.1', port: 3000 },
      sandbox: { enabled: true },
      llm: { provider: 'offline' },
      jobs: { draftConcurrency: 2, sendConcurrency: 2 },
      drafts: { expireAfterHours: 72, burstWindowSeconds: 10, candidates: 'labelled' },
      knowledge: { syncIntervalSeconds: 60 },
      shutdownTimeoutMs: 10_000,
      configFile: undefined,
      secrets: [],
    });
    expect([...config.jobs.kinds].sort()).toEqual([...JOB_KINDS].sort());
    expect(config.communities).toEqual([
      {
        id: 'default',
        name: 'Community',
        language: 'en',
        isDefault: true,
        chats: {},
        desk: { sandbox: 'desk' },
        managers: [{ platform: 'sandbox', userId: 'manager' }],
        admins: [],
        knowledgeDir: path.join(dir, 'knowledge'),
        reports: { timeZone: 'UTC', weekday: 'mon', time: '09:00' },
        news: null,
        remindAfterMinutes: 30,
      },
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(load({ JAMII_HTTP_PORT: '', LOG_LEVEL: '' }).http.port).toBe(3000);
  });

  it('treats a whitespace-only variable as unset, not as zero or an empty list', () => {
    const config = load({ JAMII_HTTP_PORT: ' ', JAMII_REMIND_AFTER_MINUTES: ' ', LOG_LEVEL: '\t', JAMII_MANAGERS: '  ', JAMII_DB_POOL_MAX: '\r' });
    expect(config.http.port).toBe(3000);
    expect(config.drafts.remindAfterMinutes).toBe(30);
    expect(config.communities[0]!.remindAfterMinutes).toBe(30);
    expect(config.logLevel).toBe('info');
    expect(config.databasePoolMax).toBe(10);
    expect(config.communities[0]!.managers).toEqual([{ platform: 'sandbox', userId: 'manager' }]);
  });

  it('reads a number padded with spaces or a CRLF line end', () => {
    expect(load({ JAMII_HTTP_PORT: ' 3001\r' }).http.port).toBe(3001);
    expect(load({ JAMII_DRAFT_EXPIRE_HOURS: '1.5' }).drafts.expireAfterHours).toBe(1.5);
  });

  it('reads every URL setting padded with spaces or a CRLF line end as the trimmed URL', () => {
    const padded = (url: string) => ` ${url} \r`;
    const config = load({
      DATABASE_URL: padded('postgres://jamii:pw-secret@db.internal:5432/jamii'),
      JAMII_LLM: 'openai',
      JAMII_LLM_MODEL: 'llama3',
      OPENAI_BASE_URL: padded('http://localhost:11434/v1'),
      TELEGRAM_BOT_TOKEN: '123456:AAF-fake-telegram-token',
      TELEGRAM_API_ROOT: padded('http://bot-api.internal:8081'),
      JAMII_TELEGRAM_WEBHOOK_URL: padded('https://bot.example.org/hooks/telegram'),
      JAMII_TELEGRAM_WEBHOOK_SECRET: 'a-long-webhook-secret-123',
      DISCORD_TOKEN: 'fake.discord-token_0123456789abcdef',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_ROOT: padded('http://discord.internal:8080/api'),
      SLACK_BOT_TOKEN: 'xoxb-fake-slack-token',
      SLACK_SIGNING_SECRET: 'fakesigningsecret0123',
      SLACK_API_URL: padded('http://slack.internal:8080/api/'),
    });
    expect(config.databaseUrl).toBe('postgres://jamii:pw-secret@db.internal:5432/jamii');
    expect(config.llm.openai?.baseURL).toBe('http://localhost:11434/v1');
    expect(config.telegram).toMatchObject({ apiRoot: 'http://bot-api.internal:8081', webhookUrl: 'https://bot.example.org/hooks/telegram' });
    expect(config.discord?.apiRoot).toBe('http://discord.internal:8080/api');
    expect(config.slack?.apiUrl).toBe('http://slack.internal:8080/api/');
    // The database URL is a secret: the value in use and the raw one are both redacted.
    expect(config.secrets).toEqual(expect.arrayContaining(['postgres://jamii:pw-secret@db.internal:5432/jamii', padded('postgres://jamii:pw-secret@db.internal:5432/jamii')]));
  });

  it('reads a feed URL padded with spaces in the communities file as the trimmed URL', () => {
    const file = writeCommunities(`communities:\n  - id: a\n    name: A\n    feeds: ["  https://news.example.org/feed.xml\\r ", { url: " https://blog.example.org/rss ", name: Blog }]\n`);
    expect(load({ JAMII_CONFIG: file }).communities[0]!.news?.feeds).toEqual([
      { url: 'https://news.example.org/feed.xml', name: null },
      { url: 'https://blog.example.org/rss', name: 'Blog' },
    ]);
  });

  it('reads roles for every platform from JAMII_MANAGERS and JAMII_ADMINS, keeping ids as strings', () => {
    const config = load({
      JAMII_MANAGERS: 'sandbox:manager, telegram:123456789,discord:80351110224678912,slack:U024BE7LH,telegram:123456789',
      JAMII_ADMINS: 'sandbox:boss',
    });
    expect(config.communities[0]!.managers).toEqual([
      { platform: 'sandbox', userId: 'manager' },
      { platform: 'telegram', userId: '123456789' },
      { platform: 'discord', userId: '80351110224678912' },
      { platform: 'slack', userId: 'U024BE7LH' },
    ]);
    expect(config.communities[0]!.admins).toEqual([{ platform: 'sandbox', userId: 'boss' }]);
  });

  it('reads a sandbox name in JAMII_MANAGERS without case (the sandbox compares names so), and every platform id exactly', () => {
    const config = load({ JAMII_MANAGERS: 'sandbox:Lead,slack:U024BE7LH', JAMII_ADMINS: 'sandbox:BOSS' });
    expect(config.communities[0]!.managers).toEqual([
      { platform: 'sandbox', userId: 'lead' },
      { platform: 'slack', userId: 'U024BE7LH' },
    ]);
    expect(config.communities[0]!.admins).toEqual([{ platform: 'sandbox', userId: 'boss' }]);
  });

  it('parses the job kinds list, "all" and "none"', () => {
    expect([...load({ JAMII_JOBS: 'draft,send' }).jobs.kinds]).toEqual(['draft', 'send']);
    expect(load({ JAMII_JOBS: 'none' }).jobs.kinds.size).toBe(0);
    expect(load({ JAMII_JOBS: 'all' }).jobs.kinds.size).toBe(JOB_KINDS.length);
  });

  it('turns the sandbox off in auto mode once a platform token is set, and keeps the token as a secret', () => {
    const config = load({ TELEGRAM_BOT_TOKEN: '123456:AAF-fake-telegram-token' });
    expect(config.sandbox.enabled).toBe(false);
    expect(config.secrets).toContain('123456:AAF-fake-telegram-token');
    expect(load({ TELEGRAM_BOT_TOKEN: '123456:AAF-fake', JAMII_SANDBOX: 'on' }).sandbox.enabled).toBe(true);
  });

  it('collects the database password (raw and decoded) and the URL as secrets', () => {
    const config = load({ DATABASE_URL: 'postgres://jamii:p%40ss-w0rd@db.internal:5432/jamii' });
    expect(config.databaseUrl).toBe('postgres://jamii:p%40ss-w0rd@db.internal:5432/jamii');
    expect(config.secrets).toEqual(expect.arrayContaining(['p@ss-w0rd', 'p%40ss-w0rd', 'postgres://jamii:p%40ss-w0rd@db.internal:5432/jamii']));
  });
});

describe('loadConfig: bad values', () => {
  it('reports every bad variable at once, each with its fix', () => {
    const problems = problemsOf(() =>
      load({ JAMII_HTTP_PORT: 'eighty', JAMII_MANAGERS: 'bob', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', JAMII_JOBS: 'draft,cook' }),
    );
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('JAMII_HTTP_PORT:'))).toContain('(a whole number from 0 to 65535, e.g. 3000)');
    expect(problems.find((p) => p.startsWith('JAMII_MANAGERS:'))).toContain('expected platform:user-id');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('unset it to use the embedded database');
    expect(problems.find((p) => p.startsWith('JAMII_JOBS:'))).toContain('all, none, or a comma list');
  });

  it('puts every problem in the error message, one per line', () => {
    try {
      load({ JAMII_HTTP_PORT: '70000', JAMII_MANAGERS: 'telegram:' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('config_invalid');
      const message = (error as Error).message;
      expect(message).toMatch(/^Jamii cannot start: the configuration is invalid\.\n/);
      expect(message).toMatch(/\n {2}- JAMII_HTTP_PORT: /);
      expect(message).toMatch(/\n {2}- JAMII_MANAGERS: /);
    }
  });

  it.each([
    ['JAMII_HTTP_PORT', '-1'],
    ['JAMII_HTTP_PORT', '3000.5'],
    ['JAMII_DB_POOL_MAX', '1'],
    ['JAMII_DB_STATEMENT_TIMEOUT_SECONDS', '-1'],
    ['JAMII_DB_STATEMENT_TIMEOUT_SECONDS', '2.5'],
    ['JAMII_DB_STATEMENT_TIMEOUT_SECONDS', '3601'],
    ['JAMII_SANDBOX', 'maybe'],
    ['JAMII_LANGUAGE', 'it'],
    ['JAMII_LLM', 'gpt'],
    ['JAMII_ADMINS', 'whatsapp:123'],
    ['JAMII_DRAFT_EXPIRE_HOURS', '0'],
    ['JAMII_REMIND_AFTER_MINUTES', '-5'],
    ['JAMII_REMIND_AFTER_MINUTES', '2.5'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf(() => load({ [name]: value })).map((p) => p.split(':')[0])).toEqual([name]);
  });

  it.each(['0x10', '1e3', '+5', '.5', '5.', 'Infinity', '3 000', '1_000'])('reads only plain decimal numbers: refuses JAMII_HTTP_PORT=%s', (value) => {
    expect(problemsOf(() => load({ JAMII_HTTP_PORT: value }))).toEqual([expect.stringMatching(/^JAMII_HTTP_PORT: expected a plain decimal number/)]);
  });

  it('refuses a list given with no entries instead of starting with nobody or nothing', () => {
    const problems = problemsOf(() => load({ JAMII_MANAGERS: ',', JAMII_ADMINS: ' , ', JAMII_JOBS: ',' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['JAMII_JOBS', 'JAMII_MANAGERS', 'JAMII_ADMINS']);
    for (const problem of problems) expect(problem).toContain('no entries');
  });
});

describe('loadConfig: the fix named with each bad variable', () => {
  it.each([
    ['JAMII_HTTP_PORT', '70000', '(a whole number from 0 to 65535, e.g. 3000)'],
    ['JAMII_REMIND_AFTER_MINUTES', '2.5', '(whole minutes from 0 to 10080, e.g. 30)'],
    ['JAMII_DRAFT_EXPIRE_HOURS', '0', '(hours above 0 and at most 8760, fractions allowed, e.g. 72)'],
    ['JAMII_LLM_TIMEOUT_MS', '10', '(whole milliseconds from 500 to 600000, e.g. 20000)'],
    ['JAMII_FEED_MAX_KB', '0x10', '(whole KB from 16 to 51200, e.g. 2048)'],
    ['JAMII_DRAFT_CANDIDATES', 'some', '(labelled (the messages the rules call a question or a complaint) or all'],
    ['JAMII_LANGUAGE', 'it', '(one of en, ru, sw, es, de, fr, pt, ar (default en))'],
    ['LOG_LEVEL', 'loud', '(one of fatal, error, warn, info, debug, trace, silent (default info))'],
    ['TELEGRAM_API_ROOT', 'api.telegram.org', '(an http(s) URL, e.g. https://api.telegram.org)'],
  ])('names the range or the choices for %s=%s, read from its schema', (name, value, fix) => {
    const problems = problemsOf(() => load({ [name]: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]).toContain(fix);
  });

  it('never leaves a variable with only zod\'s own words (a bad value of any kind gets a fix)', () => {
    for (const name of ENV_VARIABLES) {
      for (const value of ['0x10', '-1', '99999999', 'x'.repeat(101)]) {
        let problems: string[] = [];
        try {
          load({ [name]: value });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = error.problems.filter((p) => p.startsWith(`${name}:`));
        }
        for (const problem of problems) expect(problem).not.toMatch(/^\w+: (Invalid|Too big|Too small)[^()]*$/);
      }
    }
  });
});

describe('loadConfig: language model', () => {
  it('defaults to the offline provider with the default limits, ignoring model settings', () => {
    expect(load({ JAMII_LLM_MODEL: 'gpt-4o-mini' }).llm).toEqual({
      provider: 'offline',
      openai: null,
      concurrency: 4,
      draftsPerChatPerHour: 30,
      draftsPerMemberPerHour: 6,
    });
  });

  it('reads an OpenAI setup with every default, and keeps the API key as a secret', () => {
    const config = load({ JAMII_LLM: 'openai', OPENAI_API_KEY: 'sk-test-abcdef123456', JAMII_LLM_MODEL: 'gpt-4o-mini' });
    expect(config.llm.openai).toEqual({
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'sk-test-abcdef123456',
      model: 'gpt-4o-mini',
      embeddingModel: null,
      timeoutMs: 20_000,
      maxRetries: 2,
      maxTokens: 600,
      structuredOutput: 'json_schema',
    });
    expect(config.secrets).toContain('sk-test-abcdef123456');
  });

  it('reads a local server (Ollama) without a key, with every setting given', () => {
    const llm = load({
      JAMII_LLM: 'openai',
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      JAMII_LLM_MODEL: 'llama3.1:8b',
      JAMII_LLM_EMBEDDING_MODEL: 'nomic-embed-text',
      JAMII_LLM_TIMEOUT_MS: '60000',
      JAMII_LLM_MAX_RETRIES: '0',
      JAMII_LLM_MAX_TOKENS: '400',
      JAMII_LLM_CONCURRENCY: '1',
      JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR: '100',
      JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR: '10',
      JAMII_LLM_STRUCTURED: 'json_object',
    }).llm;
    expect(llm).toEqual({
      provider: 'openai',
      openai: {
        baseURL: 'http://localhost:11434/v1',
        apiKey: null,
        model: 'llama3.1:8b',
        embeddingModel: 'nomic-embed-text',
        timeoutMs: 60_000,
        maxRetries: 0,
        maxTokens: 400,
        structuredOutput: 'json_object',
      },
      concurrency: 1,
      draftsPerChatPerHour: 100,
      draftsPerMemberPerHour: 10,
    });
  });

  it('requires a model, and a key for api.openai.com, reporting both with the other problems', () => {
    const problems = problemsOf(() => load({ JAMII_LLM: 'openai', JAMII_HTTP_PORT: 'x' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['JAMII_HTTP_PORT', 'JAMII_LLM_MODEL', 'OPENAI_API_KEY']);
    expect(problems.find((p) => p.startsWith('JAMII_LLM_MODEL:'))).toContain('required when JAMII_LLM=openai');
    expect(problems.find((p) => p.startsWith('OPENAI_API_KEY:'))).toContain('local server');
  });

  it('needs no key for a vLLM server elsewhere', () => {
    expect(load({ JAMII_LLM: 'openai', OPENAI_BASE_URL: 'http://gpu-box:8000/v1', JAMII_LLM_MODEL: 'qwen2.5-7b' }).llm.openai?.apiKey).toBeNull();
  });

  it.each([
    ['JAMII_LLM', 'anthropic'],
    ['OPENAI_BASE_URL', 'localhost:11434'],
    ['OPENAI_BASE_URL', 'ftp://models.example/v1'],
    ['JAMII_LLM_TIMEOUT_MS', '10'],
    ['JAMII_LLM_MAX_RETRIES', '-1'],
    ['JAMII_LLM_MAX_TOKENS', 'many'],
    ['JAMII_LLM_CONCURRENCY', '0'],
    ['JAMII_LLM_DRAFTS_PER_CHAT_PER_HOUR', '0'],
    ['JAMII_LLM_DRAFTS_PER_MEMBER_PER_HOUR', '2.5'],
    ['JAMII_LLM_STRUCTURED', 'grammar'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf(() => load({ [name]: value })).map((p) => p.split(':')[0])).toEqual([name]);
  });

  it('names the accepted values in the fix for a bad provider', () => {
    expect(problemsOf(() => load({ JAMII_LLM: 'gpt' }))[0]).toContain('(offline (no model) or openai');
  });
});

describe('loadConfig: telegram', () => {
  const TOKEN = '123456789:AAH-telegram-test-token';

  it('is off without a token, and polls Telegram\'s own Bot API by default', () => {
    expect(load().telegram).toBeNull();
    expect(load({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram).toEqual({ token: TOKEN, apiRoot: 'https://api.telegram.org', webhookUrl: undefined, webhookSecret: undefined, deskChat: undefined, groupAdminsAreManagers: false });
    expect(load({ TELEGRAM_BOT_TOKEN: TOKEN, JAMII_TELEGRAM_GROUP_ADMINS_ARE_MANAGERS: 'on' }).telegram?.groupAdminsAreManagers).toBe(true);
  });

  it('reads webhook mode, a self-hosted Bot API server and a desk group, keeping the webhook secret as a secret', () => {
    const config = load({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://bot-api.internal:8081/',
      JAMII_TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/telegram',
      JAMII_TELEGRAM_WEBHOOK_SECRET: 'a-long-webhook-secret-123',
      JAMII_TELEGRAM_DESK_CHAT: '-1001234567890',
    });
    expect(config.telegram).toMatchObject({ apiRoot: 'http://bot-api.internal:8081', webhookUrl: 'https://bot.example.org/hooks/telegram', deskChat: '-1001234567890' });
    expect(config.secrets).toEqual(expect.arrayContaining([TOKEN, 'a-long-webhook-secret-123']));
  });

  it('gives every community a Telegram desk in each Telegram manager\'s and admin\'s private chat, plus the desk group', () => {
    const config = load({ TELEGRAM_BOT_TOKEN: TOKEN, JAMII_MANAGERS: 'telegram:1001,sandbox:manager', JAMII_ADMINS: 'telegram:1002', JAMII_TELEGRAM_DESK_CHAT: '-100777' });
    expect(config.communities[0]!.desk).toEqual({ sandbox: 'desk', telegram: ['-100777', '1001', '1002'] });
    expect(load({ JAMII_MANAGERS: 'telegram:1001' }).communities[0]!.desk).toEqual({ sandbox: 'desk' });
  });

  it('accepts several desk chats per platform in the community file', () => {
    const file = writeCommunities(`communities:\n  - { id: a, name: A, desk: { telegram: ["-1001", "-1002"] } }\n`);
    expect(load({ JAMII_CONFIG: file, TELEGRAM_BOT_TOKEN: TOKEN }).communities[0]!.desk.telegram).toEqual(['-1001', '-1002']);
  });

  it('trims the webhook secret like every secret, and treats a blank one as unset', () => {
    const webhook = { TELEGRAM_BOT_TOKEN: TOKEN, JAMII_TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/telegram' };
    const config = load({ ...webhook, JAMII_TELEGRAM_WEBHOOK_SECRET: ' a-long-webhook-secret-123\r' });
    expect(config.telegram?.webhookSecret).toBe('a-long-webhook-secret-123');
    expect(config.secrets).toEqual(expect.arrayContaining(['a-long-webhook-secret-123', ' a-long-webhook-secret-123\r']));
    expect(problemsOf(() => load({ ...webhook, JAMII_TELEGRAM_WEBHOOK_SECRET: ' \r' })).join('\n')).toMatch(/JAMII_TELEGRAM_WEBHOOK_SECRET: required/);
  });

  it('requires the webhook secret with the webhook URL, and the token with either, naming every problem', () => {
    const problems = problemsOf(() => load({ JAMII_TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg', JAMII_TELEGRAM_DESK_CHAT: 'desk' }));
    expect(problems.join('\n')).toMatch(/JAMII_TELEGRAM_WEBHOOK_SECRET: required/);
    expect(problems.join('\n')).toMatch(/TELEGRAM_BOT_TOKEN: required/);
    expect(problems.join('\n')).toMatch(/JAMII_TELEGRAM_DESK_CHAT/);
    expect(problemsOf(() => load({ TELEGRAM_BOT_TOKEN: 'not a token' })).join('\n')).toMatch(/TELEGRAM_BOT_TOKEN/);
  });
});
