// The task API: the Task type, its connection with filters and ordering, statistics, tags,
// mutations and the live `taskEvents` stream. Resolvers translate GraphQL to TaskService calls.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import { loadAccount, UserNode } from '../auth/schema.js';
import type { Task } from '../db/prisma.js';
import { builder } from '../schema/builder.js';
import { documentedConnection, keysetConnection } from '../schema/connection.js';
import { isSignedIn, type Context, type SignedInContext } from '../schema/context.js';
import { BadUserInputError, UnauthenticatedError } from '../errors.js';
import { OrderDirection } from '../schema/order.js';
import { columnsOf, selectionOf } from '../schema/selection.js';
import { toJalali } from './calendar.js';
import type { TaskColumn } from './queries.js';
import type { StreamItem } from '../events/streams.js';
import { eventCursor, sequenceAfter } from '../schema/event-cursor.js';
import { taskFromSnapshot, taskStream, type TaskChangedEvent } from './snapshot.js';
import { isOverdue } from './rules.js';
import { rowIdOf, uuidOrNoMatch } from '../schema/global-ids.js';
import type { Actor, TaskFilter, TaskOrder, UpdateTaskData } from './service.js';

function actorOf(context: Context): Actor {
  if (!context.viewer) throw new UnauthenticatedError();
  return { id: context.viewer.id, timeZone: context.viewer.timeZone };
}

const zoneOf = (context: Context) => context.viewer?.timeZone ?? context.config.timeZone;
const jalaliIn = (context: Context, date: Date | null) => (date ? toJalali(date, zoneOf(context)) : null);

export const TaskPriorityEnum = builder.enumType('TaskPriority', {
  description: 'How important a task is.',
  values: {
    LOW: { value: 'low', description: 'Can wait.' },
    MEDIUM: { value: 'medium', description: 'Normal importance (the default).' },
    HIGH: { value: 'high', description: 'Important: do it first.' },
  } as const,
});

export const TaskStatusEnum = builder.enumType('TaskStatus', {
  description: 'Where a task stands.',
  values: {
    PENDING: { value: 'pending', description: 'Not started (the default).' },
    IN_PROGRESS: { value: 'in_progress', description: 'Being worked on.' },
    COMPLETED: { value: 'completed', description: 'Done.' },
    CANCELLED: { value: 'cancelled', description: 'Will not be done.' },
  } as const,
});

/** The columns each field of Task reads (a test checks that every field is listed). */
export const TASK_FIELD_COLUMNS = {
  id: [],
  name: ['name'],
  description: ['description'],
  priority: ['priority'],
  status: ['status'],
  tags: ['tags'],
  dueAt: ['dueDateGregorian'],
  dueAtJalali: ['dueDateGregorian'],
  createdAt: ['dateAddedGregorian'],
  createdAtJalali: ['dateAddedGregorian'],
  updatedAt: ['updatedAt'],
  updatedAtJalali: ['updatedAt'],
  completedAt: ['completedAt'],
  completedAtJalali: ['completedAt'],
  isOverdue: ['dueDateGregorian', 'status'],
  owner: ['userId'],
} as const satisfies Record<string, readonly TaskColumn[]>;

/** The columns a selection of Task fields reads. */
export const taskColumns = columnsOf<TaskColumn>(TASK_FIELD_COLUMNS, ['id']);
const taskSelection = selectionOf('Task', [[]]);

/** Loads tasks of the viewer by id with the columns the selection needs, batched per request. */
function loadTask(context: SignedInContext, info: GraphQLResolveInfo, id: string): Promise<Task | null> {
  const viewer = context.viewer;
  const columns = taskColumns(taskSelection(info));
  const loader = context.loaders.rows(`Task:${columns.join(',')}`, (ids) => context.tasks.getMany(viewer, ids, columns));
  // The rows hold the columns the selected fields declared: what those fields read.
  return loader.load(id) as Promise<Task | null>;
}

