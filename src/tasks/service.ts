// The contract of the task domain. Resolvers, the chat assistant's tools and automated
// processes all go through one TaskService, so every rule (validation, Jalali columns,
// completedAt, events) holds whoever makes the change.
import type { PrismaClient, Task } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { BehflowPubSub } from '../pubsub/index.js';
import { BadUserInputError, NotFoundError } from '../schema/errors.js';
import { CalendarInputError, dayBounds, parseFlexibleDate, parseJalali, parseLocalGregorian, toJalali } from './calendar.js';
import { DATE_ONLY_DUE_TIME, escapeLike, isUuid, searchWords, taskOrderBy, taskWhere, type TagMatches, validDescription, validDueDate, validName, validPriority, validStatus, validTags } from './rules.js';

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

export type TaskEventType = 'CREATED' | 'UPDATED' | 'COMPLETED' | 'DELETED';

/** A change to a task, emitted after its transaction commits. */
export interface TaskDomainEvent {
  readonly type: TaskEventType;
  readonly taskId: string;
  readonly userId: string;
  /** The task after the change (before it, for DELETED). */
  readonly task: Task;
}

/** The Prisma arguments selecting and ordering an actor's tasks, for paginated readers (the GraphQL connection). */
export interface TaskQueryArgs {
  readonly where: Prisma.TaskWhereInput;
  readonly orderBy: Prisma.TaskOrderByWithRelationInput[];
}

/** How parseDueDate reads a written due date. */
export interface DueDateFormat {
  /** Only a wall-clock date or date-time in this calendar; any form when omitted. */
  readonly calendar?: 'jalali' | 'gregorian';
  /** The input field named in errors. */
  readonly field?: string;
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
  /**
   * Validates a filter and ordering (throws BadUserInputError naming `filter.*`) and returns the
   * Prisma `where` (always restricted to the actor's tasks) and `orderBy` (ending in the id, so
   * cursors are stable). `list` uses it; so does the GraphQL connection. A `search` costs one
   * SQL statement (the actor's tags matching its words), however many words it has.
   */
  queryArgs(actor: Actor, options?: { filter?: TaskFilter; orderBy?: readonly TaskOrder[] }): Promise<TaskQueryArgs>;
  stats(actor: Actor): Promise<TaskStats>;
  tags(actor: Actor): Promise<Array<{ tag: string; count: number }>>;
  /**
   * Reads a due date written as an ISO 8601 date-time with offset (that instant), or as a
   * wall-clock date-time in the actor's zone, Jalali (`1404-09-27T07:30`) or Gregorian
   * (`2025-12-18T07:30`). A date without a time (`2025-12-18`, `1404-09-27`) means by the end of
   * that day in the actor's zone: 23:59:00 there. This is the one place that rule lives; every
   * writer of due dates (GraphQL inputs, the assistant) reads them through here.
   * `calendar` accepts only that calendar's wall-clock form. Throws BadUserInputError naming
   * `field` (default `input.dueAt`).
   */
  parseDueDate(actor: Actor, text: string, options?: DueDateFormat): Date;
  /**
   * Local listeners, called on the instance that made the change, after commit (e.g. to
   * enqueue event-based processes exactly once). Subscribers on every instance get the
   * `task:changed` pub/sub event instead.
   */
  onEvent(listener: (event: TaskDomainEvent) => void | Promise<void>): () => void;
  /** Emits events for changes made outside the service (set-based updates by processes). */
  emitExternalChanges(events: readonly TaskDomainEvent[]): Promise<void>;
}

export interface TaskServiceDependencies {
  readonly prisma: PrismaClient;
  readonly pubsub: BehflowPubSub;
  readonly logger: Logger;
  /** The service time zone: Behflow's `*_jalali` columns are rendered in it. */
  readonly timeZone: string;
  /** The clock (tests may fix it). */
  readonly now?: () => Date;
}

/**
 * Behflow's derived Jalali columns for a task's Gregorian dates. Anything writing
 * `due_date_gregorian` or `date_added_gregorian` outside the service must write these too.
 */
export function jalaliColumns(dates: { dueDateGregorian?: Date | null; dateAddedGregorian?: Date }, serviceTimeZone: string) {
  return {
    ...(dates.dueDateGregorian !== undefined
      ? { dueDateJalali: dates.dueDateGregorian === null ? null : toJalali(dates.dueDateGregorian, serviceTimeZone) }
      : {}),
    ...(dates.dateAddedGregorian !== undefined ? { dateAddedJalali: toJalali(dates.dateAddedGregorian, serviceTimeZone) } : {}),
  };
}

