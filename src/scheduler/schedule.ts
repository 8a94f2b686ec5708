// When a time-based process runs: a schedule in the original's `{hour, minute, timezone}`
// form or as a cron expression with a time zone, and the next slot after an instant,
// computed in wall-clock time of that zone (so DST changes move the UTC instant, not the
// local time).
import { z } from 'zod';
import { timeZoneSchema } from '../config.js';
import { COMPATIBLE, instantOfWallClock, wallClockOf } from '../time/zone.js';

/** The original's daily form, stored as is in `schedule_config`. */
export interface DailySchedule {
  readonly hour: number;
  readonly minute: number;
  readonly timezone: string;
}

/** Five fields (minute hour day-of-month month day-of-week) or six with seconds first. */
export interface CronSchedule {
  readonly cron: string;
  readonly timezone: string;
}

export type Schedule = DailySchedule | CronSchedule;

export const scheduleSchema = z.union([
  z.object({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59), timezone: timeZoneSchema }).strict(),
  z
    .object({
      cron: z.string().trim().min(1).superRefine((expression, context) => {
        try {
          parseCron(expression);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
      timezone: timeZoneSchema,
    })
    .strict(),
]);

export function isCronSchedule(schedule: Schedule): schedule is CronSchedule {
  return 'cron' in schedule;
}

/** The schedule as one cron expression (the daily form is `0 minute hour * * *`). */
export function cronExpressionOf(schedule: Schedule): string {
  return isCronSchedule(schedule) ? schedule.cron : `${schedule.minute} ${schedule.hour} * * *`;
}

interface CronFields {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either one fires. */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

function parseField(text: string, name: string, min: number, max: number): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`cron ${name} field "${text}" is not understood`);
    const [, whole, from, to, step] = match;
    let start = min;
    let end = max;
    if (whole !== '*') {
      start = Number(from);
      end = to !== undefined ? Number(to) : step !== undefined ? max : start;
    }
    const increment = step !== undefined ? Number(step) : 1;
    if (start < min || end > max || start > end || increment < 1) {
      throw new Error(`cron ${name} field "${text}" must stay within ${min}-${max}`);
    }
    for (let value = start; value <= end; value += increment) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

export function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new Error('a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first');
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = parts.length === 6 ? parts : ['0', ...parts];
  return {
    seconds: parseField(second!, 'second', 0, 59),
    minutes: parseField(minute!, 'minute', 0, 59),
    hours: parseField(hour!, 'hour', 0, 23),
    daysOfMonth: new Set(parseField(dayOfMonth!, 'day-of-month', 1, 31)),
    months: new Set(parseField(month!, 'month', 1, 12)),
    // 0 and 7 are both Sunday.
    daysOfWeek: new Set(parseField(dayOfWeek!, 'day-of-week', 0, 7).map((day) => day % 7)),
    dayOfMonthRestricted: dayOfMonth !== '*',
    dayOfWeekRestricted: dayOfWeek !== '*',
  };
}

const DAY_MS = 86_400_000;
/** A cron such as "Feb 29 on a Monday" fires rarely; past this horizon there is no next slot. */
const HORIZON_DAYS = 366 * 8;

/** The first slot of the schedule strictly after `after`, or null when there is none within eight years. */
export function nextSlot(schedule: Schedule, after: Date): Date | null {
  const fields = parseCron(cronExpressionOf(schedule));
  const zone = schedule.timezone;
  const afterMs = after.getTime();
  const start = wallClockOf(after, zone);
  // Wall-clock seconds of day of `after`, less two hours of slack for a DST change that day.
  const skipBefore = start.hour * 3600 + start.minute * 60 + start.second - 7200;
  const firstDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let dayIndex = 0; dayIndex < HORIZON_DAYS; dayIndex += 1) {
    const date = new Date(firstDay + dayIndex * DAY_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    if (!fields.months.has(month)) continue;
    const domMatch = fields.daysOfMonth.has(day);
    const dowMatch = fields.daysOfWeek.has(date.getUTCDay());
    const dayMatches =
      fields.dayOfMonthRestricted && fields.dayOfWeekRestricted ? domMatch || dowMatch : domMatch && dowMatch;
    if (!dayMatches) continue;
    for (const hour of fields.hours) {
      for (const minute of fields.minutes) {
        for (const second of fields.seconds) {
          if (dayIndex === 0 && hour * 3600 + minute * 60 + second < skipBefore) continue;
          // As cron does: a time skipped by a DST jump runs just after it, a repeated one once.
          const instant = instantOfWallClock({ year, month, day, hour, minute, second }, zone, COMPATIBLE).getTime();
          if (instant > afterMs) return new Date(instant);
        }
      }
    }
  }
  return null;
}

/** Whether `slot` is one of the schedule's slots (a job queued before an edit may no longer be). */
export function isSlotOf(schedule: Schedule, slot: Date): boolean {
  return nextSlot(schedule, new Date(slot.getTime() - 1))?.getTime() === slot.getTime();
}