export const TaskRef = builder.node(builder.objectRef<Task>('Task'), {
  description: 'Something a user wants to get done.',
  id: { resolve: (task) => task.id },
  // node(id:) and nodes(ids:) find only the viewer's own tasks; others' are null, like missing ones.
  // Tasks are only ever read for the signed-in viewer (every field returning them checks), so
  // the type itself needs no per-object check.
  loadWithoutCache: (id, context, info) => (isSignedIn(context) ? loadTask(context, info, uuidOrNoMatch(id)) : null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What to do (1–255 characters).' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'Details (up to 20,000 characters); null when there are none.',
    }),
    priority: t.expose('priority', { type: TaskPriorityEnum, description: 'How important the task is.' }),
    status: t.expose('status', { type: TaskStatusEnum, description: 'Where the task stands.' }),
    tags: t.stringList({
      description: 'Labels for grouping and filtering, in the order given (never null; empty when there are none).',
      resolve: (task) => task.tags ?? [],
    }),
    dueAt: t.expose('dueDateGregorian', {
      type: 'DateTime',
      nullable: true,
      description: 'When the task is due; null when it has no due date.',
    }),
    dueAtJalali: t.string({
      nullable: true,
      description: "The due date in the Jalali (Persian) calendar, `YYYY-MM-DDTHH:MM:SS` on the viewer's wall clock (their time zone).",
      resolve: (task, _args, context) => jalaliIn(context, task.dueDateGregorian),
    }),
    createdAt: t.expose('dateAddedGregorian', { type: 'DateTime', description: 'When the task was added.' }),
    createdAtJalali: t.string({
      description: "When the task was added, in the Jalali calendar on the viewer's wall clock (`YYYY-MM-DDTHH:MM:SS`).",
      resolve: (task, _args, context) => jalaliIn(context, task.dateAddedGregorian)!,
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the task last changed.' }),
    updatedAtJalali: t.string({
      description: "When the task last changed, in the Jalali calendar on the viewer's wall clock (`YYYY-MM-DDTHH:MM:SS`).",
      resolve: (task, _args, context) => jalaliIn(context, task.updatedAt)!,
    }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the task was completed; null unless its status is COMPLETED.',
    }),
    completedAtJalali: t.string({
      nullable: true,
      description: "When the task was completed, in the Jalali calendar on the viewer's wall clock; null unless completed.",
      resolve: (task, _args, context) => jalaliIn(context, task.completedAt),
    }),
    isOverdue: t.boolean({
      description: 'Whether the due date has passed while the task is still PENDING or IN_PROGRESS.',
      resolve: (task) => isOverdue(task),
    }),
    owner: t.field({
      type: UserNode,
      description: 'The user the task belongs to.',
      resolve: async (task, _args, context, info) => {
        const owner = await loadAccount(context, info, task.userId);
        if (!owner) throw new UnauthenticatedError();
        return owner;
      },
    }),
  }),
});

const TaskOrderFieldEnum = builder.enumType('TaskOrderField', {
  description: 'What tasks can be sorted by. Ties are broken by ID, so cursors stay stable.',
  values: {
    DUE_AT: { value: 'DUE_AT', description: 'The due date; tasks without one come last when ascending, first when descending.' },
    PRIORITY: { value: 'PRIORITY', description: 'Importance: LOW < MEDIUM < HIGH (use DESC for the most important first).' },
    CREATED_AT: { value: 'CREATED_AT', description: 'When the task was added.' },
    UPDATED_AT: { value: 'UPDATED_AT', description: 'When the task last changed.' },
    NAME: { value: 'NAME', description: 'The name, alphabetically.' },
  } as const,
});

const TaskOrderInput = builder.inputType('TaskOrder', {
  description: 'One sort key for tasks.',
  fields: (t) => ({
    field: t.field({ type: TaskOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, required: true, description: 'Which way to sort.' }),
  }),
});

const TaskFilterInput = builder.inputType('TaskFilter', {
  description: 'Narrows a list of tasks; every condition given must hold.',
  fields: (t) => ({
    statuses: t.field({ type: [TaskStatusEnum], description: 'Tasks with any of these statuses.' }),
    priorities: t.field({ type: [TaskPriorityEnum], description: 'Tasks with any of these priorities.' }),
    tagsAny: t.stringList({
      description: 'Tasks with at least one of these tags, in any case (`work` finds `Work`), as `search` reads them.',
    }),
    tagsAll: t.stringList({ description: 'Tasks with all of these tags, each in any case (`work` finds `Work`).' }),
    dueBefore: t.field({ type: 'DateTime', description: 'Tasks due strictly before this instant.' }),
    dueAfter: t.field({ type: 'DateTime', description: 'Tasks due strictly after this instant.' }),
    overdue: t.boolean({
      description: 'true: only overdue tasks (due in the past, still PENDING or IN_PROGRESS); false: only the others.',
    }),
    dueToday: t.boolean({ description: "true: only tasks due today in the viewer's time zone; false: only the others." }),
    search: t.string({
      description:
        'Words that must each appear, in any case and anywhere inside a word, in the name, the description or one of the tags (`hom` finds the tag `Home`). At most 200 characters.',
    }),
  }),
});

