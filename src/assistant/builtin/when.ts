// What a written time means for a task's due date, on the wall clock of the user's zone:
// a new day keeps the task's time of day unless a time is given, a time alone keeps its day,
// and a shift moves the current due date ("by a day" keeps the time across a DST change).
import { COMPATIBLE, instantOfWallClock, wallClockOf } from '../../time/zone.js';
import { formatIsoLocal, formatLocalDate } from '../time.js';
import type { CalendarDate, ClockTime, When } from './intent.js';

const MINUTE_MS = 60_000;

function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function addMonths(date: CalendarDate, months: number): CalendarDate {
  const first = new Date(Date.UTC(date.year, date.month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(date.day, lastDay) };
}

export function todayIn(now: Date, timeZone: string): CalendarDate {
  const wall = wallClockOf(now, timeZone);
  return { year: wall.year, month: wall.month, day: wall.day };
}

export const shiftDate = addDays;

/** A wall-clock date and time in the zone, as the ISO date-time with offset the tools take. */
export function atWallClock(date: CalendarDate, time: ClockTime, timeZone: string): string {
  return formatIsoLocal(instantOfWallClock({ ...date, hour: time.hour, minute: time.minute, second: 0 }, timeZone, COMPATIBLE), timeZone);
}

/** Whether a due instant was written as a day alone (by its end, 23:59). */
const isEndOfDay = (time: ClockTime) => time.hour === 23 && time.minute === 59;

/**
 * The due date (as the tools take it: an ISO date-time with offset, or a date alone for "by the
 * end of that day") that `when` gives a task currently due `current` (null: none).
 */
export function dueFrom(when: When, context: { now: Date; timeZone: string; current: Date | null }): string {
  const { now, timeZone, current } = context;
  const currentWall = current ? wallClockOf(current, timeZone) : null;
  const currentTime = currentWall ? { hour: currentWall.hour, minute: currentWall.minute } : null;
  const currentDate = currentWall ? { year: currentWall.year, month: currentWall.month, day: currentWall.day } : null;

  if (when.shift) {
    const { amount, unit } = when.shift;
    // Putting off a task that is already overdue counts from now: "snooze it 2 hours" means
    // two hours from now, "by a day" tomorrow at its usual time.
    const overdue = current !== null && current.getTime() < now.getTime() && amount > 0;
    if (overdue && currentTime && unit !== 'minute' && unit !== 'hour') {
      const today = todayIn(now, timeZone);
      const date = unit === 'month' ? addMonths(today, amount) : addDays(today, amount * (unit === 'week' ? 7 : 1));
      return isEndOfDay(currentTime) ? formatLocalDate(date) : atWallClock(date, when.time ?? currentTime, timeZone);
    }
    const base = when.fromNow || !current || overdue ? now : current;
    if (unit === 'minute' || unit === 'hour') {
      return formatIsoLocal(new Date(base.getTime() + amount * (unit === 'hour' ? 60 : 1) * MINUTE_MS), timeZone);
    }
    const wall = wallClockOf(base, timeZone);
    const from = { year: wall.year, month: wall.month, day: wall.day };
    const date = unit === 'month' ? addMonths(from, amount) : addDays(from, amount * (unit === 'week' ? 7 : 1));
    // "in 3 days" names a day, like "friday": the task keeps its time of day.
    if (when.fromNow || !current) return dueFrom({ date, ...(when.time ? { time: when.time } : {}) }, context);
    return atWallClock(date, when.time ?? { hour: wall.hour, minute: wall.minute }, timeZone);
  }
  if (when.date && when.time) return atWallClock(when.date, when.time, timeZone);
  if (when.date) {
    // A new day keeps the time of day the task had; a task due "by the end of a day" stays so.
    if (currentTime && !isEndOfDay(currentTime)) return atWallClock(when.date, currentTime, timeZone);
    return formatLocalDate(when.date);
  }
  if (when.time) {
    // A time alone keeps the task's day; without one, the next time the clock shows it.
    if (currentDate) return atWallClock(currentDate, when.time, timeZone);
    const today = todayIn(now, timeZone);
    const todayAt = instantOfWallClock({ ...today, ...when.time, second: 0 }, timeZone, COMPATIBLE);
    return atWallClock(todayAt.getTime() > now.getTime() ? today : addDays(today, 1), when.time, timeZone);
  }
  throw new Error('a When without a date, a time or a shift has no due date');
}
