// The contract of the task domain. Resolvers, the chat assistant's tools and automated
// processes all go through one TaskService, so every rule (validation, Jalali columns,
// completedAt, events) holds whoever makes the change.
import type { PrismaClient, Task } from '../db/prisma.js';
import type { Sql } from '../db/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { EventLog, LoggedEvent } from '../events/log.js';
import { BadUserInputError, NotFoundError } from '../errors.js';
import { CalendarInputError, dayBounds, parseFlexibleDate, parseJalali, parseLocalGregorian } from './calendar.js';
import { createTaskEvents, taskEvent } from './events.js';
import {
  ALL_TASK_COLUMNS,
  byIdsStatement,
  countStatement,
  pageStatement,
  statsStatement,
  tagsStatement,
  taskStatsOf,
  type TaskColumn,
  type TaskRow,
} from './queries.js';
import {
  movedTasks,
  rescheduleOutcome,
  rescheduleStatement,
  type RescheduleOptions,
  type RescheduleOutcome,
  type RescheduleRow,
} from './reschedule.js';
import {
  checkedTaskFilter,
  checkedTaskOrder,
  completedAtFor,
  DATE_ONLY_DUE_TIME,
  isUuid,
  jalaliColumns,
  validDescription,
  validDueDate,
  validName,
  validPriority,
  validStatus,
  validTags,
} from './rules.js';

export * from './model.js';
export type { RescheduleOptions, RescheduleOutcome } from './reschedule.js';
import type {
  Actor,
  CreateTaskData,
  DueDateFormat,
  TaskDomainEvent,
  TaskFilter,
  TaskListing,
  TaskOrder,
  TaskStats,
  UpdateTaskData,
} from './model.js';

/** One page of a listing. */
export interface TaskPageRequest {
  /** The columns to read (the id always comes along). */
  readonly columns: readonly TaskColumn[];
  /** Start after (or, inverted, before) this task; a task that is not the actor's gives an empty page. */
  readonly cursorTaskId?: string;
  readonly limit: number;
  /** Read from the end backwards (`last`/`before`): rows come last first. */
  readonly inverted?: boolean;
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
  /** The actor's tasks among `ids`, with the given columns; others' and missing ones are left out. */
  getMany(actor: Actor, ids: readonly string[], columns: readonly TaskColumn[]): Promise<TaskRow[]>;
  /** Up to `limit` (100 by default, 1,000 at most) of the actor's tasks, whole. */
  list(actor: Actor, options?: { filter?: TaskFilter; orderBy?: readonly TaskOrder[]; limit?: number }): Promise<Task[]>;
  /**
   * Checks a filter and ordering (BadUserInputError naming `filter.*` or `orderBy`) and fixes
   * "now" and the actor's "today", so a page and its count read the same list.
   */
  listing(actor: Actor, options?: { filter?: TaskFilter; orderBy?: readonly TaskOrder[] }): TaskListing;
  /** One page of a listing, in one statement. */
  page(actor: Actor, listing: TaskListing, request: TaskPageRequest): Promise<TaskRow[]>;
  /** How many tasks a listing holds, in one statement. */
  count(actor: Actor, listing: TaskListing): Promise<number>;
  stats(actor: Actor): Promise<TaskStats>;
  tags(actor: Actor): Promise<Array<{ tag: string; count: number }>>;
  /**
   * Reads a due date written as an ISO 8601 date-time with offset (that instant), or as a
   * wall-clock date-time in the actor's zone, Jalali (`1404-09-27T07:30`) or Gregorian
   * (`2025-12-18T07:30`). A date without a time (`2025-12-18`, `1404-09-27`) means by the end of
   * that day in the actor's zone: 23:59:00 there. This is the one place that rule lives; every
   * writer of due dates (GraphQL inputs, the assistant) reads them through here.
   * `calendar` accepts only that calendar's wall-clock form. Throws BadUserInputError naming
   * `field` (default `dueAt`).
   */
  parseDueDate(actor: Actor, text: string, options?: DueDateFormat): Date;
  /**
   * Local listeners, called on the instance that made the change, after commit (e.g. to
   * enqueue event-based processes exactly once). Subscribers on every instance get the
   * `task:changed` pub/sub event instead.
   */
  onEvent(listener: (event: TaskDomainEvent) => void | Promise<void>): () => void;
  /**
   * Moves every owner's unfinished tasks due before their today to today (the
   * reschedule_remaining_tasks process), set-based; each moved task's UPDATED event commits
   * with the move.
   */
  rescheduleOverdue(options: RescheduleOptions): Promise<RescheduleOutcome>;
}

export interface TaskServiceDependencies {
  readonly prisma: PrismaClient;
  /** Prepared reads (the request path). */
  readonly sql: Sql;
  /** Where task events are written with their change, and sent on from. */
  readonly events: EventLog;
  readonly logger: Logger;
  /** The service time zone: Behflow's `*_jalali` columns are rendered in it. */
  readonly timeZone: string;
  /** The clock (tests may fix it). */
  readonly now?: () => Date;
}