export function createTaskService(deps: TaskServiceDependencies): TaskService {
  const { prisma, pubsub, timeZone } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'tasks' });
  const listeners = new Set<(event: TaskDomainEvent) => void | Promise<void>>();

  /** Runs after commit: subscribers on every instance via pub/sub, local listeners here. */
  async function emit(events: readonly TaskDomainEvent[]) {
    for (const event of events) {
      pubsub.publish('task:changed', event.userId, { type: event.type, taskId: event.taskId });
      for (const listener of listeners) {
        try {
          await listener(event);
        } catch (error) {
          // A failing listener must not turn a committed change into an error for the caller.
          log.error({ err: { message: (error as Error).message }, taskId: event.taskId }, 'task event listener failed');
        }
      }
    }
  }

  const event = (type: TaskEventType, task: Task): TaskDomainEvent => ({ type, taskId: task.id, userId: task.userId, task });

  /** completedAt follows the status: set on entering `completed`, kept while there, cleared on leaving. */
  function completedAtFor(previous: Pick<Task, 'status' | 'completedAt'> | null, status: TaskStatus, at: Date): Date | null {
    if (status !== 'completed') return null;
    return previous?.status === 'completed' && previous.completedAt ? previous.completedAt : at;
  }

  async function change(actor: Actor, taskId: string, data: UpdateTaskData): Promise<Task> {
    if (!isUuid(taskId)) throw new NotFoundError('Task');
    const changes: Prisma.TaskUncheckedUpdateInput = {};
    if (data.name !== undefined) changes.name = validName(data.name);
    if (data.description !== undefined) changes.description = validDescription(data.description);
    if (data.priority !== undefined) changes.priority = validPriority(data.priority);
    if (data.tags !== undefined) changes.tags = validTags(data.tags);
    if (data.dueAt !== undefined) {
      const dueAt = validDueDate(data.dueAt);
      Object.assign(changes, { dueDateGregorian: dueAt }, jalaliColumns({ dueDateGregorian: dueAt }, timeZone));
    }
    const status = data.status === undefined ? undefined : validStatus(data.status);

    const [previous, task] = await prisma.$transaction(async (tx) => {
      // Changes of one task take turns, so of several completions at once exactly one sees
      // the task still open and reports COMPLETED (which starts e.g. the next recurrence).
      await tx.$queryRaw`SELECT task_id FROM tasks WHERE task_id = ${taskId}::uuid AND user_id = ${actor.id}::uuid FOR UPDATE`;
      const current = await tx.task.findFirst({ where: { id: taskId, userId: actor.id } });
      if (!current) throw new NotFoundError('Task');
      if (status !== undefined) {
        changes.status = status;
        changes.completedAt = completedAtFor(current, status, now());
      }
      const updated = await tx.task.update({ where: { id: taskId }, data: changes });
      return [current, updated] as const;
    });
    await emit([event(previous.status !== 'completed' && task.status === 'completed' ? 'COMPLETED' : 'UPDATED', task)]);
    return task;
  }

  /**
   * The actor's tags containing each word in any case, in one statement. The trigram index on
   * behflow_task_tags_text(tags) finds the candidate rows (see its migration); each tag of those
   * rows is then checked on its own. A user has few distinct tags, so the answer stays small
   * even when many tasks match, and "has one of these tags" is answered by the tags' GIN index.
   */
  async function tagsMatching(actor: Actor, words: readonly string[]): Promise<TagMatches> {
    if (words.length === 0) return new Map();
    const perWord = words.map((word, index) => {
      const pattern = `%${escapeLike(word)}%`;
      return Prisma.sql`
        SELECT ${index}::int AS word, tag
        FROM (SELECT DISTINCT tag
              FROM tasks CROSS JOIN LATERAL unnest(tags) AS tag
              WHERE user_id = ${actor.id}::uuid
                AND behflow_task_tags_text(tags) LIKE lower(${pattern}::text)
                AND lower(tag) LIKE lower(${pattern}::text)) AS matching`;
    });
    const rows = await prisma.$queryRaw<Array<{ word: number; tag: string }>>(Prisma.join(perWord, ' UNION ALL '));
    const matches = new Map<string, string[]>();
    for (const row of rows) {
      const word = words[Number(row.word)]!;
      matches.set(word, [...(matches.get(word) ?? []), row.tag]);
    }
    return matches;
  }

  const service: TaskService = {
    async create(actor, data) {
      const name = validName(data.name);
      const description = validDescription(data.description ?? null);
      const priority = validPriority(data.priority ?? 'medium');
      const status = validStatus(data.status ?? 'pending');
      const tags = validTags(data.tags ?? null);
      const dueAt = validDueDate(data.dueAt ?? null);
      const at = now();
      const task = await prisma.task.create({
        data: {
          userId: actor.id,
          name,
          description,
          priority,
          status,
          tags,
          dueDateGregorian: dueAt,
          dateAddedGregorian: at,
          updatedAt: at,
          completedAt: completedAtFor(null, status, at),
          ...jalaliColumns({ dueDateGregorian: dueAt, dateAddedGregorian: at }, timeZone),
        } as Prisma.TaskUncheckedCreateInput,
      });
      await emit([event('CREATED', task)]);
      return task;
    },

    update: change,

    async delete(actor, taskId) {
      if (!isUuid(taskId)) throw new NotFoundError('Task');
      const task = await prisma.$transaction(async (tx) => {
        const current = await tx.task.findFirst({ where: { id: taskId, userId: actor.id } });
        if (!current) throw new NotFoundError('Task');
        const { count } = await tx.task.deleteMany({ where: { id: taskId, userId: actor.id } });
        if (count === 0) throw new NotFoundError('Task');
        return current;
      });
      await emit([event('DELETED', task)]);
      return task;
    },

    complete: (actor, taskId) => change(actor, taskId, { status: 'completed' }),

    reopen: (actor, taskId) => change(actor, taskId, { status: 'pending' }),

    async get(actor, taskId) {
      if (!isUuid(taskId)) return null;
      return prisma.task.findFirst({ where: { id: taskId, userId: actor.id } });
    },

    async queryArgs(actor, options = {}) {
      const filter = options.filter ?? {};
      const at = now();
      const orderBy = taskOrderBy(options.orderBy);
      // Check the whole filter before reading anything.
      taskWhere(actor, filter, at, new Map());
      const tagMatches = await tagsMatching(actor, searchWords(filter.search));
      return { where: taskWhere(actor, filter, at, tagMatches), orderBy };
    },

    async list(actor, options = {}) {
      const { where, orderBy } = await service.queryArgs(actor, options);
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
      return prisma.task.findMany({ where, orderBy, take: limit });
    },

    async stats(actor) {
      const at = now();
      const today = dayBounds(at, actor.timeZone);
      const [row] = await prisma.$queryRaw<Array<Record<string, number>>>`
        SELECT count(*)::int AS total,
               count(*) FILTER (WHERE status = 'pending')::int AS pending,
               count(*) FILTER (WHERE status = 'in_progress')::int AS in_progress,
               count(*) FILTER (WHERE status = 'completed')::int AS completed,
               count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
               count(*) FILTER (WHERE priority = 'low')::int AS low,
               count(*) FILTER (WHERE priority = 'medium')::int AS medium,
               count(*) FILTER (WHERE priority = 'high')::int AS high,
               count(*) FILTER (WHERE due_date_gregorian < ${at} AND status IN ('pending', 'in_progress'))::int AS overdue,
               count(*) FILTER (WHERE due_date_gregorian >= ${today.start} AND due_date_gregorian < ${today.end})::int AS due_today
        FROM tasks WHERE user_id = ${actor.id}::uuid`;
      const counts = row ?? {};
      const count = (key: string) => Number(counts[key] ?? 0);
      return {
        total: count('total'),
        byStatus: { pending: count('pending'), in_progress: count('in_progress'), completed: count('completed'), cancelled: count('cancelled') },
        byPriority: { low: count('low'), medium: count('medium'), high: count('high') },
        overdue: count('overdue'),
        dueToday: count('due_today'),
      };
    },

    async tags(actor) {
      const rows = await prisma.$queryRaw<Array<{ tag: string; count: number }>>`
        SELECT tag, count(*)::int AS count
        FROM tasks CROSS JOIN LATERAL unnest(tags) AS tag
        WHERE user_id = ${actor.id}::uuid
        GROUP BY tag
        ORDER BY count(*) DESC, tag`;
      return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
    },

    parseDueDate(actor, text, options = {}) {
      const field = options.field ?? 'input.dueAt';
      const read = options.calendar === 'jalali' ? parseJalali : options.calendar === 'gregorian' ? parseLocalGregorian : parseFlexibleDate;
      try {
        return validDueDate(read(text, actor.timeZone, DATE_ONLY_DUE_TIME), () => field)!;
      } catch (error) {
        if (error instanceof CalendarInputError) throw new BadUserInputError(error.message, field);
        throw error;
      }
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    emitExternalChanges: emit,
  };
  return service;
}
