// Calendar arithmetic for tasks: Jalali (Solar Hijri) renderings, and the reverse (a Jalali or
// local date-time back to an instant). Rendering uses the runtime's ICU (`ca-persian`) through
// src/time/zone; the reverse is checked against that same rendering, so a date this module
// accepts always renders back to exactly what was written.
import { COMPATIBLE, instantOfWallClock, wallClockOf, type WallClock } from '../time/zone.js';

// Part of the tasks calendar that the task service and rules already speak through.
export { dayBounds } from '../time/zone.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `YYYY-MM-DDTHH:MM:SS` without an offset. */
export function formatWallClock(clock: WallClock): string {
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}T${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}`;
}

/**
 * The Jalali rendering of an instant in `timeZone`, as stored in Behflow's `*_jalali` columns
 * (e.g. 2025-12-18T07:30:00+03:30 in Asia/Tehran is `1404-09-27T07:30:00`).
 */
export function toJalali(instant: Date, timeZone: string): string {
  return formatWallClock(wallClockOf(instant, timeZone, 'persian'));
}

const DAY_MS = 86_400_000;

/** Days before the first of month `month` (1–12) in a Jalali year: six months of 31 days, then 30s. */
function daysBeforeJalaliMonth(month: number): number {
  return month <= 7 ? (month - 1) * 31 : 186 + (month - 7) * 30;
}

/** The Gregorian date (as UTC midnight) of 1 Farvardin of Jalali year `year`, or null out of range. */
function nowruzOf(year: number): number | null {
  const gregorianYear = year + 621;
  for (let day = 18; day <= 23; day += 1) {
    const noon = Date.UTC(gregorianYear, 2, day, 12);
    const jalali = wallClockOf(new Date(noon), 'UTC', 'persian');
    if (jalali.year === year && jalali.month === 1 && jalali.day === 1) return Date.UTC(gregorianYear, 2, day);
  }
  return null;
}

/** The Gregorian date of a Jalali date, or null when that date does not exist (e.g. Esfand 30 of a common year). */
export function jalaliToGregorian(year: number, month: number, day: number): { year: number; month: number; day: number } | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9000 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const nowruz = nowruzOf(year);
  if (nowruz === null) return null;
  const date = new Date(nowruz + (daysBeforeJalaliMonth(month) + day - 1) * DAY_MS + 12 * 3_600_000);
  const check = wallClockOf(date, 'UTC', 'persian');
  if (check.year !== year || check.month !== month || check.day !== day) return null;
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Whether a Jalali year has 30 days in Esfand. */
export function isJalaliLeapYear(year: number): boolean {
  return jalaliToGregorian(year, 12, 30) !== null;
}

function isValidGregorianDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII, so `۱۴۰۴-۰۹-۲۷` reads like `1404-09-27`. */
export function normalizeDigits(text: string): string {
  return text
    .replace(/[\u06F0-\u06F9]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660));
}

const LOCAL_DATE_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export class CalendarInputError extends Error {}

/**
 * A written time the clocks skip is read as just after the jump, and one they show twice as
 * its first occurrence.
 */
const WRITTEN_TIME_RULE = COMPATIBLE;

/** A time of day on a wall clock. */
export interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** A written local date and, when one was written, its time of day. */
function readWallClock(text: string): { date: [number, number, number]; time: TimeOfDay | null } | null {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const date: [number, number, number] = [Number(y), Number(mo), Number(d)];
  if (h === undefined) return { date, time: null };
  const time = { hour: Number(h), minute: Number(mi), second: Number(s ?? 0) };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return null;
  return { date, time };
}

/**
 * A Jalali date (`1404-09-27`) or date-time (`1404-09-27T07:30[:00]`) on the wall clock of
 * `timeZone`; a date alone is read at `dateOnlyTime` (what a date alone means is the caller's
 * rule, e.g. the task service's for due dates). Throws CalendarInputError when malformed or nonexistent.
 */
export function parseJalali(text: string, timeZone: string, dateOnlyTime: TimeOfDay): Date {
  const parsed = readWallClock(normalizeDigits(text.trim()));
  if (!parsed) throw new CalendarInputError('Expected a Jalali date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM[:SS]`.');
  const [year, month, day] = parsed.date;
  const gregorian = jalaliToGregorian(year, month, day);
  if (!gregorian) throw new CalendarInputError(`${year}-${pad(month)}-${pad(day)} is not a date in the Jalali calendar.`);
  return instantOfWallClock({ ...gregorian, ...(parsed.time ?? dateOnlyTime) }, timeZone, WRITTEN_TIME_RULE);
}

/**
 * A Gregorian local date (`2025-12-18`) or date-time without offset (`2025-12-18T07:30`) on the
 * wall clock of `timeZone`; a date alone is read at `dateOnlyTime`.
 */
export function parseLocalGregorian(text: string, timeZone: string, dateOnlyTime: TimeOfDay): Date {
  const parsed = readWallClock(normalizeDigits(text.trim()));
  if (!parsed) throw new CalendarInputError('Expected a date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM[:SS]`.');
  const [year, month, day] = parsed.date;
  if (!isValidGregorianDate(year, month, day)) throw new CalendarInputError(`${year}-${pad(month)}-${pad(day)} is not a date.`);
  return instantOfWallClock({ year, month, day, ...(parsed.time ?? dateOnlyTime) }, timeZone, WRITTEN_TIME_RULE);
}

/** Jalali years in use are far below any plausible Gregorian due date (1404 vs 2025). */
const JALALI_YEAR_LIMIT = 1700;

/**
 * Reads a date written any way a person or the assistant may write one: ISO 8601 with an
 * offset (an instant), or a wall-clock date / date-time in `timeZone`, Jalali when its year
 * is below 1700 (`1404-09-27T07:30`), Gregorian otherwise (`2025-12-18`); a date alone is read
 * at `dateOnlyTime`.
 */
export function parseFlexibleDate(text: string, timeZone: string, dateOnlyTime: TimeOfDay): Date {
  const normalized = normalizeDigits(text.trim());
  if (ISO_WITH_OFFSET.test(normalized)) {
    const instant = new Date(normalized);
    if (Number.isNaN(instant.getTime())) throw new CalendarInputError('Not a valid date-time.');
    // Date.parse rolls 2025-02-30 over to March; reject dates that do not exist as written.
    const [year, month, day] = normalized.slice(0, 10).split('-').map(Number) as [number, number, number];
    if (!isValidGregorianDate(year, month, day)) throw new CalendarInputError('Not a valid date-time.');
    return instant;
  }
  const year = Number(/^(\d{4})/.exec(normalized)?.[1] ?? NaN);
  if (Number.isNaN(year)) throw new CalendarInputError('Expected an ISO 8601 date-time, a Jalali date-time or a date `YYYY-MM-DD`.');
  return year < JALALI_YEAR_LIMIT
    ? parseJalali(normalized, timeZone, dateOnlyTime)
    : parseLocalGregorian(normalized, timeZone, dateOnlyTime);
}
