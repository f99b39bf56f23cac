/**
 * `sparks:` in a community file: whether Jamii may start discussions in the community's quiet
 * chats, and how. Off unless the community turns it on.
 *
 * ```yaml
 * sparks:
 *   enabled: true
 *   mode: approve        # approve (the desk decides) or auto (posted at once)
 *   quiet_factor: 0.25   # quiet = at most a quarter of the chat's usual messages for the hour
 *   hours: 9-21          # local hours sparks may go out in; none (or 0-24) = any usual active hour
 *   max_per_day: 1       # per chat
 * ```
 */
import { z } from 'zod';
import { DEFAULT_SPARK_SETTINGS, type SparkSettings } from '../core/sparks/spark-types.js';

const HOURS = /^([01]?\d|2[0-3])-([01]?\d|2[0-4])$/;

/** `FROM-TO` as numbers; the pattern above has been checked. */
function hourBounds(hours: string): [number, number] {
  const [from, to] = hours.split('-').map(Number) as [number, number];
  return [from, to];
}

export const sparkSettingsSchema = z
  .object({
    enabled: z.boolean().default(DEFAULT_SPARK_SETTINGS.enabled),
    mode: z.enum(['approve', 'auto']).default(DEFAULT_SPARK_SETTINGS.mode),
    quiet_factor: z.number().gt(0, 'a share of the usual activity, above 0').max(1, 'a share of the usual activity, at most 1').default(DEFAULT_SPARK_SETTINGS.quietFactor),
    hours: z
      .union([z.literal('none'), z.string().regex(HOURS, 'local hours FROM-TO, e.g. 9-21 (20-2 wraps midnight), or none')])
      .refine((v) => {
        if (v === 'none') return true;
        const [from, to] = hourBounds(v);
        return from !== to;
      }, 'FROM and TO must be different hours (0-24 is all day)')
      .default('none'),
    max_per_day: z.number().int().min(1).max(24).default(DEFAULT_SPARK_SETTINGS.maxPerDay),
  })
  .strict();

export function sparkSettings(raw: z.infer<typeof sparkSettingsSchema>): SparkSettings {
  const [from, to] = raw.hours === 'none' ? [0, 24] : hourBounds(raw.hours);
  return {
    enabled: raw.enabled,
    mode: raw.mode,
    quietFactor: raw.quiet_factor,
    // 0-24 is the whole day, the same as none; 9-24 runs to midnight (to 0, wrapping).
    hours: from === 0 && to === 24 ? null : { from, to: to % 24 },
    maxPerDay: raw.max_per_day,
  };
}
