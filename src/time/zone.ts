// Wall-clock arithmetic in IANA time zones, with nothing but the runtime's Intl (ICU): what a
// zone's clocks read at an instant, the zone's offset, and the way back from a wall-clock
// reading to an instant, including the readings a DST change skips or repeats.

export type Calendar = 'gregory' | 'persian';

/** A reading of a zone's clocks; month is 1–12, in whichever calendar it was read. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

// Building a DateTimeFormat costs far more than using one, and every reading needs one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(calendar: Calendar, timeZone: string): Intl.DateTimeFormat {
  const key = `${calendar}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(`en-US-u-ca-${calendar}-nu-latn`, {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: calendar === 'gregory' ? 'short' : undefined,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The wall clock of `instant` in `timeZone`, in the Gregorian or the Persian (Jalali) calendar. */
export function wallClockOf(instant: Date | number, timeZone: string, calendar: Calendar = 'gregory'): WallClock {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(calendar, timeZone).formatToParts(instant)) fields[part.type] = part.value;
  let year = Number(fields.year);
  // Gregorian years before 1 CE come back as positive years with era BC.
  if (calendar === 'gregory' && fields.era === 'BC') year = 1 - year;
  return {
    year,
    month: Number(fields.month),
    day: Number(fields.day),
    // A midnight written as 24, as some engine versions have done, is hour 0.
    hour: Number(fields.hour) % 24,
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** A Gregorian wall clock read as if it were UTC: the scale on which offsets are added and taken away. */
function asUtc(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** Milliseconds `timeZone` is ahead of UTC at `instant` (whole seconds: wall clocks show no less). */
export function offsetMsAt(instant: number, timeZone: string): number {
  return asUtc(wallClockOf(instant, timeZone)) - Math.floor(instant / 1000) * 1000;
}

/** Minutes `timeZone` is ahead of UTC at `instant` (Tehran: 210, New York in winter: -300). */
export function offsetMinutes(instant: Date | number, timeZone: string): number {
  return Math.round(offsetMsAt(typeof instant === 'number' ? instant : instant.getTime(), timeZone) / 60_000);
}

/**
 * How to read a wall-clock time that a DST change makes ambiguous:
 * - `gap` is for a time the clocks skip (02:30 when they jump from 02:00 to 03:00). `'later'`
 *   reads it with the offset from before the jump, which lands as far after the jump as the time
 *   was after its start (02:30 → 03:30); `'earlier'` reads it with the offset from after the
 *   jump, which lands as far before it (02:30 → 01:30).
 * - `overlap` is for a time the clocks show twice (01:30 when they go back from 02:00 to 01:00):
 *   its `'earlier'` or its `'later'` occurrence.
 */
export interface Disambiguation {
  readonly gap: 'earlier' | 'later';
  readonly overlap: 'earlier' | 'later';
}

/** What cron and most calendars do: a skipped time runs just after the jump, a repeated one once, the first time. */
export const COMPATIBLE: Disambiguation = { gap: 'later', overlap: 'earlier' };

const DAY_MS = 86_400_000;

/**
 * The instant at which the clocks in `timeZone` read `clock` (a Gregorian date and time), with
 * skipped and repeated times resolved by `rule`. Zones change their offset at most once in any
 * two days, so the offsets a day either side of the reading are the only ones it can be read with.
 */
export function instantOfWallClock(clock: WallClock, timeZone: string, rule: Disambiguation = COMPATIBLE): Date {
  const reading = asUtc(clock);
  const before = offsetMsAt(reading - DAY_MS, timeZone);
  const after = offsetMsAt(reading + DAY_MS, timeZone);
  const occurrences = [...new Set([before, after])]
    .map((offset) => reading - offset)
    .filter((instant) => reading - offsetMsAt(instant, timeZone) === instant)
    .sort((a, b) => a - b);
  if (occurrences.length > 0) return new Date(rule.overlap === 'earlier' ? occurrences[0]! : occurrences[occurrences.length - 1]!);
  return new Date(reading - (rule.gap === 'later' ? before : after));
}

/** The Gregorian date `days` after (or before) the date of `clock`, at midnight. */
function midnightAfter(clock: WallClock, days: number): WallClock {
  const date = new Date(Date.UTC(clock.year, clock.month - 1, clock.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 0, minute: 0, second: 0 };
}

/**
 * Start (inclusive) and end (exclusive) of the calendar day containing `instant` in `timeZone`.
 * Where a DST jump skips midnight, the day starts at the jump, so days still tile without gaps.
 */
export function dayBounds(instant: Date, timeZone: string): { start: Date; end: Date } {
  const today = wallClockOf(instant, timeZone);
  return {
    start: instantOfWallClock(midnightAfter(today, 0), timeZone, COMPATIBLE),
    end: instantOfWallClock(midnightAfter(today, 1), timeZone, COMPATIBLE),
  };
}
