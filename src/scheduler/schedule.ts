// When a time-based process runs: a schedule in the original's `{hour, minute, timezone}`
// form or as a cron expression with a time zone, and its slots, the instants it runs at.
// Slots follow the zone's wall clock across DST changes the way Vixie cron and cronie do:
//
// - A schedule with `*` in its second, minute or hour field (`0 * * * *`, `*/30 * * * *`)
//   runs by the wall clock: every instant whose local time matches is a slot. The hour a
//   spring-forward skips has none; the hour a fall-back repeats has its slots in each pass
//   (hourly in New York: 01:00 EDT and 01:00 EST, an hour apart, as the clocks show 01:00
//   twice), so the runs stay evenly spaced in real time.
// - Any other schedule is fixed-time (`30 7 * * *`, `0 9-17 * * 1-5`, the daily form): each
//   of its local times runs once. A time the clocks skip runs after the jump, as far after
//   it as it was after the jump's start (02:30 on a 02:00 → 03:00 night runs at 03:30); a
//   time the clocks show twice runs at its first occurrence only.
//
// Pure functions of a schedule and an instant: no clock of their own, no I/O.
import { z } from 'zod';
import { timeZoneSchema } from '../config.js';
import { COMPATIBLE, instantOfWallClock, offsetMsAt } from '../time/zone.js';
import { nextMatchingReading, parseCron, type CronFields } from './cron.js';

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
      cron: z
        .string()
        .trim()
        .min(1)
        .superRefine((expression, context) => {
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

/** Whether the schedule runs by the wall clock (a `*` in its time fields) rather than at fixed times. */
export function runsByWallClock(schedule: Schedule): boolean {
  return parseCron(cronExpressionOf(schedule)).wildcardTime;
}

const DAY_MS = 86_400_000;
/** A cron such as "Feb 29 on a Monday" fires rarely; past this horizon there is no next slot. */
const HORIZON_MS = 366 * 8 * DAY_MS;
/** Longer than any DST jump (an hour in most zones, 30 minutes or two hours in a few). */
const MAX_JUMP_MS = 3 * 3_600_000;

/** The first instant in (low, high] whose offset is not `offset`, knowing that high's is not. Offsets change on whole seconds. */
function firstOffsetChange(low: number, high: number, offset: number, zone: string): number {
  let lowSecond = Math.floor(low / 1000);
  let highSecond = Math.floor(high / 1000);
  while (highSecond - lowSecond > 1) {
    const middle = Math.floor((lowSecond + highSecond) / 2);
    if (offsetMsAt(middle * 1000, zone) === offset) lowSecond = middle;
    else highSecond = middle;
  }
  return highSecond * 1000;
}

/** The first instant in [start, end] at which the zone leaves `offset` (start's offset), or null. Zones change at most once in two days. */
function offsetChangeIn(start: number, end: number, offset: number, zone: string): number | null {
  for (let low = start; low < end; ) {
    const high = Math.min(low + DAY_MS, end);
    if (offsetMsAt(high, zone) !== offset) return firstOffsetChange(low, high, offset, zone);
    low = high;
  }
  return null;
}

function wallClockOfReading(reading: number) {
  const date = new Date(reading);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** Whether the clocks showed `reading` already before `instant` (the second pass of a fall-back hour). */
function shownBefore(reading: number, instant: number, zone: string): boolean {
  return instantOfWallClock(wallClockOfReading(reading), zone, COMPATIBLE).getTime() < instant;
}

/**
 * Where the first fixed time skipped by the spring-forward at `change` (the clocks going from
 * offset `before` to the larger `after`) lands, when that is later than `afterMs`: each
 * skipped reading is read with the offset from before the jump.
 */
function skippedTimeLanding(fields: CronFields, change: number, before: number, after: number, afterMs: number): number | null {
  const reading = nextMatchingReading(fields, Math.max(change + before, afterMs + 1 + before), change + after - 1000);
  return reading === null ? null : reading - before;
}

/** The first slot of the schedule strictly after `after`, or null when there is none within eight years. */
export function nextSlot(schedule: Schedule, after: Date): Date | null {
  const fields = parseCron(cronExpressionOf(schedule));
  const zone = schedule.timezone;
  const afterMs = after.getTime();
  let limit = afterMs + HORIZON_MS;
  let landed: number | null = null;
  if (!fields.wildcardTime) {
    // `after` may fall just after a spring-forward whose skipped times land later still.
    const earlier = afterMs - MAX_JUMP_MS;
    const before = offsetMsAt(earlier, zone);
    const now = offsetMsAt(afterMs + 1, zone);
    if (before < now) landed = skippedTimeLanding(fields, firstOffsetChange(earlier, afterMs + 1, before, zone), before, now, afterMs);
    if (landed !== null) limit = landed;
  }
  // Walk the stretches of constant offset; within one, readings map to instants one to one.
  let from = afterMs;
  while (from < limit) {
    const offset = offsetMsAt(from + 1, zone);
    const reading = nextMatchingReading(fields, from + 1 + offset, limit + offset);
    const candidate = reading === null ? null : reading - offset;
    const change = offsetChangeIn(from + 1, candidate ?? limit, offset, zone);
    if (change === null) {
      if (reading === null || candidate === null) break;
      if (!fields.wildcardTime && shownBefore(reading, candidate, zone)) {
        from = candidate;
        continue;
      }
      return new Date(candidate);
    }
    const next = offsetMsAt(change, zone);
    if (!fields.wildcardTime && landed === null && next > offset) {
      landed = skippedTimeLanding(fields, change, offset, next, afterMs);
      if (landed !== null) limit = landed;
    }
    from = change - 1;
  }
  return landed === null ? null : new Date(landed);
}

/** Whether `slot` is one of the schedule's slots (a job queued before an edit may no longer be). */
export function isSlotOf(schedule: Schedule, slot: Date): boolean {
  return nextSlot(schedule, new Date(slot.getTime() - 1))?.getTime() === slot.getTime();
}

/**
 * The latest slot in [earliest, at], or null when there is none: the slot that is due at
 * `at` when the slots from `earliest` on have not run (after downtime, several have passed).
 */
export function latestSlotBetween(schedule: Schedule, earliest: Date, at: Date): Date | null {
  const atMs = at.getTime();
  const first = nextSlot(schedule, new Date(earliest.getTime() - 1));
  if (!first || first.getTime() > atMs) return null;
  const second = nextSlot(schedule, first);
  if (!second || second.getTime() > atMs) return first;
  // nextSlot is monotonic: find the last instant whose next slot is still no later than `at`.
  let low = second.getTime();
  let high = atMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const next = nextSlot(schedule, new Date(middle));
    if (next && next.getTime() <= atMs) low = middle;
    else high = middle;
  }
  const latest = nextSlot(schedule, new Date(low));
  return latest && latest.getTime() <= atMs ? latest : second;
}