export function createTaskService(deps: TaskServiceDependencies): TaskService {
  const { prisma, sql, events: eventLog, timeZone } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: 'tasks' });

  const taskEvents = createTaskEvents(eventLog, log);
  const { record, committed } = taskEvents;

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

    const { task, events, logged } = await prisma.$transaction(async (tx) => {
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
      const events = [taskEvent(current.status !== 'completed' && updated.status === 'completed' ? 'COMPLETED' : 'UPDATED', updated)];
      return { task: updated, events, logged: await record(tx, events) };
    });
    committed(logged, events);
    return task;
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
      const { task, events, logged } = await prisma.$transaction(async (tx) => {
        const task = await tx.task.create({
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
        const events = [taskEvent('CREATED', task)];
        return { task, events, logged: await record(tx, events) };
      });
      committed(logged, events);
      return task;
    },

    update: change,

    async delete(actor, taskId) {
      if (!isUuid(taskId)) throw new NotFoundError('Task');
      const { task, events, logged } = await prisma.$transaction(async (tx) => {
        const current = await tx.task.findFirst({ where: { id: taskId, userId: actor.id } });
        if (!current) throw new NotFoundError('Task');
        const { count } = await tx.task.deleteMany({ where: { id: taskId, userId: actor.id } });
        if (count === 0) throw new NotFoundError('Task');
        const events = [taskEvent('DELETED', current)];
        return { task: current, events, logged: await record(tx, events) };
      });
      committed(logged, events);
      return task;
    },

    complete: (actor, taskId) => change(actor, taskId, { status: 'completed' }),

    reopen: (actor, taskId) => change(actor, taskId, { status: 'pending' }),

    async get(actor, taskId) {
      if (!isUuid(taskId)) return null;
      const [task] = await sql.rows<Task>(byIdsStatement(actor.id, [taskId], ALL_TASK_COLUMNS));
      return task ?? null;
    },

    async getMany(actor, ids, columns) {
      const valid = [...new Set(ids.filter(isUuid))];
      if (valid.length === 0) return [];
      return sql.rows<TaskRow>(byIdsStatement(actor.id, valid, columns));
    },

    listing(actor, options = {}) {
      return { filter: checkedTaskFilter(actor, options.filter ?? {}, now()), orderBy: checkedTaskOrder(options.orderBy) };
    },

    page(actor, listing, request) {
      return sql.rows<TaskRow>(
        pageStatement({
          userId: actor.id,
          filter: listing.filter,
          orderBy: listing.orderBy,
          columns: request.columns,
          cursorTaskId: request.cursorTaskId,
          limit: request.limit,
          inverted: request.inverted ?? false,
        }),
      );
    },

    async count(actor, listing) {
      const [row] = await sql.rows<{ count: number }>(countStatement(actor.id, listing.filter));
      return row?.count ?? 0;
    },

    async list(actor, options = {}) {
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
      return (await service.page(actor, service.listing(actor, options), { columns: ALL_TASK_COLUMNS, limit })) as Task[];
    },

    async stats(actor) {
      const at = now();
      const [row] = await sql.rows<Record<string, number>>(statsStatement(actor.id, at, dayBounds(at, actor.timeZone)));
      return taskStatsOf(row);
    },

    async tags(actor) {
      const rows = await sql.rows<{ tag: string; count: number }>(tagsStatement(actor.id));
      return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
    },

    parseDueDate(actor, text, options = {}) {
      const field = options.field ?? 'dueAt';
      const read = options.calendar === 'jalali' ? parseJalali : options.calendar === 'gregorian' ? parseLocalGregorian : parseFlexibleDate;
      try {
        return validDueDate(read(text, actor.timeZone, DATE_ONLY_DUE_TIME), () => field)!;
      } catch (error) {
        if (error instanceof CalendarInputError) throw new BadUserInputError(error.message, field);
        throw error;
      }
    },

    onEvent: taskEvents.onEvent,

    async rescheduleOverdue(options) {
      // Prisma's own transaction timeout (5 s) would cut off a statement that merely waited on
      // a lock; the caller's budget bounds the connection wait, the transaction and the statement.
      const timeout = Math.max(1, Math.floor(options.timeoutMs));
      const { row, events, logged } = await prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${timeout}`);
          const [found] = await tx.$queryRaw<RescheduleRow[]>(rescheduleStatement(options));
          const moved: TaskDomainEvent[] = [];
          const written: LoggedEvent[] = [];
          for await (const tasks of movedTasks(tx, found!.moved_ids)) {
            const batch = tasks.map((task) => taskEvent('UPDATED', task));
            moved.push(...batch);
            written.push(...(await record(tx, batch)));
          }
          // A run given up while the statement waited must not commit what it did.
          options.signal?.throwIfAborted();
          return { row: found!, events: moved, logged: written };
        },
        { maxWait: timeout, timeout },
      );
      committed(logged, events);
      return rescheduleOutcome(row);
    },
  };
  return service;
}