/** GraphQL's "absent" is undefined and "null" is null; a filter treats both as "no condition". */
function filterFromArgs(filter: typeof TaskFilterInput.$inferInput | null | undefined): TaskFilter {
  if (!filter) return {};
  const present = <T>(value: T | null | undefined) => (value === null ? undefined : value);
  return {
    statuses: present(filter.statuses),
    priorities: present(filter.priorities),
    tagsAny: present(filter.tagsAny),
    tagsAll: present(filter.tagsAll),
    dueBefore: present(filter.dueBefore),
    dueAfter: present(filter.dueAfter),
    overdue: present(filter.overdue),
    dueToday: present(filter.dueToday),
    search: present(filter.search),
  };
}

const TaskConnection = documentedConnection(
  TaskRef,
  'Task',
  { one: 'task', many: 'tasks' },
  'How many tasks match the filter, on all pages.',
);

/** What a `tasks` selection reads of each task: the fields below `edges.node` and `nodes`. */
const pageSelection = selectionOf('Task', [['edges', 'node'], ['nodes']]);
/** Whether the selection needs the page itself (not only `totalCount`). */
const connectionSelection = selectionOf('TaskConnection', [[]]);

builder.queryField('tasks', (t) =>
  t.connection(
    {
      type: TaskRef,
      description: "The viewer's tasks, filtered and ordered (newest first unless `orderBy` says otherwise).",
      authScopes: { authenticated: true },
      args: {
        filter: t.arg({ type: TaskFilterInput, description: 'Which tasks to list; all of them when omitted.' }),
        orderBy: t.arg({
          type: [TaskOrderInput],
          description: 'Sort keys, most significant first; by creation time, newest first, when omitted.',
        }),
      },
      resolve: async (_parent, args, context, info) => {
        const actor = actorOf(context);
        const listing = context.tasks.listing(actor, {
          filter: filterFromArgs(args.filter),
          orderBy: (args.orderBy ?? undefined) as readonly TaskOrder[] | undefined,
        });
        const totalCount = () => context.tasks.count(actor, listing);
        const wanted = connectionSelection(info);
        const readsRows = wanted.has('edges') || wanted.has('nodes') || wanted.has('pageInfo');
        const columns = taskColumns(pageSelection(info));
        return keysetConnection(
          args,
          (window) =>
            readsRows ? context.tasks.page(actor, listing, { columns, ...window, cursorTaskId: window.cursorId }) : Promise.resolve([]),
          { totalCount },
        ) as never;
      },
    },
    TaskConnection,
  ),
);

builder.queryField('task', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: TaskRef,
    nullable: true,
    description: "One of the viewer's tasks by ID; null when there is no such task or it is not the viewer's.",
    args: { id: t.arg.id({ required: true, description: 'The global ID of the task.' }) },
    resolve: (_root, args, context, info) => loadTask(context, info, rowIdOf(args.id, 'Task')),
  }),
);

interface CountShape<K> {
  key: K;
  count: number;
}

const TaskStatusCount = builder.objectRef<CountShape<'pending' | 'in_progress' | 'completed' | 'cancelled'>>('TaskStatusCount').implement({
  description: 'How many tasks have one status.',
  fields: (t) => ({
    status: t.field({ type: TaskStatusEnum, description: 'The status.', resolve: (entry) => entry.key }),
    count: t.exposeInt('count', { description: "How many of the viewer's tasks have it." }),
  }),
});

const TaskPriorityCount = builder.objectRef<CountShape<'low' | 'medium' | 'high'>>('TaskPriorityCount').implement({
  description: 'How many tasks have one priority.',
  fields: (t) => ({
    priority: t.field({ type: TaskPriorityEnum, description: 'The priority.', resolve: (entry) => entry.key }),
    count: t.exposeInt('count', { description: "How many of the viewer's tasks have it." }),
  }),
});

interface TaskStatsShape {
  total: number;
  byStatus: CountShape<'pending' | 'in_progress' | 'completed' | 'cancelled'>[];
  byPriority: CountShape<'low' | 'medium' | 'high'>[];
  overdue: number;
  dueToday: number;
}

