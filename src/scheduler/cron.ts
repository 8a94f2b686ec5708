// Cron expressions on their own, with no time zone: the fields, and the next wall-clock
// reading that matches them. A reading is a wall-clock date and time written as if it were
// UTC (milliseconds on the Date.UTC scale); schedule.ts turns readings into instants in a zone.

export interface CronFields {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either one fires. */
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
  /**
   * Whether the second, minute or hour field starts with `*` (`*`, `*\/30`). Cron runs such
   * schedules by the wall clock across DST changes; the others are "fixed-time" schedules
   * (see schedule.ts). Vixie cron draws the same line with its MIN_STAR and HR_STAR flags.
   */
  readonly wildcardTime: boolean;
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

/** Five fields (minute hour day-of-month month day-of-week), or six with seconds first. */
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
    wildcardTime: [second!, minute!, hour!].some((field) => field.startsWith('*')),
  };
}

const DAY_MS = 86_400_000;

function dayMatches(fields: CronFields, day: Date): boolean {
  if (!fields.months.has(day.getUTCMonth() + 1)) return false;
  const domMatch = fields.daysOfMonth.has(day.getUTCDate());
  const dowMatch = fields.daysOfWeek.has(day.getUTCDay());
  return fields.dayOfMonthRestricted && fields.dayOfWeekRestricted ? domMatch || dowMatch : domMatch && dowMatch;
}

/** The first time of day (in seconds) at or after `from` that the fields allow, or null. */
function firstTimeFrom(fields: CronFields, from: number): number | null {
  const fromHour = Math.floor(from / 3600);
  const fromMinute = Math.floor((from % 3600) / 60);
  const fromSecond = from % 60;
  for (const hour of fields.hours) {
    if (hour < fromHour) continue;
    for (const minute of fields.minutes) {
      if (hour === fromHour && minute < fromMinute) continue;
      for (const second of fields.seconds) {
        if (hour === fromHour && minute === fromMinute && second < fromSecond) continue;
        return hour * 3600 + minute * 60 + second;
      }
    }
  }
  return null;
}

/** The first reading at or after `from` (whole seconds) that matches, if there is one no later than `limit`. */
export function nextMatchingReading(fields: CronFields, from: number, limit: number): number | null {
  const start = Math.ceil(from / 1000) * 1000;
  let dayStart = Math.floor(start / DAY_MS) * DAY_MS;
  let fromSecond = (start - dayStart) / 1000;
  for (; dayStart <= limit; dayStart += DAY_MS, fromSecond = 0) {
    if (!dayMatches(fields, new Date(dayStart))) continue;
    const time = firstTimeFrom(fields, fromSecond);
    if (time === null) continue;
    const reading = dayStart + time * 1000;
    return reading <= limit ? reading : null;
  }
  return null;
}
