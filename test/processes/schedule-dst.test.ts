import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/scheduler/cron.js';
import { isSlotOf, latestSlotBetween, nextSlot, runsByWallClock, type Schedule } from '../../src/scheduler/schedule.js';
import { COMPATIBLE, instantOfWallClock, wallClockOf } from '../../src/time/zone.js';

const at = (iso: string) => new Date(iso);

/** The slots in [from, to), following nextSlot from just before `from`. */
function slotsBetween(schedule: Schedule, from: string, to: string): string[] {
  const slots: string[] = [];
  const end = at(to).getTime();
  for (let slot = nextSlot(schedule, new Date(at(from).getTime() - 1)); slot && slot.getTime() < end; slot = nextSlot(schedule, slot)) {
    slots.push(slot.toISOString().replace('.000Z', 'Z'));
  }
  return slots;
}

const cron = (expression: string, timezone: string): Schedule => ({ cron: expression, timezone });

describe('sub-daily schedules across DST changes run by the wall clock, as cron does', () => {
  it('hourly in America/New_York: the repeated 01:00 runs in both passes, the skipped 02:00 not at all', () => {
    const hourly = cron('0 * * * *', 'America/New_York');
    // 2025-11-02: 01:00 EDT (05:00Z), 01:00 EST (06:00Z), 02:00 EST (07:00Z): every real hour, none twice.
    expect(slotsBetween(hourly, '2025-11-02T03:30:00Z', '2025-11-02T08:30:00Z')).toEqual([
      '2025-11-02T04:00:00Z',
      '2025-11-02T05:00:00Z',
      '2025-11-02T06:00:00Z',
      '2025-11-02T07:00:00Z',
      '2025-11-02T08:00:00Z',
    ]);
    // 2025-03-09: 01:00 EST (06:00Z), then 03:00 EDT (07:00Z): the clocks never show 02:00.
    expect(slotsBetween(hourly, '2025-03-09T04:30:00Z', '2025-03-09T08:30:00Z')).toEqual([
      '2025-03-09T05:00:00Z',
      '2025-03-09T06:00:00Z',
      '2025-03-09T07:00:00Z',
      '2025-03-09T08:00:00Z',
    ]);
  });

  it('every 30 minutes in America/New_York', () => {
    const halfHourly = cron('*/30 * * * *', 'America/New_York');
    expect(slotsBetween(halfHourly, '2025-11-02T04:45:00Z', '2025-11-02T07:15:00Z')).toEqual([
      '2025-11-02T05:00:00Z',
      '2025-11-02T05:30:00Z', // 01:00, 01:30 EDT
      '2025-11-02T06:00:00Z',
      '2025-11-02T06:30:00Z', // 01:00, 01:30 EST
      '2025-11-02T07:00:00Z', // 02:00 EST
    ]);
    expect(slotsBetween(halfHourly, '2025-03-09T05:45:00Z', '2025-03-09T07:45:00Z')).toEqual([
      '2025-03-09T06:00:00Z',
      '2025-03-09T06:30:00Z', // 01:00, 01:30 EST
      '2025-03-09T07:00:00Z',
      '2025-03-09T07:30:00Z', // 03:00, 03:30 EDT
    ]);
  });

  it('hourly and every 30 minutes in Europe/Berlin', () => {
    const hourly = cron('0 * * * *', 'Europe/Berlin');
    const halfHourly = cron('*/30 * * * *', 'Europe/Berlin');
    // 2025-10-26: 03:00 CEST goes back to 02:00 CET (01:00Z); 02:00 is shown twice.
    expect(slotsBetween(hourly, '2025-10-25T22:30:00Z', '2025-10-26T02:30:00Z')).toEqual([
      '2025-10-25T23:00:00Z',
      '2025-10-26T00:00:00Z',
      '2025-10-26T01:00:00Z',
      '2025-10-26T02:00:00Z',
    ]);
    expect(slotsBetween(halfHourly, '2025-10-25T23:45:00Z', '2025-10-26T02:15:00Z')).toEqual([
      '2025-10-26T00:00:00Z',
      '2025-10-26T00:30:00Z', // 02:00, 02:30 CEST
      '2025-10-26T01:00:00Z',
      '2025-10-26T01:30:00Z', // 02:00, 02:30 CET
      '2025-10-26T02:00:00Z', // 03:00 CET
    ]);
    // 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00Z).
    expect(slotsBetween(hourly, '2025-03-29T23:30:00Z', '2025-03-30T02:30:00Z')).toEqual([
      '2025-03-30T00:00:00Z',
      '2025-03-30T01:00:00Z',
      '2025-03-30T02:00:00Z',
    ]);
    expect(slotsBetween(halfHourly, '2025-03-29T23:45:00Z', '2025-03-30T01:45:00Z')).toEqual([
      '2025-03-30T00:00:00Z',
      '2025-03-30T00:30:00Z',
      '2025-03-30T01:00:00Z',
      '2025-03-30T01:30:00Z',
    ]);
  });

  it('every slot of the repeated hour is a slot once: isSlotOf agrees with nextSlot', () => {
    const hourly = cron('0 * * * *', 'America/New_York');
    expect(isSlotOf(hourly, at('2025-11-02T05:00:00Z'))).toBe(true);
    expect(isSlotOf(hourly, at('2025-11-02T06:00:00Z'))).toBe(true);
    expect(isSlotOf(hourly, at('2025-11-02T06:30:00Z'))).toBe(false);
  });
});

