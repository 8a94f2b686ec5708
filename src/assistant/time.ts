// How the assistant shows times to people and to language models: always on the wall clock of
// the user's zone, read through src/time/zone.
import { offsetMinutes, wallClockOf } from '../time/zone.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `2025-12-18 07:30` in the zone: how the assistant shows a time to a person. */
export function formatLocal(instant: Date, timeZone: string): string {
  const wall = wallClockOf(instant, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** `2025-12-18`: a Gregorian calendar date without a time. */
export function formatLocalDate(date: { year: number; month: number; day: number }): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** `2025-12-18T07:30:00+03:30`: an unambiguous local time for a language model. */
export function formatIsoLocal(instant: Date, timeZone: string): string {
  const wall = wallClockOf(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The weekday name of `instant` in the zone (e.g. `Thursday`). */
export function weekdayOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(instant);
}
