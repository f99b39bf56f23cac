/** Cron expressions read with cron-parser (the library pg-boss schedules with), in a time zone. */
import cronParser from 'cron-parser';
import type { CronSchedule } from '../core/news/news-types.js';

/** True when `cron` is a schedule cron-parser reads (five fields, or six with seconds). */
export function isValidCron(cron: string, timeZone = 'UTC'): boolean {
  try {
    cronParser.parseExpression(cron, { tz: timeZone });
    return true;
  } catch {
    return false;
  }
}

export const cronSchedule: CronSchedule = {
  latest(cron, timeZone, now) {
    // `prev()` is strictly before the current date: start a millisecond after now to include now.
    return cronParser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1), tz: timeZone }).prev().toDate();
  },
};
