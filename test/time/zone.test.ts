import { describe, expect, it } from 'vitest';
import { COMPATIBLE, dayBounds, instantOfWallClock, offsetMinutes, wallClockOf, type Disambiguation } from '../../src/time/zone.js';

const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) => ({ year, month, day, hour, minute, second });
const EARLIER: Disambiguation = { gap: 'earlier', overlap: 'earlier' };
const LATER: Disambiguation = { gap: 'later', overlap: 'later' };
const iso = (date: Date) => date.toISOString();

describe('the wall clock of an instant', () => {
  it('reads Tehran, New York and a half-hour zone', () => {
    const instant = new Date('2025-12-18T04:00:00Z');
    expect(wallClockOf(instant, 'Asia/Tehran')).toEqual(wall(2025, 12, 18, 7, 30));
    expect(wallClockOf(instant, 'America/New_York')).toEqual(wall(2025, 12, 17, 23, 0));
    expect(wallClockOf(instant, 'Asia/Kolkata')).toEqual(wall(2025, 12, 18, 9, 30));
    expect(wallClockOf(instant.getTime(), 'UTC')).toEqual(wall(2025, 12, 18, 4, 0));
  });

  it('reads the Persian calendar, turning the year at Nowruz', () => {
    expect(wallClockOf(new Date('2025-03-20T12:00:00Z'), 'Asia/Tehran', 'persian')).toMatchObject({ year: 1403, month: 12, day: 30 });
    expect(wallClockOf(new Date('2025-03-21T12:00:00Z'), 'Asia/Tehran', 'persian')).toMatchObject({ year: 1404, month: 1, day: 1 });
  });

  it('counts Gregorian years before 1 CE astronomically', () => {
    expect(wallClockOf(Date.UTC(-1, 5, 1), 'UTC').year).toBe(-1);
  });
});

