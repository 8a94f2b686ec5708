// Moving overdue tasks to today, set-based: one UPDATE for every owner's tasks (the Jalali
// column computed in SQL by behflow_jalali), with the moved tasks' events written in the same
// transaction, so every move reaches subscribers or none happened.
import type { Task } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { TaskStatus } from './model.js';

export interface RescheduleOptions {
  readonly now: Date;
  /** Zone of users without their own, and of the stored Jalali renderings. */
  readonly serviceTimeZone: string;
  readonly includeStatuses: readonly TaskStatus[];
  /** false reports what would move without moving it. */
  readonly updateToToday: boolean;
  /** The most the whole transaction may take, waiting for a connection and for locks included. */
  readonly timeoutMs: number;
  /** Aborted when the run is given up: nothing is committed after that. */
  readonly signal?: AbortSignal;
}

export interface RescheduleDetail {
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
  readonly details: RescheduleDetail[];
}

const DETAIL_LIMIT = 100;
/** Moved tasks are read back (for their events) this many at a time. */
export const RESCHEDULE_EVENT_BATCH = 5_000;

export interface RescheduleRow {
  found: number;
  moved: number;
  moved_ids: string[];
  details: Array<{ task_id: string; name: string; user_id: string; old_due: string; new_due: string }>;
}

/** Unfinished tasks due before the start of their owner's today move to today, at the same local time of day. */
export function rescheduleStatement(options: RescheduleOptions): Prisma.Sql {
  const zone = options.serviceTimeZone;
  return Prisma.sql`
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
}

/** The outcome a run reports, from the statement's row. */
export function rescheduleOutcome(row: RescheduleRow): RescheduleOutcome {
  return {
    tasksFound: row.found,
    tasksRescheduled: row.moved,
    details: row.details.map((detail) => ({
      task_id: detail.task_id,
      name: detail.name,
      user_id: detail.user_id,
      old_due_date: new Date(detail.old_due).toISOString(),
      new_due_date: new Date(detail.new_due).toISOString(),
    })),
  };
}

/** The moved tasks, read back in batches within the transaction. */
export async function* movedTasks(tx: Prisma.TransactionClient, taskIds: readonly string[]): AsyncGenerator<Task[]> {
  for (let offset = 0; offset < taskIds.length; offset += RESCHEDULE_EVENT_BATCH) {
    yield tx.task.findMany({ where: { id: { in: taskIds.slice(offset, offset + RESCHEDULE_EVENT_BATCH) } } });
  }
}