describe('fixed-time schedules across DST changes', () => {
  it('a time in the repeated hour runs once, at its first occurrence (New York and Berlin)', () => {
    expect(slotsBetween(cron('30 1 * * *', 'America/New_York'), '2025-11-01T12:00:00Z', '2025-11-03T12:00:00Z')).toEqual([
      '2025-11-02T05:30:00Z',
      '2025-11-03T06:30:00Z',
    ]);
    expect(slotsBetween(cron('30 2 * * *', 'Europe/Berlin'), '2025-10-25T12:00:00Z', '2025-10-27T12:00:00Z')).toEqual([
      '2025-10-26T00:30:00Z',
      '2025-10-27T01:30:00Z',
    ]);
    // A range of hours is fixed-time too: 01:00 EDT, then 02:00 and 03:00 EST.
    expect(slotsBetween(cron('0 1-3 * * *', 'America/New_York'), '2025-11-02T04:00:00Z', '2025-11-02T09:00:00Z')).toEqual([
      '2025-11-02T05:00:00Z',
      '2025-11-02T07:00:00Z',
      '2025-11-02T08:00:00Z',
    ]);
  });

  it("a time in the skipped hour runs once after the jump, as far after it as it was after the jump's start", () => {
    expect(slotsBetween(cron('0,30 2 * * *', 'America/New_York'), '2025-03-08T12:00:00Z', '2025-03-10T12:00:00Z')).toEqual([
      '2025-03-09T07:00:00Z',
      '2025-03-09T07:30:00Z', // 03:00, 03:30 EDT
      '2025-03-10T06:00:00Z',
      '2025-03-10T06:30:00Z',
    ]);
    expect(slotsBetween(cron('30 2 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', '2025-03-31T12:00:00Z')).toEqual([
      '2025-03-30T01:30:00Z',
      '2025-03-31T00:30:00Z', // 03:30 CEST, then 02:30 CEST
    ]);
    // A skipped time landing where a real one is runs once for both.
    expect(slotsBetween(cron('30 2,3 * * *', 'America/New_York'), '2025-03-09T05:00:00Z', '2025-03-09T09:00:00Z')).toEqual([
      '2025-03-09T07:30:00Z',
    ]);
    // Asked from inside the jump's shadow, the landed time is still found.
    expect(nextSlot(cron('30 2 * * *', 'America/New_York'), at('2025-03-09T07:10:00Z'))?.toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(isSlotOf(cron('30 2 * * *', 'America/New_York'), at('2025-03-09T07:30:00Z'))).toBe(true);
  });

  it('the daily form stays as it was: 07:30 local every day, through both changes', () => {
    const daily = { hour: 7, minute: 30, timezone: 'America/New_York' };
    expect(slotsBetween(daily, '2025-03-08T00:00:00Z', '2025-03-11T00:00:00Z')).toEqual([
      '2025-03-08T12:30:00Z',
      '2025-03-09T11:30:00Z',
      '2025-03-10T11:30:00Z',
    ]);
    expect(slotsBetween(daily, '2025-11-01T00:00:00Z', '2025-11-04T00:00:00Z')).toEqual([
      '2025-11-01T11:30:00Z',
      '2025-11-02T12:30:00Z',
      '2025-11-03T12:30:00Z',
    ]);
    expect(runsByWallClock(daily)).toBe(false);
    expect(runsByWallClock(cron('*/30 * * * *', 'UTC'))).toBe(true);
    expect(runsByWallClock(cron('0 */2 * * *', 'UTC'))).toBe(true);
    expect(runsByWallClock(cron('0 9-17 * * 1-5', 'UTC'))).toBe(false);
  });
});

/**
 * The slots by definition, minute by minute over a window (enough for schedules of whole
 * minutes): for a wall-clock schedule every instant whose local time matches; for a
 * fixed-time one each matching local time at its first occurrence, or where it lands
 * when the clocks skip it.
 */
function slotsByDefinition(expression: string, zone: string, from: string, to: string): string[] {
  const fields = parseCron(expression);
  const matches = (clock: { month: number; day: number; hour: number; minute: number }, weekday: number) => {
    const domMatch = fields.daysOfMonth.has(clock.day);
    const dowMatch = fields.daysOfWeek.has(weekday);
    const day = fields.dayOfMonthRestricted && fields.dayOfWeekRestricted ? domMatch || dowMatch : domMatch && dowMatch;
    return fields.months.has(clock.month) && day && fields.hours.includes(clock.hour) && fields.minutes.includes(clock.minute);
  };
  const start = at(from).getTime();
  const end = at(to).getTime();
  const slots = new Set<number>();
  for (let minute = start - 86_400_000; minute < end + 86_400_000; minute += 60_000) {
    if (fields.wildcardTime) {
      const clock = wallClockOf(minute, zone);
      if (matches(clock, new Date(Date.UTC(clock.year, clock.month - 1, clock.day)).getUTCDay())) slots.add(minute);
    } else {
      // `minute` read as a local date and time.
      const reading = new Date(minute);
      const clock = {
        year: reading.getUTCFullYear(),
        month: reading.getUTCMonth() + 1,
        day: reading.getUTCDate(),
        hour: reading.getUTCHours(),
        minute: reading.getUTCMinutes(),
        second: 0,
      };
      if (matches(clock, reading.getUTCDay())) slots.add(instantOfWallClock(clock, zone, COMPATIBLE).getTime());
    }
  }
  return [...slots]
    .filter((slot) => slot >= start && slot < end)
    .sort((a, b) => a - b)
    .map((slot) => new Date(slot).toISOString().replace('.000Z', 'Z'));
}

describe('nextSlot agrees with the definition of slots on DST days', () => {
  const days: Array<[zone: string, from: string, to: string]> = [
    ['America/New_York', '2025-03-08T20:00:00Z', '2025-03-09T14:00:00Z'],
    ['America/New_York', '2025-11-01T20:00:00Z', '2025-11-02T14:00:00Z'],
    ['Europe/Berlin', '2025-03-29T20:00:00Z', '2025-03-30T10:00:00Z'],
    ['Europe/Berlin', '2025-10-25T20:00:00Z', '2025-10-26T10:00:00Z'],
    ['Australia/Lord_Howe', '2025-04-05T10:00:00Z', '2025-04-06T02:00:00Z'], // a 30-minute change
    ['Australia/Lord_Howe', '2025-10-04T10:00:00Z', '2025-10-05T02:00:00Z'],
  ];
  const expressions = [
    '0 * * * *',
    '*/30 * * * *',
    '*/20 1-3 * * *',
    '15,45 * * * *',
    '30 1 * * *',
    '0,30 2 * * *',
    '45 1-3 * * *',
    '0 */2 * * *',
  ];
  it.each(days)('in %s from %s', (zone, from, to) => {
    for (const expression of expressions) {
      expect({ expression, slots: slotsBetween(cron(expression, zone), from, to) }).toEqual({
        expression,
        slots: slotsByDefinition(expression, zone, from, to),
      });
    }
  });
});

describe('the latest slot due', () => {
  it('is the newest slot no later than the given instant, found without walking every slot', () => {
    const everySecond = cron('* * * * * *', 'UTC');
    expect(latestSlotBetween(everySecond, at('2025-01-01T00:00:00Z'), at('2025-01-20T13:14:15.500Z'))?.toISOString()).toBe(
      '2025-01-20T13:14:15.000Z',
    );
    const hourly = cron('0 * * * *', 'America/New_York');
    expect(latestSlotBetween(hourly, at('2025-11-02T04:00:00Z'), at('2025-11-02T06:59:59Z'))?.toISOString()).toBe(
      '2025-11-02T06:00:00.000Z',
    );
    expect(latestSlotBetween(hourly, at('2025-11-02T04:00:00Z'), at('2025-11-02T04:00:00Z'))?.toISOString()).toBe(
      '2025-11-02T04:00:00.000Z',
    );
    expect(latestSlotBetween(hourly, at('2025-11-02T04:00:01Z'), at('2025-11-02T04:59:00Z'))).toBeNull();
  });
});