describe('the offset of a zone', () => {
  it('follows DST, whole and half hours', () => {
    expect(offsetMinutes(new Date('2025-12-18T04:00:00Z'), 'Asia/Tehran')).toBe(210);
    expect(offsetMinutes(new Date('2021-06-01T00:00:00Z'), 'Asia/Tehran')).toBe(270);
    expect(offsetMinutes(new Date('2025-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetMinutes(new Date('2025-07-15T12:00:00Z'), 'Australia/Lord_Howe')).toBe(630);
  });
});

describe('the instant of a wall-clock time', () => {
  it('is exact where the time happens once', () => {
    expect(iso(instantOfWallClock(wall(2025, 12, 18, 7, 30), 'Asia/Tehran'))).toBe('2025-12-18T04:00:00.000Z');
    expect(iso(instantOfWallClock(wall(2025, 12, 18, 9, 30), 'Asia/Kolkata'))).toBe('2025-12-18T04:00:00.000Z');
    expect(iso(instantOfWallClock(wall(2025, 7, 4, 9, 0), 'America/New_York'))).toBe('2025-07-04T13:00:00.000Z');
  });

  it('moves a time New York skips in spring after the jump, or before it when asked', () => {
    expect(iso(instantOfWallClock(wall(2025, 3, 9, 2, 30), 'America/New_York'))).toBe('2025-03-09T07:30:00.000Z'); // 03:30 EDT
    expect(iso(instantOfWallClock(wall(2025, 3, 9, 2, 30), 'America/New_York', EARLIER))).toBe('2025-03-09T06:30:00.000Z'); // 01:30 EST
  });

  it("takes the first of the two 01:30s of New York's autumn night, or the second when asked", () => {
    expect(iso(instantOfWallClock(wall(2025, 11, 2, 1, 30), 'America/New_York', COMPATIBLE))).toBe('2025-11-02T05:30:00.000Z'); // EDT
    expect(iso(instantOfWallClock(wall(2025, 11, 2, 1, 30), 'America/New_York', LATER))).toBe('2025-11-02T06:30:00.000Z'); // EST
  });

  it('applies the same rule east of Greenwich (Berlin, and Tehran while it kept DST)', () => {
    expect(iso(instantOfWallClock(wall(2025, 10, 26, 2, 30), 'Europe/Berlin'))).toBe('2025-10-26T00:30:00.000Z'); // CEST
    expect(iso(instantOfWallClock(wall(2025, 10, 26, 2, 30), 'Europe/Berlin', LATER))).toBe('2025-10-26T01:30:00.000Z'); // CET
    expect(iso(instantOfWallClock(wall(2025, 3, 30, 2, 30), 'Europe/Berlin'))).toBe('2025-03-30T01:30:00.000Z'); // 03:30 CEST
    expect(iso(instantOfWallClock(wall(2021, 3, 22, 0, 30), 'Asia/Tehran'))).toBe('2021-03-21T21:00:00.000Z'); // 01:30 +04:30
    expect(iso(instantOfWallClock(wall(2021, 3, 22, 0, 30), 'Asia/Tehran', EARLIER))).toBe('2021-03-21T20:00:00.000Z'); // 23:30 +03:30
    expect(iso(instantOfWallClock(wall(2021, 9, 21, 23, 30), 'Asia/Tehran'))).toBe('2021-09-21T19:00:00.000Z'); // +04:30
    expect(iso(instantOfWallClock(wall(2021, 9, 21, 23, 30), 'Asia/Tehran', LATER))).toBe('2021-09-21T20:00:00.000Z'); // +03:30
  });

  it('handles a DST change of half an hour (Lord Howe Island)', () => {
    expect(iso(instantOfWallClock(wall(2025, 4, 6, 1, 45), 'Australia/Lord_Howe'))).toBe('2025-04-05T14:45:00.000Z'); // +11:00
    expect(iso(instantOfWallClock(wall(2025, 4, 6, 1, 45), 'Australia/Lord_Howe', LATER))).toBe('2025-04-05T15:15:00.000Z'); // +10:30
    expect(iso(instantOfWallClock(wall(2025, 10, 5, 2, 15), 'Australia/Lord_Howe'))).toBe('2025-10-04T15:45:00.000Z'); // 02:45 +11:00
  });

  it("round-trips every quarter hour through both of New York's switches", () => {
    for (let instant = Date.UTC(2025, 2, 9, 0); instant < Date.UTC(2025, 2, 9, 12); instant += 900_000) {
      expect(instantOfWallClock(wallClockOf(instant, 'America/New_York'), 'America/New_York').getTime()).toBe(instant);
    }
    for (let instant = Date.UTC(2025, 10, 2, 0); instant < Date.UTC(2025, 10, 2, 12); instant += 900_000) {
      const clock = wallClockOf(instant, 'America/New_York');
      const back = instantOfWallClock(clock, 'America/New_York');
      // Inside the repeated hour the first reading is the one chosen; elsewhere the way back is exact.
      expect(back.getTime() === instant || back.getTime() === instant - 3_600_000).toBe(true);
      expect(wallClockOf(back, 'America/New_York')).toEqual(clock);
    }
  });
});

describe('the bounds of a local day', () => {
  it("spans 24 hours on an ordinary day, 23 and 25 on New York's switch days", () => {
    const tehran = dayBounds(new Date('2025-12-18T04:00:00Z'), 'Asia/Tehran');
    expect([iso(tehran.start), iso(tehran.end)]).toEqual(['2025-12-17T20:30:00.000Z', '2025-12-18T20:30:00.000Z']);
    const spring = dayBounds(new Date('2025-03-09T12:00:00Z'), 'America/New_York');
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z']);
    const autumn = dayBounds(new Date('2025-11-02T12:00:00Z'), 'America/New_York');
    expect([iso(autumn.start), iso(autumn.end)]).toEqual(['2025-11-02T04:00:00.000Z', '2025-11-03T05:00:00.000Z']);
  });

  it('starts a day whose midnight is skipped at the jump (Tehran, 2021-03-22)', () => {
    const day = dayBounds(new Date('2021-03-22T06:00:00Z'), 'Asia/Tehran');
    expect([iso(day.start), iso(day.end)]).toEqual(['2021-03-21T20:30:00.000Z', '2021-03-22T19:30:00.000Z']);
    expect(wallClockOf(day.start, 'Asia/Tehran')).toEqual(wall(2021, 3, 22, 1, 0));
  });
});
