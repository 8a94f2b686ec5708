// reschedule_remaining_tasks: unfinished tasks due before the start of their owner's
// today move to today at the same local time of day. One UPDATE for all rows (the Jalali
// column is computed in SQL by behflow_jalali), so the work grows with the table scan,
// not with a round trip per task.
import { z } from 'zod';
import type { PrismaClient, Task } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { TaskDomainEvent } from '../tasks/service.js';
import { DEFAULT_TIMEOUT_SECONDS, type ProcessImplementation } from './registry.js';

const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;

const configSchema = z.object({
  include_statuses: z.array(z.enum(TASK_STATUSES)).min(1).default(['pending', 'in_progress']),
  /** false reports what would move without moving it. */
  update_to_today: z.boolean().default(true),
});
type RescheduleConfig = z.infer<typeof configSchema>;

export interface RescheduleOptions {
  readonly now: Date;
  /** Zone of users without their own, and of the stored Jalali renderings. */
  readonly serviceTimeZone: string;
  readonly includeStatuses: readonly string[];
  readonly updateToToday: boolean;
  /**
   * The most the whole transaction may take, waiting for a connection and for locks
   * included (default: a process's default timeout). Past it the transaction is rolled back.
   */
  readonly timeoutMs?: number;
  /** Aborted when the run is given up: nothing is committed after that. */
  readonly signal?: AbortSignal;
}

export interface TaskDetail {
  readonly task_id: string;
  readonly name: string;
  readonly user_id: string;
  readonly old_due_date: string;
  readonly new_due_date: string;
}

export interface RescheduleOutcome {
  readonly tasksFound: number;
  readonly tasksRescheduled: number;
  /** The first 100, oldest due date first. */
  readonly details: TaskDetail[];
  readonly movedTaskIds: string[];
}

const DETAIL_LIMIT = 100;

/** The set-based reschedule itself: one statement, plus the transaction around it. */
export async function rescheduleOverdueTasks(prisma: PrismaClient, options: RescheduleOptions): Promise<RescheduleOutcome> {
  const zone = options.serviceTimeZone;
  const statement = Prisma.sql`
    WITH candidates AS (
      SELECT t.task_id, t.name, t.user_id, t.due_date_gregorian AS old_due, COALESCE(u.time_zone, ${zone}) AS zone
      FROM tasks t
      JOIN users u ON u.user_id = t.user_id
      WHERE t.status::text = ANY(${[...options.includeStatuses]}::text[])
        AND t.due_date_gregorian
            < date_trunc('day', ${options.now}::timestamptz AT TIME ZONE COALESCE(u.time_zone, ${zone})) AT TIME ZONE COALESCE(u.time_zone, ${zone})
    ),
    targets AS (
      SELECT c.*,
             (date_trunc('day', ${options.now}::timestamptz AT TIME ZONE c.zone) + (c.old_due AT TIME ZONE c.zone)::time)
               AT TIME ZONE c.zone AS new_due
      FROM candidates c
    ),
    moved AS (
      UPDATE tasks t
      SET due_date_gregorian = g.new_due,
          due_date_jalali = behflow_jalali(g.new_due, ${zone})
      FROM targets g
      WHERE t.task_id = g.task_id AND ${options.updateToToday}
      RETURNING t.task_id
    )
    SELECT
      (SELECT count(*) FROM targets)::int AS found,
      (SELECT count(*) FROM moved)::int AS moved,
      (SELECT COALESCE(array_agg(task_id::text), '{}') FROM moved) AS moved_ids,
      (SELECT COALESCE(json_agg(d ORDER BY d.old_due, d.task_id), '[]'::json) FROM (
         SELECT task_id, name, user_id, old_due, new_due FROM targets ORDER BY old_due, task_id LIMIT ${DETAIL_LIMIT}
       ) d) AS details`;
  type Row = {
    found: number;
    moved: number;
    moved_ids: string[];
    details: Array<{ task_id: string; name: string; user_id: string; old_due: string; new_due: string }>;
  };
  // Prisma's own transaction timeout (5 s) would cut off a statement that merely waited on a
  // lock; the caller's budget bounds the connection wait, the transaction and the statement.
  const timeout = Math.max(1, Math.floor(options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000));
  const rows = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${timeout}`);
      const result = await tx.$queryRaw<Row[]>(statement);
      // A run given up while the statement waited must not commit what it did.
      options.signal?.throwIfAborted();
      return result;
    },
    { maxWait: timeout, timeout },
  );
  const row = rows[0]!;
  return {
    tasksFound: row.found,
    tasksRescheduled: row.moved,
    movedTaskIds: row.moved_ids,
    details: row.details.map((detail) => ({
      task_id: detail.task_id,
      name: detail.name,
      user_id: detail.user_id,
      old_due_date: new Date(detail.old_due).toISOString(),
      new_due_date: new Date(detail.new_due).toISOString(),
    })),
  };
}

const EVENT_BATCH = 5_000;

/** The moved tasks as UPDATED events, read in batches so a large run stays within memory limits. */
export async function* rescheduledTaskEvents(prisma: PrismaClient, taskIds: readonly string[]): AsyncGenerator<TaskDomainEvent[]> {
  for (let offset = 0; offset < taskIds.length; offset += EVENT_BATCH) {
    const tasks: Task[] = await prisma.task.findMany({ where: { id: { in: taskIds.slice(offset, offset + EVENT_BATCH) } } });
    yield tasks.map((task) => ({ type: 'UPDATED' as const, taskId: task.id, userId: task.userId, task }));
  }
}

export const rescheduleRemainingTasks: ProcessImplementation<RescheduleConfig> = {
  name: 'reschedule_remaining_tasks',
  description: 'Moves unfinished tasks due before the start of their owner\'s today to today, keeping the time of day.',
  configSchema,
  triggerTypes: ['manual', 'time_based'],
  async run(context) {
    const started = performance.now();
    const outcome = await rescheduleOverdueTasks(context.prisma, {
      now: context.now,
      serviceTimeZone: context.serviceTimeZone,
      includeStatuses: context.config.include_statuses,
      updateToToday: context.config.update_to_today,
      timeoutMs: context.remainingMs(),
      signal: context.signal,
    });
    if (context.tasks && outcome.movedTaskIds.length > 0) {
      for await (const events of rescheduledTaskEvents(context.prisma, outcome.movedTaskIds)) {
        await context.tasks.emitExternalChanges(events);
      }
    }
    return {
      success: true,
      tasks_found: outcome.tasksFound,
      tasks_rescheduled: outcome.tasksRescheduled,
      execution_time: Number(((performance.now() - started) / 1000).toFixed(3)),
      task_details: outcome.details,
    };
  },
};
