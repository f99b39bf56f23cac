/**
 * `sparks:` in a community file: whether Jamii may start discussions in the community's quiet
 * chats, and how. Off unless the community turns it on.
 *
 * ```yaml
 * sparks:
 *   enabled: true
 *   mode: approve        # approve (the desk decides) or auto (posted at once)
 *   quiet_factor: 0.25   # quiet = at most a quarter of the chat's usual messages for the hour
 *   hours: 9-21          # local hours sparks may go out in; none = any usual active hour
 *   max_per_day: 1       # per chat
 * ```
 */
import { z } from 'zod';
import { DEFAULT_SPARK_SETTINGS, type SparkSettings } from '../core/sparks/spark-types.js';

const HOURS = /^([01]?\d|2[0-3])-([01]?\d|2[0-4])$/;

export const sparkSettingsSchema = z
  .object({
    enabled: z.boolean().default(DEFAULT_SPARK_SETTINGS.enabled),
    mode: z.enum(['approve', 'auto']).default(DEFAULT_SPARK_SETTINGS.mode),
    quiet_factor: z.number().gt(0, 'a share of the usual activity, above 0').max(1, 'a share of the usual activity, at most 1').default(DEFAULT_SPARK_SETTINGS.quietFactor),
    hours: z
      .union([z.literal('none'), z.string().regex(HOURS, 'local hours FROM-TO, e.g. 9-21 (20-2 wraps midnight), or none')])
      .refine((v) => v === 'none' || v.split('-')[0] !== v.split('-')[1], 'FROM and TO must differ')
      .default('none'),
    max_per_day: z.number().int().min(1).max(24).default(DEFAULT_SPARK_SETTINGS.maxPerDay),
  })
  .strict();

export function sparkSettings(raw: z.infer<typeof sparkSettingsSchema>): SparkSettings {
  const [from, to] = raw.hours === 'none' ? [] : raw.hours.split('-').map(Number);
  return {
    enabled: raw.enabled,
    mode: raw.mode,
    quietFactor: raw.quiet_factor,
    hours: from === undefined || to === undefined ? null : { from, to: to % 24 },
    maxPerDay: raw.max_per_day,
  };
}
