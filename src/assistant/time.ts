// Wall-clock arithmetic in a user's IANA time zone, with nothing but Intl.

export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, calendar = 'gregory'): Intl.DateTimeFormat {
  const key = `${calendar}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(`en-US-u-ca-${calendar}-nu-latn`, {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The wall-clock reading of `instant` in `timeZone` (in the Gregorian calendar unless told). */
export function wallTimeOf(instant: Date, timeZone: string, calendar = 'gregory'): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone, calendar).formatToParts(instant)) {
    if (part.type !== 'literal' && part.type !== 'era') parts[part.type] = Number.parseInt(part.value, 10);
  }
  return {
    year: parts.year ?? parts.relatedYear!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Minutes `timeZone` is ahead of UTC at `instant` (Tehran: 210). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const wall = wallTimeOf(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which clocks in `timeZone` read `wall`. Around a DST change the offset of the
 * target moment is used (found by a second pass), so "9am" stays 9am across the switch.
 */
export function instantOf(wall: Omit<WallTime, 'second'> & { second?: number }, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  let guess = new Date(asUtc - offsetMinutes(new Date(asUtc), timeZone) * 60_000);
  guess = new Date(asUtc - offsetMinutes(guess, timeZone) * 60_000);
  return guess;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `2025-12-18 07:30` in the zone: how the assistant shows a time to a person. */
export function formatLocal(instant: Date, timeZone: string): string {
  const wall = wallTimeOf(instant, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** `2025-12-18T07:30:00+03:30`: an unambiguous local time for a language model. */
export function formatIsoLocal(instant: Date, timeZone: string): string {
  const wall = wallTimeOf(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The weekday name of `instant` in the zone (e.g. `Thursday`). */
export function weekdayOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(instant);
}
