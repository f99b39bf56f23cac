/**
 * How environment values are read, shared by every variable: blank means unset, numbers are plain
 * decimal text, comma lists need an entry; and the fix text a bad value is reported with, derived
 * from each variable's schema so that it cannot drift from the range it names.
 */
import { z } from 'zod';

/** Digits, an optional minus sign and fraction: no hex (`0x10`), exponent (`1e3`), blank or `+`. */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** An empty or whitespace-only value counts as unset. */
export function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
}

/**
 * A URL setting, trimmed before it is checked, like every secret: a CRLF .env file ends each
 * value in \r, and a hand-edited one pads with spaces. `check` is the URL's own rule, an http(s)
 * URL by default; what is kept is the trimmed value.
 */
export function urlSetting<T extends z.ZodType<unknown, string>>(check: T): z.ZodPipe<z.ZodString, T>;
export function urlSetting(): z.ZodPipe<z.ZodString, z.ZodURL>;
export function urlSetting(check: z.ZodType<unknown, string> = z.url({ protocol: /^https?$/ })) {
  return z.string().trim().pipe(check);
}

/** A number written in plain decimal, then held to `range` (its bounds, whole or not). */
export function decimal<T extends z.ZodNumber>(range: T) {
  return z.string().trim().regex(PLAIN_DECIMAL, 'expected a plain decimal number').transform(Number).pipe(range);
}

/** A comma-separated list of `entry`; given, it must hold at least one (`,` alone is a mistake, not "none"). */
export function entryList<T extends z.ZodType<unknown, string>>(entry: T) {
  return z
    .string()
    .transform((value) => value.split(',').map((v) => v.trim()).filter((v) => v.length > 0))
    .pipe(z.array(entry).min(1, 'no entries (unset the variable to use its default)'));
}

const UNITS: [suffix: string, unit: string][] = [
  ['_MS', 'milliseconds'],
  ['_SECONDS', 'seconds'],
  ['_MINUTES', 'minutes'],
  ['_HOURS', 'hours'],
  ['_KB', 'KB'],
];

function numberFix(name: string, schema: z.ZodNumber, example: unknown): string {
  const range = z.toJSONSchema(schema) as { type: string; minimum?: number; exclusiveMinimum?: number; maximum?: number };
  const unit = UNITS.find(([suffix]) => name.endsWith(suffix))?.[1];
  const whole = range.type === 'integer';
  const what = whole ? (unit ? `whole ${unit}` : 'a whole number') : (unit ?? 'a number');
  const from = range.exclusiveMinimum !== undefined ? `above ${range.exclusiveMinimum}` : range.minimum !== undefined ? `from ${range.minimum}` : '';
  const to = range.maximum === undefined ? '' : from.startsWith('above') ? ` and at most ${range.maximum}` : ` to ${range.maximum}`;
  const shown = typeof example === 'number' ? example : (range.minimum ?? range.maximum);
  return `${what} ${from}${to}${whole ? '' : ', fractions allowed'}${shown === undefined ? '' : `, e.g. ${shown}`}`;
}

/** The fix for one variable, read from its schema; undefined where the schema says nothing general. */
function fixFromSchema(name: string, schema: z.ZodType, example?: unknown): string | undefined {
  if (schema instanceof z.ZodDefault) return fixFromSchema(name, schema.def.innerType as z.ZodType, schema.def.defaultValue);
  if (schema instanceof z.ZodOptional) return fixFromSchema(name, schema.def.innerType as z.ZodType, example);
  if (schema instanceof z.ZodPipe) return fixFromSchema(name, schema.def.out as z.ZodType, example) ?? fixFromSchema(name, schema.def.in as z.ZodType, example);
  if (schema instanceof z.ZodNumber) return numberFix(name, schema, example);
  if (schema instanceof z.ZodEnum) {
    const options = schema.options.map(String);
    return `one of ${options.join(', ')}${typeof example === 'string' && options.includes(example) ? ` (default ${example})` : ''}`;
  }
  if (schema instanceof z.ZodURL) return `an http(s) URL${typeof example === 'string' ? `, e.g. ${example}` : ''}`;
  return undefined;
}

/**
 * The fix for every variable whose schema is a number, a choice or a URL, derived from that schema;
 * `explicit` fixes (wording a schema cannot give) take precedence.
 */
export function envFixes(shape: Record<string, z.ZodType>, explicit: Record<string, string>): Record<string, string> {
  const derived = Object.entries(shape).flatMap(([name, schema]) => {
    const fix = fixFromSchema(name, schema);
    return fix ? [[name, fix] as const] : [];
  });
  return { ...Object.fromEntries(derived), ...explicit };
}
