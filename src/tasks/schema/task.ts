// The Task type: its enums, the columns each field reads, and how the viewer's tasks are loaded
// by id (node(id:), nodes(ids:), task(id:)). Queries, mutations and the event stream sit beside it.
import type { GraphQLResolveInfo } from 'graphql';
import { loadAccount, UserNode } from '../../auth/schema.js';
import type { Task } from '../../db/prisma.js';
import { UnauthenticatedError } from '../../errors.js';
import { builder } from '../../schema/builder.js';
import { isSignedIn, type Context, type SignedInContext } from '../../schema/context.js';
import { uuidOrNoMatch } from '../../schema/global-ids.js';
import { columnsOf, selectionOf } from '../../schema/selection.js';
import { toJalali } from '../calendar.js';
import type { TaskColumn } from '../queries.js';
import { isOverdue } from '../rules.js';

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
export function loadTask(context: SignedInContext, info: GraphQLResolveInfo, id: string): Promise<Task | null> {
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