const TaskStatsRef = builder.objectRef<TaskStatsShape>('TaskStats').implement({
  description: "Counts over all the viewer's tasks.",
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'All tasks.' }),
    byStatus: t.field({
      type: [TaskStatusCount],
      description: 'Tasks per status, every status listed (zero counts included).',
      resolve: (s) => s.byStatus,
    }),
    byPriority: t.field({
      type: [TaskPriorityCount],
      description: 'Tasks per priority, every priority listed (zero counts included).',
      resolve: (s) => s.byPriority,
    }),
    overdue: t.exposeInt('overdue', { description: 'Tasks due in the past that are still PENDING or IN_PROGRESS.' }),
    dueToday: t.exposeInt('dueToday', { description: "Tasks (any status) due today in the viewer's time zone." }),
  }),
});

builder.queryField('taskStats', (t) =>
  t.field({
    type: TaskStatsRef,
    description: "Statistics of the viewer's tasks: totals by status and by priority, overdue, due today.",
    authScopes: { authenticated: true },
    resolve: async (_root, _args, context) => {
      const stats = await context.tasks.stats(actorOf(context));
      return {
        total: stats.total,
        byStatus: (Object.keys(stats.byStatus) as Array<keyof typeof stats.byStatus>).map((key) => ({ key, count: stats.byStatus[key] })),
        byPriority: (Object.keys(stats.byPriority) as Array<keyof typeof stats.byPriority>).map((key) => ({
          key,
          count: stats.byPriority[key],
        })),
        overdue: stats.overdue,
        dueToday: stats.dueToday,
      };
    },
  }),
);

const TagCountRef = builder.objectRef<{ tag: string; count: number }>('TagCount').implement({
  description: 'A tag and how many tasks carry it.',
  fields: (t) => ({
    name: t.exposeString('tag', { description: 'The tag.' }),
    count: t.exposeInt('count', { description: "How many of the viewer's tasks carry it." }),
  }),
});

builder.queryField('tags', (t) =>
  t.field({
    type: [TagCountRef],
    description: "Every tag on the viewer's tasks with how many tasks carry it, most used first.",
    authScopes: { authenticated: true },
    resolve: (_root, _args, context) => context.tasks.tags(actorOf(context)),
  }),
);

// ---- Mutations ----

const dueDateFields = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
  dueAt: t.field({
    type: 'DateTime',
    description: 'The due date as an instant. Give at most one of dueAt, dueAtJalali and dueDate; null clears it.',
  }),
  dueAtJalali: t.string({
    description:
      "The due date in the Jalali calendar on the viewer's wall clock: `1404-09-27T07:30[:00]`, or a date alone `1404-09-27` meaning by the end of that day (23:59 in the viewer's time zone, rendered `1404-09-27T23:59:00`). Null clears it.",
  }),
  dueDate: t.string({
    description:
      "The due date as a Gregorian calendar date `2025-12-18`, meaning by the end of that day (23:59 in the viewer's time zone), or a date-time without offset `2025-12-18T07:30[:00]` on the viewer's wall clock. Null clears it.",
  }),
});

/** The due date from whichever of the three fields was given: undefined when none, null to clear. */
function dueDateFromInput(
  input: { dueAt?: Date | null; dueAtJalali?: string | null; dueDate?: string | null },
  actor: Actor,
  context: Context,
): Date | null | undefined {
  const given = (['dueAt', 'dueAtJalali', 'dueDate'] as const).filter((key) => input[key] !== undefined);
  if (given.length > 1) throw new BadUserInputError('Give the due date in one form only.', `input.${given[1]}`);
  const [key] = given;
  if (!key) return undefined;
  const value = input[key];
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return context.tasks.parseDueDate(actor, value, { calendar: key === 'dueAtJalali' ? 'jalali' : 'gregorian', field: key });
}

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  description: 'A new task.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'What to do: 1–255 characters (surrounding spaces are trimmed).' }),
    description: t.string({ description: 'Details, up to 20,000 characters.' }),
    priority: t.field({ type: TaskPriorityEnum, description: 'How important it is; MEDIUM when omitted.' }),
    status: t.field({ type: TaskStatusEnum, description: 'Where it stands; PENDING when omitted.' }),
    tags: t.stringList({ description: 'At most 32 tags of 1–64 characters each; trimmed, duplicates dropped.' }),
    ...dueDateFields(t),
  }),
});

