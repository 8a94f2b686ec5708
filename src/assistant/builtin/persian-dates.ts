// Dates and times written in Persian, in the Jalali calendar and the user's zone: ۱۴۰۵/۹/۲۰,
// ۲۰ آذر, بیستم آذر ۱۴۰۵, فردا, پس‌فردا, شنبه, سه‌شنبه هفته بعد, ۳ روز دیگر, ساعت ۵ عصر,
// ۸ صبح, ساعت ۱۷:۳۰. Digits are already ASCII here (see text.ts); number words are read by
// @persian-tools/persian-tools, the Jalali dates by the calendar the task columns use.
import { wordsToNumber } from '@persian-tools/persian-tools';
import { jalaliToGregorian } from '../../tasks/calendar.js';
import { wallClockOf } from '../../time/zone.js';
import type { CalendarDate, ClockTime, DurationUnit, ReadContext, When } from './intent.js';
import { shiftDate, todayIn } from './when.js';

/** Between the parts of a compound word: a half-space, a space or nothing (پس‌فردا, پس فردا, پسفردا). */
const J = '[\\u200c ]?';
/** Not inside a longer word. */
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}\\u200c])';
/** A date, with the preposition before it (برای فردا, تا شنبه). */
const DATE_START = `${START}(?:(?:برای|تا|واسه|به|در|روز|تاریخ)\\s+)?`;

export const JALALI_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
/** Saturday first, as the Persian week runs; index = days after Saturday. */
const WEEKDAYS: Array<[string, number]> = [
  [`یک${J}شنبه`, 1],
  [`دو${J}شنبه`, 2],
  [`سه${J}شنبه`, 3],
  [`چهار${J}شنبه`, 4],
  [`پنج${J}شنبه`, 5],
  ['جمعه', 6],
  ['شنبه', 0],
];

const NUMBER = String.raw`(\d{1,3}|یک|یه|دو|سه|چهار|پنج|شش|شیش|هفت|هشت|نه|ده|یازده|دوازده|بیست|سی|نیم)`;
const ORDINAL_WORD = String.raw`((?:بیست|سی)(?:\s+و\s+)?(?:یکم|دوم|سوم|چهارم|پنجم|ششم|هفتم|هشتم|نهم)|بیستم|سی${J}ام|سیم|اول|یکم|دوم|سوم|چهارم|پنجم|ششم|هفتم|هشتم|نهم|دهم|یازدهم|دوازدهم|سیزدهم|چهاردهم|پانزدهم|پونزدهم|شانزدهم|شونزدهم|هفدهم|هیفدهم|هجدهم|هیجدهم|نوزدهم)`;

function numberOf(word: string): number {
  if (/^\d+$/.test(word)) return Number(word);
  if (word === 'یه') return 1;
  if (word === 'نیم') return 0.5;
  if (word === 'اول') return 1;
  const value = wordsToNumber(word.replace(/\u200c/g, ' ').replace(/\s*ام$/, 'م')) as number | string;
  return typeof value === 'number' ? value : Number(value);
}

const UNITS: Record<string, DurationUnit> = { دقیقه: 'minute', ساعت: 'hour', روز: 'day', هفته: 'week', ماه: 'month' };

/** The Jalali date today, in the user's zone. */
function jalaliToday(context: ReadContext) {
  const wall = wallClockOf(context.now, context.timeZone, 'persian');
  return { year: wall.year, month: wall.month, day: wall.day };
}

/** A Jalali day and month without a year: this year's, or next year's once it has passed. */
function nextJalali(month: number, day: number, context: ReadContext): CalendarDate | null {
  const today = jalaliToday(context);
  const year = month < today.month || (month === today.month && day < today.day) ? today.year + 1 : today.year;
  return jalaliToGregorian(year, month, day);
}

interface Taken<T> {
  value: T;
  rest: string;
}

