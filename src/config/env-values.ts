/**
 * How environment values are read, shared by every variable: blank means unset, numbers are plain
 * decimal text, comma lists need an entry.
 */
import { z } from 'zod';

/** Digits, an optional minus sign and fraction: no hex (`0x10`), exponent (`1e3`), blank or `+`. */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** An empty or whitespace-only value counts as unset. */
export function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
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
