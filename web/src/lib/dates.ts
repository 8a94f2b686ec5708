/**
 * Dates as the person reads them: in their calendar (Jalali or Gregorian), their time zone
 * and their language, through the browser's Intl (ICU, the same calendar data the server
 * uses for its Jalali renderings).
 */
export type CalendarKind = 'GREGORIAN' | 'JALALI';
export type Language = 'en' | 'fa';

export interface DateContext {
  readonly language: Language;
  readonly calendar: CalendarKind;
  readonly timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(context: DateContext, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const id = `${context.language}|${context.calendar}|${context.timeZone}|${key}`;
  let found = formatters.get(id);
  if (!found) {
    const locale = `${context.language === 'fa' ? 'fa-IR' : 'en-GB'}-u-ca-${context.calendar === 'JALALI' ? 'persian' : 'gregory'}`;
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone: context.timeZone });
    formatters.set(id, found);
  }
  return found;
}

/** "27 Azar 1404, 07:30" / "۲۷ آذر ۱۴۰۴، ۰۷:۳۰" / "18 Dec 2025, 07:30". */
export function formatDateTime(iso: string, context: DateContext): string {
  return formatter(context, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }, 'dt').format(new Date(iso));
}

export function formatDate(iso: string, context: DateContext): string {
  return formatter(context, { dateStyle: 'medium' }, 'd').format(new Date(iso));
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** Persian or Arabic-Indic digits typed on a Persian keyboard, as ASCII digits. */
export function latinDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (digit) => String(Math.max(PERSIAN_DIGITS.indexOf(digit), ARABIC_DIGITS.indexOf(digit))));
}

/** The wall-clock date and time of an instant in a zone, in a calendar, as `YYYY-MM-DD` and `HH:MM`. */
export function wallClock(iso: string, timeZone: string, calendar: CalendarKind): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat(`en-u-ca-${calendar === 'JALALI' ? 'persian' : 'gregory'}-nu-latn`, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // Persian years come with an era suffix in some ICU versions ("1404 AP"): keep the digits.
  const year = part('year').replace(/\D/g, '').padStart(4, '0');
  return { date: `${year}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` };
}

const DATE_PATTERN = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** The same calendar day in the other calendar (for switching the due-date field); null if it is not a valid date. */
export function convertDate(date: string, from: CalendarKind, to: CalendarKind): string | null {
  const match = DATE_PATTERN.exec(latinDigits(date.trim()));
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (from === to) return `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const atNoon = (ms: number) => new Date(ms).toISOString();
  if (from === 'GREGORIAN') {
    const ms = Date.UTC(year, month - 1, day, 12);
    const check = new Date(ms);
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    return wallClock(atNoon(ms), 'UTC', 'JALALI').date;
  }
  // Jalali to Gregorian: estimate from Nowruz (about 21 March, year + 621), then step to the exact day.
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const target = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const estimate = Date.UTC(year + 621, 2, 21, 12) + ((month - 1) * 30.6 + (day - 1)) * 86_400_000;
  for (let offset = -4; offset <= 4; offset += 1) {
    const ms = estimate + offset * 86_400_000;
    if (wallClock(atNoon(ms), 'UTC', 'JALALI').date === target) return wallClock(atNoon(ms), 'UTC', 'GREGORIAN').date;
  }
  return null;
}

/** Whether a typed date is a real day of its calendar (`1404-12-30` exists only in leap years). */
export function isValidDate(date: string, calendar: CalendarKind): boolean {
  return convertDate(date, calendar, calendar === 'JALALI' ? 'GREGORIAN' : 'JALALI') !== null;
}

/** The time zones the browser knows, for the profile's picker. */
export function timeZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return supported.includes('UTC') ? supported : ['UTC', ...supported];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
