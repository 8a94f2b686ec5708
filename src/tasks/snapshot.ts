// A task as it travels with its change event: subscribers resolve the event's fields from it,
// so delivering one change to many subscribers reads nothing again.
import type { Task } from '../db/prisma.js';

/** What can happen to a task: the kinds of its change events, which event-based processes also react to. */
export const TASK_EVENT_TYPES = ['CREATED', 'UPDATED', 'COMPLETED', 'DELETED'] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** A task's columns as JSON (instants as ISO strings). */
export type TaskSnapshot = {
  readonly [K in keyof Task]: Task[K] extends Date ? string : Task[K] extends Date | null ? string | null : Task[K];
};

/** The event stream of one user's tasks. */
export const taskStream = (userId: string) => `tasks:${userId}`;

/** The `task:changed` event: what happened to which task, and the task after it (before it, when deleted). */
export interface TaskChangedEvent {
  readonly type: TaskEventType;
  readonly taskId: string;
  readonly task: TaskSnapshot;
}

const INSTANTS = ['dueDateGregorian', 'dateAddedGregorian', 'completedAt', 'updatedAt'] as const;

/** The snapshot of a task: every column, instants as ISO strings. */
export function taskSnapshot(task: Task): TaskSnapshot {
  const snapshot: Record<string, unknown> = { ...task };
  for (const key of INSTANTS) snapshot[key] = task[key] === null ? null : task[key].toISOString();
  return snapshot as TaskSnapshot;
}

/** The task a snapshot describes. */
export function taskFromSnapshot(snapshot: TaskSnapshot): Task {
  const task: Record<string, unknown> = { ...snapshot };
  for (const key of INSTANTS) {
    const value = snapshot[key];
    if (typeof value === 'string') task[key] = new Date(value);
  }
  return task as unknown as Task;
}
