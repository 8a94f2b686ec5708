// repeat_recurring_tasks: completing a task tagged #daily, #weekly or #monthly creates its
// next occurrence, due one period later at the same local time in the owner's zone (so a
// daily 09:00 task stays at 09:00 across a DST change).
import { z } from 'zod';
import type { PrismaClient, Task } from '../db/prisma.js';
import { COMPATIBLE, instantOfWallClock, offsetMinutes, wallClockOf, type WallClock } from '../time/zone.js';
import type { ProcessImplementation } from './registry.js';

export type Recurrence = 'daily' | 'weekly' | 'monthly';

const configSchema = z.object({
  /** Tag (without or with '#') for each recurrence. */
  tags: z
    .object({ daily: z.string().min(1), weekly: z.string().min(1), monthly: z.string().min(1) })
    .strict()
    .default({ daily: 'daily', weekly: 'weekly', monthly: 'monthly' }),
});
type RepeatConfig = z.infer<typeof configSchema>;

function normalizeTag(tag: string): string {
  return tag.trim().replace(/^#/, '').toLowerCase();
}

export function recurrenceOf(tags: readonly string[], config: RepeatConfig): Recurrence | null {
  const present = new Set(tags.map(normalizeTag));
  for (const recurrence of ['daily', 'weekly', 'monthly'] as const) {
    if (present.has(normalizeTag(config.tags[recurrence]))) return recurrence;
  }
  return null;
}

const sameClock = (a: WallClock, b: WallClock) =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;

/**
 * The wall-clock time an occurrence was meant for. A time skipped by a spring-forward jump
 * (02:30 on that night) is stored as the instant just after the jump (03:30); read back, it
 * would move the whole series an hour later for good. When the instant is exactly where such
 * a skipped time of the same day lands, the skipped time is what was meant.
 */
export function intendedWallClock(instant: Date, zone: string): WallClock {
  const wall = wallClockOf(instant, zone);
  const jumpMinutes = offsetMinutes(instant, zone) - offsetMinutes(instant.getTime() - 86_400_000, zone);
  if (jumpMinutes <= 0) return wall;
  const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute - jumpMinutes, wall.second));
  const candidate: WallClock = {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
  if (candidate.day !== wall.day) return wall;
  const resolved = instantOfWallClock(candidate, zone, COMPATIBLE);
  const skipped = !sameClock(wallClockOf(resolved, zone), candidate);
  return skipped && resolved.getTime() === Math.floor(instant.getTime() / 1000) * 1000 ? candidate : wall;
}

/**
 * One period later in wall-clock time of `zone`, at the occurrence's intended time of day;
 * a month from Jan 31 is the last day of February.
 */
export function advance(instant: Date, recurrence: Recurrence, zone: string): Date {
  const wall = intendedWallClock(instant, zone);
  let { year, month, day } = wall;
  if (recurrence === 'monthly') {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    day = Math.min(day, lastDay);
  } else {
    const next = new Date(Date.UTC(year, month - 1, day + (recurrence === 'daily' ? 1 : 7)));
    year = next.getUTCFullYear();
    month = next.getUTCMonth() + 1;
    day = next.getUTCDate();
  }
  return instantOfWallClock({ ...wall, year, month, day }, zone, COMPATIBLE);
}

/**
 * The next due date: one period after the completed occurrence's due date (or its
 * completion, when it had none), advanced further until it is in the future, so a task
 * completed late does not spawn an occurrence that is already overdue.
 */
export function nextDueDate(task: Pick<Task, 'dueDateGregorian' | 'completedAt'>, recurrence: Recurrence, zone: string, now: Date): Date {
  let due = advance(task.dueDateGregorian ?? task.completedAt ?? now, recurrence, zone);
  for (let guard = 0; due.getTime() <= now.getTime() && guard < 1000; guard += 1) due = advance(due, recurrence, zone);
  return due;
}

async function releaseClaim(prisma: PrismaClient, taskId: string, occurrenceDue: Date | null): Promise<void> {
  await prisma.$executeRaw`
    DELETE FROM recurring_task_occurrences
    WHERE completed_task_id = ${taskId}::uuid
      AND occurrence_due = COALESCE(${occurrenceDue}::timestamptz, '-infinity'::timestamptz)
      AND next_task_id IS NULL`;
}

export const repeatRecurringTasks: ProcessImplementation<RepeatConfig> = {
  name: 'repeat_recurring_tasks',
  description: 'Completing a task tagged #daily, #weekly or #monthly creates its next occurrence, due one period later.',
  configSchema,
  triggerTypes: ['event_based'],
  defaultEvents: ['COMPLETED'],
  accepts(event, config) {
    return event.type === 'COMPLETED' && recurrenceOf(event.task.tags, config) !== null;
  },
  async run(context) {
    const event = context.event;
    if (!event) return { success: true, created: false, reason: 'runs on task completion events only' };
    const recurrence = recurrenceOf(event.task.tags, context.config);
    if (!recurrence) return { success: true, created: false, reason: 'the task has no recurrence tag' };
    if (!context.tasks) throw new Error('the task service is not available');
    const owner = await context.prisma.user.findUnique({ where: { id: event.userId }, select: { timeZone: true } });
    if (!owner) return { success: true, created: false, reason: 'the task owner no longer exists' };
    const actor = { id: event.userId, timeZone: owner.timeZone ?? context.serviceTimeZone };
    // One next occurrence per completed occurrence: whoever claims it first creates it; a
    // completion repeated after a reopen (or racing another) finds the claim and stops.
    const occurrenceDue = event.task.dueDateGregorian;
    const claimed = await context.prisma.$executeRaw`
      INSERT INTO recurring_task_occurrences (completed_task_id, occurrence_due)
      VALUES (${event.taskId}::uuid, COALESCE(${occurrenceDue}::timestamptz, '-infinity'::timestamptz))
      ON CONFLICT DO NOTHING`;
    if (claimed === 0) {
      return {
        success: true,
        created: false,
        reason: 'the next occurrence of this occurrence exists already',
        completed_task_id: event.taskId,
      };
    }
    const dueAt = nextDueDate(event.task, recurrence, actor.timeZone, context.now);
    let created: Task;
    try {
      created = await context.tasks.create(actor, {
        name: event.task.name,
        description: event.task.description,
        priority: event.task.priority,
        tags: event.task.tags,
        dueAt,
      });
    } catch (error) {
      // Let a retry claim it again.
      await releaseClaim(context.prisma, event.taskId, occurrenceDue).catch(() => {});
      throw error;
    }
    await context.prisma.$executeRaw`
      UPDATE recurring_task_occurrences SET next_task_id = ${created.id}::uuid
      WHERE completed_task_id = ${event.taskId}::uuid
        AND occurrence_due = COALESCE(${occurrenceDue}::timestamptz, '-infinity'::timestamptz)`;
    return {
      success: true,
      created: true,
      recurrence,
      completed_task_id: event.taskId,
      new_task_id: created.id,
      new_due_date: dueAt.toISOString(),
    };
  },
};
