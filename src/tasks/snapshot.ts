// A task as it travels with its change event: subscribers resolve the event's fields from it,
// so delivering one change to many subscribers reads nothing again.
import type { Task } from '../db/prisma.js';
import type { TaskColumn } from './queries.js';

export type TaskEventType = 'CREATED' | 'UPDATED' | 'COMPLETED' | 'DELETED';

/** A task's columns as JSON (instants as ISO strings); `omitted` lists what did not fit. */
export type TaskSnapshot = { [K in keyof Task]?: Task[K] extends Date ? string : Task[K] extends Date | null ? string | null : Task[K] } & {
  readonly id: string;
  readonly omitted: readonly TaskColumn[];
};

/** The `task:changed` event: what happened to which task, and the task after it (before it, when deleted). */
export interface TaskChangedEvent {
  readonly type: TaskEventType;
  readonly taskId: string;
  readonly task: TaskSnapshot;
}

const INSTANTS = ['dueDateGregorian', 'dateAddedGregorian', 'completedAt', 'updatedAt'] as const;
/** What a snapshot leaves out first when an event would be too large to travel (in this order). */
const LARGE_COLUMNS = ['description', 'tags', 'name'] as const satisfies readonly TaskColumn[];

/**
 * The snapshot of a task in at most `maxBytes` of JSON: whole when it fits, else without its
 * largest columns (readers load those once per event).
 */
export function taskSnapshot(task: Task, maxBytes: number): TaskSnapshot {
  const snapshot: Record<string, unknown> = { ...task, omitted: [] };
  for (const key of INSTANTS) snapshot[key] = task[key] === null ? null : task[key].toISOString();
  const omitted: TaskColumn[] = [];
  for (const column of LARGE_COLUMNS) {
    if (Buffer.byteLength(JSON.stringify(snapshot)) <= maxBytes) break;
    delete snapshot[column];
    omitted.push(column);
    snapshot.omitted = omitted;
  }
  return snapshot as TaskSnapshot;
}

/** The task a snapshot describes (the omitted columns left out). */
export function taskFromSnapshot(snapshot: TaskSnapshot): Task {
  const { omitted: _omitted, ...task } = snapshot as Record<string, unknown>;
  for (const key of INSTANTS) {
    const value = snapshot[key];
    if (typeof value === 'string') task[key] = new Date(value);
  }
  return task as unknown as Task;
}
