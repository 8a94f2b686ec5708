import { describe, expect, it } from 'vitest';
import {
  dayBounds,
  isJalaliLeapYear,
  jalaliToGregorian,
  parseFlexibleDate,
  parseJalali,
  parseLocalGregorian,
  toJalali,
} from '../../src/tasks/calendar.js';
import { DATE_ONLY_DUE_TIME } from '../../src/tasks/rules.js';

const MIDNIGHT = { hour: 0, minute: 0, second: 0 };

describe('Jalali rendering (the stored column format)', () => {
  it('renders the documented example in the service zone', () => {
    expect(toJalali(new Date('2025-12-18T07:30:00+03:30'), 'Asia/Tehran')).toBe('1404-09-27T07:30:00');
  });

  it('renders in the zone asked for, which can change the day', () => {
    const instant = new Date('2025-12-17T22:30:00Z'); // 02:00 on the 18th in Tehran, 17:30 on the 17th in New York
    expect(toJalali(instant, 'Asia/Tehran')).toBe('1404-09-27T02:00:00');
    expect(toJalali(instant, 'America/New_York')).toBe('1404-09-26T17:30:00');
  });

  it('turns the year at Nowruz', () => {
    expect(toJalali(new Date('2025-03-20T20:29:59Z'), 'Asia/Tehran')).toBe('1403-12-30T23:59:59');
    expect(toJalali(new Date('2025-03-20T20:30:00Z'), 'Asia/Tehran')).toBe('1404-01-01T00:00:00');
  });
});

describe('Jalali to Gregorian', () => {
  it('knows Nowruz of several years', () => {
    expect(jalaliToGregorian(1403, 1, 1)).toEqual({ year: 2024, month: 3, day: 20 });
    expect(jalaliToGregorian(1404, 1, 1)).toEqual({ year: 2025, month: 3, day: 21 });
    expect(jalaliToGregorian(1405, 1, 1)).toEqual({ year: 2026, month: 3, day: 21 });
  });

  it('has Esfand 30 only in leap years (1403 and 1399 are leap, 1404 is not)', () => {
    expect(isJalaliLeapYear(1403)).toBe(true);
    expect(isJalaliLeapYear(1399)).toBe(true);
    expect(isJalaliLeapYear(1404)).toBe(false);
    expect(jalaliToGregorian(1403, 12, 30)).toEqual({ year: 2025, month: 3, day: 20 });
    expect(jalaliToGregorian(1404, 12, 30)).toBeNull();
    expect(jalaliToGregorian(1404, 12, 29)).toEqual({ year: 2026, month: 3, day: 20 });
  });

  it('has 31-day months first, then 30-day ones', () => {
    expect(jalaliToGregorian(1404, 6, 31)).toEqual({ year: 2025, month: 9, day: 22 });
    expect(jalaliToGregorian(1404, 7, 1)).toEqual({ year: 2025, month: 9, day: 23 });
    expect(jalaliToGregorian(1404, 7, 31)).toBeNull();
    expect(jalaliToGregorian(1404, 13, 1)).toBeNull();
    expect(jalaliToGregorian(1404, 0, 1)).toBeNull();
  });

  it('round-trips every day of two years through the rendering', () => {
    for (const year of [1403, 1404]) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= 31; day += 1) {
          const gregorian = jalaliToGregorian(year, month, day);
          if (!gregorian) continue;
          const instant = parseJalali(`${year}-${month}-${day}T12:00`, 'Asia/Tehran', MIDNIGHT);
          const expected = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00`;
          expect(toJalali(instant, 'Asia/Tehran')).toBe(expected);
        }
      }
    }
  });
});

describe('parsing written dates', () => {
  it('reads a Jalali date-time on the wall clock of the zone', () => {
    expect(parseJalali('1404-09-27T07:30', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T04:00:00.000Z');
    expect(parseJalali('1404/09/27 07:30:15', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T04:00:15.000Z');
    expect(parseJalali('۱۴۰۴-۰۹-۲۷T00:00', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-17T20:30:00.000Z');
  });

  it('refuses malformed or nonexistent Jalali dates', () => {
    expect(() => parseJalali('1404-12-30', 'Asia/Tehran', DATE_ONLY_DUE_TIME)).toThrow(/not a date/);
    expect(() => parseJalali('1404-09-27T25:00', 'Asia/Tehran', DATE_ONLY_DUE_TIME)).toThrow();
    expect(() => parseJalali('tomorrow', 'Asia/Tehran', DATE_ONLY_DUE_TIME)).toThrow();
  });

  it('reads a due date without a time as the end of that local day (23:59:00), in either calendar', () => {
    expect(DATE_ONLY_DUE_TIME).toEqual({ hour: 23, minute: 59, second: 0 });
    expect(parseLocalGregorian('2025-12-18', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T20:29:00.000Z');
    expect(parseLocalGregorian('2025-12-18', 'America/New_York', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-19T04:59:00.000Z');
    const jalali = parseJalali('۱۴۰۴-۰۹-۲۷', 'Asia/Tehran', DATE_ONLY_DUE_TIME);
    expect(jalali.toISOString()).toBe('2025-12-18T20:29:00.000Z');
    expect(toJalali(jalali, 'Asia/Tehran')).toBe('1404-09-27T23:59:00');
    // A written time is kept as written, midnight included.
    expect(parseLocalGregorian('2025-12-18T00:00', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-17T20:30:00.000Z');
    expect(() => parseLocalGregorian('2025-02-29', 'Asia/Tehran', DATE_ONLY_DUE_TIME)).toThrow(/not a date/);
  });

  it('tells the forms apart when given one string', () => {
    expect(parseFlexibleDate('2025-12-18T07:30:00+03:30', 'America/New_York', DATE_ONLY_DUE_TIME).toISOString()).toBe(
      '2025-12-18T04:00:00.000Z',
    );
    expect(parseFlexibleDate('1404-09-27T07:30', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T04:00:00.000Z');
    expect(parseFlexibleDate('2025-12-18', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T20:29:00.000Z');
    expect(parseFlexibleDate('1404-09-27', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2025-12-18T20:29:00.000Z');
    expect(() => parseFlexibleDate('2025-02-30T10:00:00Z', 'Asia/Tehran', DATE_ONLY_DUE_TIME)).toThrow();
  });

  it('finds the bounds of the local day, also across a DST change', () => {
    const tehran = dayBounds(new Date('2025-12-18T04:00:00Z'), 'Asia/Tehran');
    expect(tehran.start.toISOString()).toBe('2025-12-17T20:30:00.000Z');
    expect(tehran.end.toISOString()).toBe('2025-12-18T20:30:00.000Z');
    const springForward = dayBounds(new Date('2025-03-09T12:00:00Z'), 'America/New_York');
    expect(springForward.end.getTime() - springForward.start.getTime()).toBe(23 * 3_600_000);
  });

  it('reads a time Tehran showed twice (DST ended 1400-06-30 at 24:00) as its first occurrence, and a skipped midnight as the jump', () => {
    expect(parseJalali('1400-06-30T23:30', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2021-09-21T19:00:00.000Z'); // +04:30
    expect(parseJalali('1400-01-02T00:00', 'Asia/Tehran', DATE_ONLY_DUE_TIME).toISOString()).toBe('2021-03-21T20:30:00.000Z'); // 01:00 +04:30
  });
});
