// The contract of the task domain. Resolvers, the chat assistant's tools and automated
// processes all go through one TaskService, so every rule (validation, Jalali columns,
// completedAt, events) holds whoever makes the change.
import type { Task } from '../db/prisma.js';

export type TaskPriority = 'low' | 'medium' | 'high';
export type TaskStatus = 'pending' | 'in_progress' | 'completed' | 'cancelled';

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
  /** Free text over name, description and tags. */
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

export type TaskEventType = 'CREATED' | 'UPDATED' | 'COMPLETED' | 'DELETED';

/** A change to a task, emitted after its transaction commits. */
export interface TaskDomainEvent {
  readonly type: TaskEventType;
  readonly taskId: string;
  readonly userId: string;
  /** The task after the change (before it, for DELETED). */
  readonly task: Task;
}

export interface TaskService {
  create(actor: Actor, data: CreateTaskData): Promise<Task>;
  /** Throws NotFoundError when the task is missing or not the actor's. */
  update(actor: Actor, taskId: string, data: UpdateTaskData): Promise<Task>;
  delete(actor: Actor, taskId: string): Promise<Task>;
  complete(actor: Actor, taskId: string): Promise<Task>;
  reopen(actor: Actor, taskId: string): Promise<Task>;
  /** Null when missing or not the actor's. */
  get(actor: Actor, taskId: string): Promise<Task | null>;
  list(actor: Actor, options?: { filter?: TaskFilter; orderBy?: readonly TaskOrder[]; limit?: number }): Promise<Task[]>;
  stats(actor: Actor): Promise<TaskStats>;
  tags(actor: Actor): Promise<Array<{ tag: string; count: number }>>;
  /**
   * Reads a due date written as an ISO 8601 date-time, a Jalali date-time (`1404-09-27T07:30`)
   * or a local date (`2025-12-18`, start of that day in the actor's zone). Throws BadUserInputError.
   */
  parseDueDate(actor: Actor, text: string): Date;
  /**
   * Local listeners, called on the instance that made the change, after commit (e.g. to
   * enqueue event-based processes exactly once). Subscribers on every instance get the
   * `task:changed` pub/sub event instead.
   */
  onEvent(listener: (event: TaskDomainEvent) => void | Promise<void>): () => void;
  /** Emits events for changes made outside the service (set-based updates by processes). */
  emitExternalChanges(events: readonly TaskDomainEvent[]): Promise<void>;
}
