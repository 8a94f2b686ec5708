// The Jalali (Solar Hijri) rendering the assistant's instructions show beside the Gregorian time.
import { wallTimeOf } from './time.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `1404-09-27T07:30:00`: `instant` in the Jalali calendar, as clocks in `timeZone` read it. */
export function formatJalali(instant: Date, timeZone: string): string {
  const wall = wallTimeOf(instant, timeZone, 'persian');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}