const UpdateTaskInput = builder.inputType('UpdateTaskInput', {
  description: 'Changes to a task: fields left out stay as they are; null clears a field that may be empty.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The global ID of the task.' }),
    name: t.string({ description: 'A new name (1–255 characters); cannot be null.' }),
    description: t.string({ description: 'New details (up to 20,000 characters); null removes them.' }),
    priority: t.field({ type: TaskPriorityEnum, description: 'A new priority; cannot be null.' }),
    status: t.field({
      type: TaskStatusEnum,
      description: 'A new status; cannot be null. COMPLETED sets completedAt, leaving it clears completedAt.',
    }),
    tags: t.stringList({ description: 'The new tags, replacing the old ones (same rules as on creation); null removes all.' }),
    ...dueDateFields(t),
  }),
});

const TaskIdInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.id({ required: true, description: 'The global ID of the task.' }) }),
  });
const DeleteTaskInput = TaskIdInput('DeleteTaskInput', 'The task to delete.');
const CompleteTaskInput = TaskIdInput('CompleteTaskInput', 'The task to mark as completed.');
const ReopenTaskInput = TaskIdInput('ReopenTaskInput', 'The task to set back to PENDING.');

const taskPayload = (name: string, description: string) =>
  builder.objectRef<{ task: Task }>(name).implement({
    description,
    fields: (t) => ({
      task: t.field({ type: TaskRef, description: 'The task as it is now.', resolve: (payload) => payload.task }),
    }),
  });

const CreateTaskPayload = taskPayload('CreateTaskPayload', 'The result of createTask.');
const UpdateTaskPayload = taskPayload('UpdateTaskPayload', 'The result of updateTask.');
const CompleteTaskPayload = taskPayload('CompleteTaskPayload', 'The result of completeTask.');
const ReopenTaskPayload = taskPayload('ReopenTaskPayload', 'The result of reopenTask.');

const DeleteTaskPayload = builder.objectRef<{ taskId: string }>('DeleteTaskPayload').implement({
  description: 'The result of deleteTask.',
  fields: (t) => ({
    deletedTaskId: t.id({
      description: 'The global ID of the deleted task, to remove it from client caches.',
      resolve: (payload) => encodeGlobalID('Task', payload.taskId),
    }),
  }),
});

/** Absent stays absent, null is passed on (the service refuses null where a field cannot be empty). */
function nonNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw new BadUserInputError(`${field} cannot be null.`, `input.${field}`);
  return value;
}

builder.mutationField('createTask', (t) =>
  t.field({
    type: CreateTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Adds a task for the viewer.',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: CreateTaskInput, required: true, description: 'The new task.' }) },
    resolve: async (_root, { input }, context) => {
      const actor = actorOf(context);
      const task = await context.tasks.create(actor, {
        name: input.name,
        description: input.description ?? null,
        priority: input.priority ?? undefined,
        status: input.status ?? undefined,
        tags: input.tags ?? null,
        dueAt: dueDateFromInput(input, actor, context) ?? null,
      });
      return { task };
    },
  }),
);

builder.mutationField('updateTask', (t) =>
  t.field({
    type: UpdateTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Changes some fields of one of the viewer's tasks, leaving the others as they are.",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: UpdateTaskInput, required: true, description: 'The task and its changes.' }) },
    resolve: async (_root, { input }, context) => {
      const actor = actorOf(context);
      const changes: { -readonly [K in keyof UpdateTaskData]: UpdateTaskData[K] } = {};
      if (input.name !== undefined) changes.name = nonNull(input.name, 'name');
      if (input.description !== undefined) changes.description = input.description;
      if (input.priority !== undefined) changes.priority = nonNull(input.priority, 'priority');
      if (input.status !== undefined) changes.status = nonNull(input.status, 'status');
      if (input.tags !== undefined) changes.tags = input.tags;
      const dueAt = dueDateFromInput(input, actor, context);
      if (dueAt !== undefined) changes.dueAt = dueAt;
      return { task: await context.tasks.update(actor, rowIdOf(input.id, 'Task'), changes) };
    },
  }),
);

builder.mutationField('deleteTask', (t) =>
  t.field({
    type: DeleteTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Deletes one of the viewer's tasks.",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: DeleteTaskInput, required: true, description: 'The task to delete.' }) },
    resolve: async (_root, { input }, context) => {
      const task = await context.tasks.delete(actorOf(context), rowIdOf(input.id, 'Task'));
      return { taskId: task.id };
    },
  }),
);

