// The task queries: the viewer's tasks as a filtered, ordered connection, one task by ID, their
// statistics and their tags. Each resolver hands the arguments to TaskService and returns its answer.
import { documentedConnection, keysetConnection } from '../../schema/connection.js';
import { builder } from '../../schema/builder.js';
import { rowIdOf } from '../../schema/global-ids.js';
import { OrderDirection } from '../../schema/order.js';
import { selectionOf } from '../../schema/selection.js';
import type { TaskFilter, TaskOrder } from '../service.js';
import { loadTask, TaskPriorityEnum, TaskRef, TaskStatusEnum, taskColumns } from './task.js';

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
  t.withAuth({ authenticated: true }).connection(
    {
      type: TaskRef,
      description: "The viewer's tasks, filtered and ordered (newest first unless `orderBy` says otherwise).",
      args: {
        filter: t.arg({ type: TaskFilterInput, description: 'Which tasks to list; all of them when omitted.' }),
        orderBy: t.arg({
          type: [TaskOrderInput],
          description: 'Sort keys, most significant first; by creation time, newest first, when omitted.',
        }),
      },
      resolve: async (_parent, args, context, info) => {
        const actor = context.viewer;
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
  t.withAuth({ authenticated: true }).field({
    type: TaskStatsRef,
    description: "Statistics of the viewer's tasks: totals by status and by priority, overdue, due today.",
    resolve: async (_root, _args, context) => {
      const stats = await context.tasks.stats(context.viewer);
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
  t.withAuth({ authenticated: true }).field({
    type: [TagCountRef],
    description: "Every tag on the viewer's tasks with how many tasks carry it, most used first.",
    resolve: (_root, _args, context) => context.tasks.tags(context.viewer),
  }),
);
