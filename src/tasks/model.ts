// The task domain's vocabulary: the types every part of it (rules, queries, the service) and
// its callers speak. Statuses and priorities are the database's enums, as Prisma generates them.
import type { Task } from '../db/prisma.js';
import type { Priority as TaskPriority, TaskStatus } from '../generated/prisma/enums.js';
import type { TaskEventType } from './snapshot.js';

export type { Priority as TaskPriority, TaskStatus } from '../generated/prisma/enums.js';
export type { TaskEventType } from './snapshot.js';

/** On whose behalf the service acts: a signed-in viewer, the assistant for its user, a process. */
export interface Actor {
  readonly id: string;
  /** IANA zone for "today" and for interpreting local dates. */
  readonly timeZone: string;
}

export interface TaskFilter {
  readonly statuses?: readonly TaskStatus[];
  readonly priorities?: readonly TaskPriority[];
  readonly tagsAny?: readonly string[];
  readonly tagsAll?: readonly string[];
  readonly dueBefore?: Date;
  readonly dueAfter?: Date;
  /** Due before now and neither completed nor cancelled. */
  readonly overdue?: boolean;
  /** Due within the actor's current calendar day. */
  readonly dueToday?: boolean;
  /** Words that must each appear (any case, any part) in the name, description or a tag. */
  readonly search?: string;
}

export type TaskOrderField = 'DUE_AT' | 'PRIORITY' | 'CREATED_AT' | 'UPDATED_AT' | 'NAME';
export interface TaskOrder {
  readonly field: TaskOrderField;
  readonly direction: 'ASC' | 'DESC';
}

export interface CreateTaskData {
  readonly name: string;
  readonly description?: string | null;
  readonly priority?: TaskPriority;
  readonly status?: TaskStatus;
  readonly tags?: readonly string[] | null;
  readonly dueAt?: Date | null;
}

/** Partial: an absent key leaves the field as it is; `null` clears a nullable field. */
export interface UpdateTaskData {
  readonly name?: string;
  readonly description?: string | null;
  readonly priority?: TaskPriority;
  readonly status?: TaskStatus;
  readonly tags?: readonly string[] | null;
  readonly dueAt?: Date | null;
}

export interface TaskStats {
  readonly total: number;
  readonly byStatus: Readonly<Record<TaskStatus, number>>;
  readonly byPriority: Readonly<Record<TaskPriority, number>>;
  readonly overdue: number;
  readonly dueToday: number;
}

/** A change to a task, emitted after its transaction commits. */
export interface TaskDomainEvent {
  readonly type: TaskEventType;
  readonly taskId: string;
  readonly userId: string;
  /** The task after the change (before it, for DELETED). */
  readonly task: Task;
}

/** Which of an actor's tasks a list holds and in what order, checked (see TaskService.listing). */
export interface TaskListing {
  readonly filter: CheckedTaskFilter;
  readonly orderBy: readonly TaskOrder[];
}

/** A filter once checked, with "now" and the actor's today fixed. */
export interface CheckedTaskFilter {
  readonly statuses?: readonly TaskStatus[];
  readonly priorities?: readonly TaskPriority[];
  readonly tagsAny?: readonly string[];
  readonly tagsAll?: readonly string[];
  readonly dueBefore?: Date;
  readonly dueAfter?: Date;
  readonly overdue?: boolean;
  readonly dueToday?: { readonly start: Date; readonly end: Date; readonly wanted: boolean };
  readonly searchWords: readonly string[];
  readonly now: Date;
}

/** How parseDueDate reads a written due date. */
export interface DueDateFormat {
  /** Only a wall-clock date or date-time in this calendar; any form when omitted. */
  readonly calendar?: 'jalali' | 'gregorian';
  /** The input field named in errors. */
  readonly field?: string;
}