builder.mutationField('completeTask', (t) =>
  t.field({
    type: CompleteTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Marks one of the viewer's tasks as COMPLETED (and sets completedAt, unless it already was completed).",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: CompleteTaskInput, required: true, description: 'The task to complete.' }) },
    resolve: async (_root, { input }, context) => {
      return { task: await context.tasks.complete(actorOf(context), rowIdOf(input.id, 'Task')) };
    },
  }),
);

builder.mutationField('reopenTask', (t) =>
  t.field({
    type: ReopenTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Sets one of the viewer's tasks back to PENDING (clearing completedAt).",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: ReopenTaskInput, required: true, description: 'The task to reopen.' }) },
    resolve: async (_root, { input }, context) => {
      return { task: await context.tasks.reopen(actorOf(context), rowIdOf(input.id, 'Task')) };
    },
  }),
);

// ---- Subscription ----

export const TaskEventTypeEnum = builder.enumType('TaskEventType', {
  description:
    'What happened to a task; also the task events an event-based automated process reacts to (`AutomatedProcess.events`: every value but REFETCH), which were the `ProcessTaskEvent` values `TASK_CREATED`, `TASK_UPDATED`, `TASK_COMPLETED` and `TASK_DELETED` before.',
  values: {
    CREATED: { value: 'CREATED', description: 'The task was added.' },
    UPDATED: { value: 'UPDATED', description: 'The task changed (including being reopened or cancelled).' },
    COMPLETED: { value: 'COMPLETED', description: 'The task changed to COMPLETED (an update: `task` carries its new state).' },
    DELETED: { value: 'DELETED', description: 'The task was deleted: `task` is null, `taskId` says which one.' },
    REFETCH: {
      value: 'REFETCH',
      description:
        "Events asked for with `after` are no longer kept: read the tasks again, then go on from this event's `cursor`. `taskId` and `task` are null. Not a task event a process can react to.",
    },
  } as const,
});

/** The task an event carries, revived once per event on this instance whatever the number of subscribers. */
const eventTasks = new WeakMap<TaskChangedEvent, Task>();

function taskOfEvent(event: TaskChangedEvent): Task {
  let task = eventTasks.get(event);
  if (!task) eventTasks.set(event, (task = taskFromSnapshot(event.task)));
  return task;
}

const changeOf = (item: StreamItem) => (item.kind === 'event' ? (item.payload as TaskChangedEvent) : null);

const TaskEventRef = builder.objectRef<StreamItem>('TaskEvent').implement({
  description: "A change to one of the viewer's tasks, whatever made it (the API, the assistant, an automated process).",
  fields: (t) => ({
    type: t.field({
      type: TaskEventTypeEnum,
      description: 'What happened.',
      resolve: (item) => changeOf(item)?.type ?? 'REFETCH',
    }),
    cursor: t.string({
      description: 'Where this event stands in the stream: pass it as `after` when subscribing again to get every event since.',
      resolve: (item) => eventCursor(item),
    }),
    taskId: t.id({
      nullable: true,
      description: 'The global ID of the task; null for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change ? encodeGlobalID('Task', change.taskId) : null;
      },
    }),
    task: t.field({
      type: TaskRef,
      nullable: true,
      description: 'The task as this change left it; null when it was deleted, and for REFETCH.',
      resolve: (item) => {
        const change = changeOf(item);
        return change && change.type !== 'DELETED' ? taskOfEvent(change) : null;
      },
    }),
  }),
});

builder.subscriptionField('taskEvents', (t) =>
  t.field({
    type: TaskEventRef,
    description:
      "Every change to the viewer's tasks, as it happens, in order. Only the viewer's own tasks are ever reported. With `after`, the changes since that event come first (see the README for how long they are kept).",
    authScopes: { authenticated: true },
    args: {
      after: t.arg.string({
        description: "Resume after this event's `cursor`: the events since come first, or a single REFETCH when they are no longer kept.",
      }),
    },
    // The viewer's own stream is the server-side filter: no other user's event reaches it.
    subscribe: (_root, args, context) => {
      const stream = taskStream(actorOf(context).id);
      return context.streams.subscribe(stream, { after: sequenceAfter(args.after, stream) });
    },
    resolve: (item) => item,
  }),
);
