import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createLogger, createScrubber, REDACTED } from '../../../src/observability/logger.js';

const FAKE_TOKEN = '987654:AAH-fake-telegram-secret-xyz';
const DB_PASSWORD = 'pa$$-w0rd"q\\';
const DATABASE_URL = `postgres://jamii:${encodeURIComponent(DB_PASSWORD)}@db.internal:5432/jamii`;

/** A logger built from a real configuration with fake secrets, writing into `lines`. */
function capture() {
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: FAKE_TOKEN, DATABASE_URL, JAMII_DATA_DIR: '/nonexistent' }, '/nonexistent');
  const chunks: string[] = [];
  const log = createLogger({ level: 'debug', secrets: config.secrets, destination: { write: (chunk: string) => void chunks.push(chunk) } });
  const output = () => chunks.join('');
  const assertClean = () => {
    const text = output();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [FAKE_TOKEN, DB_PASSWORD, encodeURIComponent(DB_PASSWORD), JSON.stringify(DB_PASSWORD).slice(1, -1), DATABASE_URL]) {
      expect(text).not.toContain(secret);
    }
  };
  return { log, output, assertClean, lines: () => output().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes structured JSON lines with the message and fields', () => {
    const { log, lines } = capture();
    log.info({ draftId: 12, chat: 'general' }, 'draft.created');
    expect(lines()[0]).toMatchObject({ level: 30, app: 'jamii', draftId: 12, chat: 'general', msg: 'draft.created' });
  });

  it('never prints a configured secret logged inside an object', () => {
    const { log, output, assertClean } = capture();
    log.info({ request: { url: `https://api.telegram.org/bot${FAKE_TOKEN}/getUpdates` }, db: DATABASE_URL }, 'outbound');
    assertClean();
    expect(output()).toContain(`https://api.telegram.org/bot${REDACTED}/getUpdates`);
  });

  it('redacts secret-bearing keys by name even when the value is not a configured secret', () => {
    const { log, lines } = capture();
    log.info({ token: 'unknown-token-value', auth: { password: 'hunter22' }, databaseUrl: 'postgres://x' }, 'keys');
    expect(lines()[0]).toMatchObject({ token: REDACTED, auth: { password: REDACTED }, databaseUrl: REDACTED });
  });

  it('never prints a secret carried in an Error message or stack', () => {
    const { log, output, assertClean } = capture();
    log.error({ err: new Error(`connect failed for ${DATABASE_URL} with password ${DB_PASSWORD}`) }, 'db.failed');
    assertClean();
    expect(output()).toContain('connect failed for');
  });

  it('never prints a secret carried in the cause of an Error', () => {
    const { log, output, assertClean } = capture();
    const cause = new Error(`401 Unauthorized: bot${FAKE_TOKEN} rejected`);
    log.error({ err: new Error('telegram getMe failed', { cause }) }, 'connector.failed');
    assertClean();
    expect(output()).toContain('401 Unauthorized');
  });

  it('never prints a secret in an Error passed as the first argument, or in a child logger binding', () => {
    const { log, assertClean } = capture();
    log.error(new Error(`boom ${FAKE_TOKEN}`));
    log.child({ connection: DATABASE_URL }).warn({ attempt: 2 }, `retrying ${DB_PASSWORD}`);
    assertClean();
  });
});

describe('createScrubber', () => {
  it('replaces raw, JSON-escaped and URL-encoded forms of each secret', () => {
    const scrub = createScrubber(['se"cret/1', 'p@ss word']);
    expect(scrub('a se"cret/1 b')).toBe(`a ${REDACTED} b`);
    expect(scrub('{"v":"se\\"cret/1"}')).toBe(`{"v":"${REDACTED}"}`);
    expect(scrub('u=p%40ss%20word')).toBe(`u=${REDACTED}`);
  });

  it('scrubs a Telegram bot token inside a Bot API URL even when it is not configured', () => {
    const scrub = createScrubber([]);
    expect(scrub('request to http://127.0.0.1:9/bot123456789:AAH-unknown_token-value/sendMessage failed')).toBe(
      `request to http://127.0.0.1:9/bot${REDACTED}/sendMessage failed`,
    );
    expect(scrub('GET /bot42424242%3AAAH-encoded-token-value/getMe')).toBe(`GET /bot${REDACTED}/getMe`);
    expect(scrub('the robot 12:30 bot42 /botanist')).toBe('the robot 12:30 bot42 /botanist');
  });

  it('ignores secrets shorter than four characters and treats regex characters literally', () => {
    expect(createScrubber(['abc'])('abc')).toBe('abc');
    expect(createScrubber(['a.b*c'])('axbbc a.b*c')).toBe(`axbbc ${REDACTED}`);
  });
});

describe('secrets read from a CRLF or space-padded .env file', () => {
  const TOKENS = {
    TELEGRAM_BOT_TOKEN: '987654:AAH-padded-telegram-secret',
    DISCORD_TOKEN: 'MTA5ODc2.padded-discord-token_value',
    SLACK_BOT_TOKEN: 'xoxb-padded-slack-bot-token',
    SLACK_APP_TOKEN: 'xapp-padded-slack-app-token',
    SLACK_SIGNING_SECRET: 'PaddedSigningSecret0123456789',
    OPENAI_API_KEY: 'sk-padded-openai-key-123456',
    JAMII_TELEGRAM_WEBHOOK_SECRET: 'padded-webhook-secret-0123456789',
  };

  it('never prints a token in the form Jamii uses it (trimmed), nor as it was written', () => {
    const padded = Object.fromEntries(Object.entries(TOKENS).map(([name, value], i) => [name, i % 2 === 0 ? `${value}\r` : `  ${value} `]));
    const config = loadConfig(
      { ...padded, JAMII_TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/telegram', DISCORD_APPLICATION_ID: '1234567890123456789', JAMII_LLM: 'openai', JAMII_LLM_MODEL: 'gpt-4o-mini', JAMII_DATA_DIR: '/nonexistent' },
      '/nonexistent',
    );
    const used = [config.telegram?.token, config.discord?.token, config.slack?.botToken, config.slack?.appToken, config.slack?.signingSecret, config.llm.openai?.apiKey, config.telegram?.webhookSecret];
    expect(used).toEqual(Object.values(TOKENS)); // the trimmed values are the ones in use
    const chunks: string[] = [];
    const log = createLogger({ level: 'debug', secrets: config.secrets, destination: { write: (chunk: string) => void chunks.push(chunk) } });
    for (const value of used) log.error({ err: new Error(`401 Unauthorized: credential ${value} rejected`), request: { body: `auth=${value}` } }, 'connector.failed');
    const out = chunks.join('');
    expect(out).toContain('401 Unauthorized');
    for (const value of [...Object.values(TOKENS), ...Object.values(padded)]) expect(out).not.toContain(value);
  });
});
