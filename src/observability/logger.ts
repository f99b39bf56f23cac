/**
 * pino, structured, with secrets scrubbed twice: known secret-bearing keys are redacted by path,
 * and every secret value from the configuration is replaced wherever it appears in a log line —
 * inside error messages, stacks and causes too.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export const REDACTED = '[REDACTED]';

const REDACT_PATHS = [
  'token', '*.token', 'password', '*.password', 'secret', '*.secret', 'apiKey', '*.apiKey',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'databaseUrl', '*.databaseUrl', 'connectionString', '*.connectionString',
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Credentials recognisable by their shape, scrubbed even when they are not in the configuration:
 * a Telegram bot token inside a Bot API URL (`/bot123456:AA…/getMe`), as grammY and node-fetch
 * errors carry it in their messages and stacks.
 */
const SECRET_SHAPES: RegExp[] = [/(?<=\/bot)\d{3,}(?::|%3A)[A-Za-z0-9_-]{10,}/gi];

function scrubShapes(line: string): string {
  return SECRET_SHAPES.reduce((out, shape) => out.replace(shape, REDACTED), line);
}

/** Replaces every occurrence of any secret (raw, JSON-escaped or URL-encoded, or of a known shape) with [REDACTED]. */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  const variants = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    variants.add(s);
    variants.add(JSON.stringify(s).slice(1, -1));
    variants.add(encodeURIComponent(s));
  }
  if (variants.size === 0) return scrubShapes;
  const pattern = new RegExp([...variants].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (line) => scrubShapes(line.replace(pattern, REDACTED));
}

export interface LoggerOptions {
  level: string;
  secrets: readonly string[];
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): PinoLogger {
  const scrub = createScrubber(options.secrets);
  return pino(
    {
      level: options.level,
      base: { app: 'jamii' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
      hooks: { streamWrite: scrub },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