/** Finds `pattern` in `text`; returns what `read` makes of it and the text without it. */
function take<T>(text: string, pattern: RegExp, read: (match: RegExpExecArray) => T | null): Taken<T> | null {
  const match = pattern.exec(text);
  if (!match) return null;
  const value = read(match);
  if (value === null) return null;
  return { value, rest: `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').trim() };
}

const re = (source: string) => new RegExp(source, 'u');

function readDate(text: string, context: ReadContext): Taken<CalendarDate | When> | null {
  const today = todayIn(context.now, context.timeZone);
  const months = JALALI_MONTHS.join('|');
  return (
    take(text, re(String.raw`${DATE_START}(?:تاریخ\s+)?(1[34]\d\d)\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})${END}`), (m) =>
      jalaliToGregorian(Number(m[1]), Number(m[2]), Number(m[3])),
    ) ??
    take(
      text,
      re(String.raw`${DATE_START}(\d{1,2})\s*(?:ام|م|امین)?\s+(${months})(?:\s+ماه)?(?:\s+(?:سال\s+)?(1[34]\d\d))?${END}`),
      (m) => {
        const month = JALALI_MONTHS.indexOf(m[2]!) + 1;
        return m[3] ? jalaliToGregorian(Number(m[3]), month, Number(m[1])) : nextJalali(month, Number(m[1]), context);
      },
    ) ??
    take(text, re(String.raw`${DATE_START}${ORDINAL_WORD}\s+(${months})(?:\s+ماه)?(?:\s+(?:سال\s+)?(1[34]\d\d))?${END}`), (m) => {
      const month = JALALI_MONTHS.indexOf(m[2]!) + 1;
      const day = numberOf(m[1]!);
      return m[3] ? jalaliToGregorian(Number(m[3]), month, day) : nextJalali(month, day, context);
    }) ??
    take(text, re(String.raw`${DATE_START}(\d{1,2})\s*/\s*(\d{1,2})${END}(?!\s*[:/])`), (m) =>
      nextJalali(Number(m[1]), Number(m[2]), context),
    ) ??
    take(text, re(String.raw`${DATE_START}پس${J}فردا${END}`), () => shiftDate(today, 2)) ??
    take(text, re(String.raw`${DATE_START}(?:فردا|فردا${J}ی)${END}`), () => shiftDate(today, 1)) ??
    take(text, re(String.raw`${DATE_START}(?:امروز|امشب|همین${J}امروز)${END}`), () => today) ??
    take(
      text,
      re(String.raw`${DATE_START}(?:(?:تا|در)\s+)?${NUMBER}\s+(روز|هفته|ماه|ساعت|دقیقه)\s+(?:دیگه|دیگر|بعد|آینده|بعدی)${END}`),
      (m) => {
        const amount = numberOf(m[1]!);
        const unit = UNITS[m[2]!]!;
        if (!Number.isFinite(amount) || amount <= 0) return null;
        return amount < 1
          ? { shift: { amount: amount * 60, unit: 'minute' as const }, fromNow: true }
          : { shift: { amount, unit }, fromNow: true };
      },
    ) ??
    readWeekday(text, context) ??
    take(text, re(String.raw`${DATE_START}(?:هفته|ماه)\s+(?:بعد|آینده|دیگه|دیگر|بعدی)${END}`), (m) =>
      m[0]!.startsWith('ماه') ? { shift: { amount: 1, unit: 'month' as const }, fromNow: true } : shiftDate(today, 7),
    )
  );
}

function readWeekday(text: string, context: ReadContext): Taken<CalendarDate> | null {
  const today = todayIn(context.now, context.timeZone);
  // Days after Saturday, today.
  const todayIndex = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 1) % 7;
  for (const [name, index] of WEEKDAYS) {
    const found = take(
      text,
      re(String.raw`${DATE_START}(?:(?:این|همین)\s+)?${name}(?:\s+(هفته\s+(?:بعد|آینده|دیگه|دیگر|بعدی)|بعد|آینده|دیگه))?${END}`),
      (m) => {
        const nextWeek = m[1]?.startsWith('هفته') ?? false;
        let ahead = (index - todayIndex + 7) % 7 || 7;
        // "سه‌شنبه هفته بعد": that day of the next week (weeks start on Saturday).
        if (nextWeek && index > todayIndex) ahead += 7;
        return shiftDate(today, ahead);
      },
    );
    if (found) return found;
  }
  return null;
}

const PART_OF_DAY: Record<string, number> = { صبح: 9, ظهر: 12, عصر: 17, غروب: 18, شب: 21, امشب: 21, بعدازظهر: 15, 'بعد از ظهر': 15 };
const PARTS = String.raw`(صبح|ظهر|بعد\s*از\s*ظهر|بعدازظهر|عصر|غروب|شب)`;

function clock(hour: number, minute: number, part: string | undefined): ClockTime | null {
  let h = hour;
  const p = part?.replace(/\s+/g, '');
  if (p === 'بعدازظهر' || p === 'عصر' || p === 'غروب') h = h < 12 ? h + 12 : h;
  else if (p === 'ظهر') h = h <= 4 ? h + 12 : h;
  else if (p === 'شب') h = h >= 5 && h < 12 ? h + 12 : h === 12 ? 0 : h;
  else if (p === 'صبح' && h === 12) h = 0;
  // "ساعت ۵" without صبح or عصر is 17:00, as for "at 5" in English; "ساعت ۸" stays 08:00.
  else if (!p && h >= 1 && h <= 6) h += 12;
  return h <= 23 && minute <= 59 ? { hour: h, minute } : null;
}

function readTime(text: string): Taken<ClockTime> | null {
  const minutes = String.raw`(?::(\d{2})|\s+و\s+(نیم|ربع|\d{1,2}\s+دقیقه))?`;
  const minuteOf = (colon: string | undefined, words: string | undefined) =>
    colon ? Number(colon) : words === 'نیم' ? 30 : words === 'ربع' ? 15 : words ? Number(/\d+/.exec(words)![0]) : 0;
  return (
    take(text, re(String.raw`${START}(?:ساعت|ساعتِ)\s+(\d{1,2})${minutes}(?:\s+${PARTS})?${END}`), (m) =>
      clock(Number(m[1]), minuteOf(m[2], m[3]), m[4]),
    ) ??
    take(text, re(String.raw`${START}(\d{1,2})${minutes}\s+${PARTS}${END}`), (m) => clock(Number(m[1]), minuteOf(m[2], m[3]), m[4])) ??
    take(text, re(String.raw`${START}(\d{1,2}):(\d{2})${END}`), (m) => clock(Number(m[1]), Number(m[2]), undefined)) ??
    take(text, re(String.raw`${START}(امشب|${PARTS})${END}`), (m) => ({
      hour: PART_OF_DAY[m[1]!.replace(/\s+/g, ' ')] ?? PART_OF_DAY[m[1]!.replace(/\s+/g, '')]!,
      minute: 0,
    }))
  );
}

export interface FoundPersianWhen {
  readonly when: When;
  readonly rest: string;
}

/** Every date and time word in `text`, read together, and the text without them. */
export function readPersianWhen(text: string, context: ReadContext): FoundPersianWhen | null {
  const date = readDate(text, context);
  const tonight = /(?:^|\s)امشب(?:$|\s)/u.test(text);
  const time = readTime(date ? date.rest : text);
  if (!date && !time) return null;
  const rest = (time ?? date)!.rest;
  const dated = date?.value;
  const when: When = dated ? ('year' in dated ? { date: dated } : dated) : {};
  const withTime = time ? { ...when, time: time.value } : tonight && !when.time ? { ...when, time: { hour: 21, minute: 0 } } : when;
  return { when: withTime, rest };
}

/** A shift written in Persian: "یک روز", "۲ ساعت", "دو هفته", "نیم ساعت". */
export function readPersianDuration(text: string): { amount: number; unit: DurationUnit; rest: string } | null {
  const found = take(text, re(String.raw`${START}${NUMBER}\s+(روز|هفته|ماه|ساعت|دقیقه)${END}`), (m) => {
    const amount = numberOf(m[1]!);
    if (!Number.isFinite(amount) || amount <= 0) return null;
    return amount < 1 ? { amount: amount * 60, unit: 'minute' as DurationUnit } : { amount, unit: UNITS[m[2]!]! };
  });
  return found ? { ...found.value, rest: found.rest } : null;
}
