import { describe, expect, it } from 'vitest';
import { isSlotOf, nextSlot, scheduleSchema } from '../../src/scheduler/schedule.js';

const at = (iso: string) => new Date(iso);

describe('next slot of a schedule', () => {
  it('daily 07:30 Asia/Tehran is 04:00 UTC, today if not passed yet, else tomorrow', () => {
    const schedule = { hour: 7, minute: 30, timezone: 'Asia/Tehran' };
    expect(nextSlot(schedule, at('2025-12-18T03:59:59Z'))?.toISOString()).toBe('2025-12-18T04:00:00.000Z');
    expect(nextSlot(schedule, at('2025-12-18T04:00:00Z'))?.toISOString()).toBe('2025-12-19T04:00:00.000Z');
    expect(nextSlot(schedule, at('2025-12-17T20:30:00Z'))?.toISOString()).toBe('2025-12-18T04:00:00.000Z');
  });

  it('follows DST in America/New_York: same local time, a different UTC instant', () => {
    const schedule = { hour: 7, minute: 30, timezone: 'America/New_York' };
    expect(nextSlot(schedule, at('2025-03-08T13:00:00Z'))?.toISOString()).toBe('2025-03-09T11:30:00.000Z'); // EDT from the 9th
    expect(nextSlot(schedule, at('2025-03-07T13:00:00Z'))?.toISOString()).toBe('2025-03-08T12:30:00.000Z'); // EST
    expect(nextSlot(schedule, at('2025-11-02T00:00:00Z'))?.toISOString()).toBe('2025-11-02T12:30:00.000Z'); // EST again
  });

  it('a time skipped by spring-forward runs just after the gap; a repeated time runs once', () => {
    const skipped = { hour: 2, minute: 30, timezone: 'America/New_York' };
    expect(nextSlot(skipped, at('2025-03-09T05:00:00Z'))?.toISOString()).toBe('2025-03-09T07:30:00.000Z'); // 03:30 EDT
    expect(nextSlot(skipped, at('2025-03-09T07:30:00Z'))?.toISOString()).toBe('2025-03-10T06:30:00.000Z');
    const repeated = { hour: 1, minute: 30, timezone: 'America/New_York' };
    const first = nextSlot(repeated, at('2025-11-02T04:00:00Z'))!;
    expect(first.toISOString()).toBe('2025-11-02T05:30:00.000Z'); // the EDT 01:30
    expect(nextSlot(repeated, first)?.toISOString()).toBe('2025-11-03T06:30:00.000Z'); // not the EST 01:30 of the same day
  });

  it('reads cron expressions in their zone, with ranges, steps, lists and the day-of-month/day-of-week rule', () => {
    const weekdays = { cron: '0 9 * * 1-5', timezone: 'Asia/Tehran' };
    // 2025-12-19 is a Friday; the next weekday 09:00 Tehran is Monday 22nd 05:30Z.
    expect(nextSlot(weekdays, at('2025-12-19T06:00:00Z'))?.toISOString()).toBe('2025-12-22T05:30:00.000Z');
    const everyFifteen = { cron: '*/15 * * * *', timezone: 'UTC' };
    expect(nextSlot(everyFifteen, at('2025-01-01T00:07:00Z'))?.toISOString()).toBe('2025-01-01T00:15:00.000Z');
    const withSeconds = { cron: '*/10 * * * * *', timezone: 'UTC' };
    expect(nextSlot(withSeconds, at('2025-01-01T00:00:01Z'))?.toISOString()).toBe('2025-01-01T00:00:10.000Z');
    const leapDay = { cron: '0 0 29 2 *', timezone: 'UTC' };
    expect(nextSlot(leapDay, at('2025-01-01T00:00:00Z'))?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(isSlotOf(weekdays, at('2025-12-22T05:30:00Z'))).toBe(true);
    expect(isSlotOf(weekdays, at('2025-12-20T05:30:00Z'))).toBe(false);
  });

  it('refuses malformed schedules with a message', () => {
    expect(scheduleSchema.safeParse({ cron: '61 * * * *', timezone: 'UTC' }).success).toBe(false);
    expect(scheduleSchema.safeParse({ hour: 24, minute: 0, timezone: 'UTC' }).success).toBe(false);
    expect(scheduleSchema.safeParse({ hour: 7, minute: 30, timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(scheduleSchema.safeParse({ hour: 7, minute: 30, timezone: 'Asia/Tehran' }).success).toBe(true);
  });
});
