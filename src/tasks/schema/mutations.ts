// The task mutations: create, update, delete, complete and reopen one of the viewer's tasks.
// Each takes one input, hands it to TaskService, and returns a payload with the task as it is now.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Task } from '../../db/prisma.js';
import { BadUserInputError } from '../../errors.js';
import { builder } from '../../schema/builder.js';
import type { SignedInContext } from '../../schema/context.js';
import { rowIdOf } from '../../schema/global-ids.js';
import type { UpdateTaskData } from '../service.js';
import { TaskPriorityEnum, TaskRef, TaskStatusEnum } from './task.js';

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
  context: SignedInContext,
): Date | null | undefined {
  const given = (['dueAt', 'dueAtJalali', 'dueDate'] as const).filter((key) => input[key] !== undefined);
  if (given.length > 1) throw new BadUserInputError('Give the due date in one form only.', `input.${given[1]}`);
  const [key] = given;
  if (!key) return undefined;
  const value = input[key];
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return context.tasks.parseDueDate(context.viewer, value, { calendar: key === 'dueAtJalali' ? 'jalali' : 'gregorian', field: key });
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
  t.withAuth({ authenticated: true }).field({
    type: CreateTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: 'Adds a task for the viewer.',
    args: { input: t.arg({ type: CreateTaskInput, required: true, description: 'The new task.' }) },
    resolve: async (_root, { input }, context) => {
      const actor = context.viewer;
      const task = await context.tasks.create(actor, {
        name: input.name,
        description: input.description ?? null,
        priority: input.priority ?? undefined,
        status: input.status ?? undefined,
        tags: input.tags ?? null,
        dueAt: dueDateFromInput(input, context) ?? null,
      });
      return { task };
    },
  }),
);

builder.mutationField('updateTask', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: UpdateTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Changes some fields of one of the viewer's tasks, leaving the others as they are.",
    args: { input: t.arg({ type: UpdateTaskInput, required: true, description: 'The task and its changes.' }) },
    resolve: async (_root, { input }, context) => {
      const actor = context.viewer;
      const changes: { -readonly [K in keyof UpdateTaskData]: UpdateTaskData[K] } = {};
      if (input.name !== undefined) changes.name = nonNull(input.name, 'name');
      if (input.description !== undefined) changes.description = input.description;
      if (input.priority !== undefined) changes.priority = nonNull(input.priority, 'priority');
      if (input.status !== undefined) changes.status = nonNull(input.status, 'status');
      if (input.tags !== undefined) changes.tags = input.tags;
      const dueAt = dueDateFromInput(input, context);
      if (dueAt !== undefined) changes.dueAt = dueAt;
      return { task: await context.tasks.update(actor, rowIdOf(input.id, 'Task'), changes) };
    },
  }),
);

builder.mutationField('deleteTask', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: DeleteTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Deletes one of the viewer's tasks.",
    args: { input: t.arg({ type: DeleteTaskInput, required: true, description: 'The task to delete.' }) },
    resolve: async (_root, { input }, context) => {
      const task = await context.tasks.delete(context.viewer, rowIdOf(input.id, 'Task'));
      return { taskId: task.id };
    },
  }),
);

builder.mutationField('completeTask', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: CompleteTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Marks one of the viewer's tasks as COMPLETED (and sets completedAt, unless it already was completed).",
    args: { input: t.arg({ type: CompleteTaskInput, required: true, description: 'The task to complete.' }) },
    resolve: async (_root, { input }, context) => {
      return { task: await context.tasks.complete(context.viewer, rowIdOf(input.id, 'Task')) };
    },
  }),
);

builder.mutationField('reopenTask', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ReopenTaskPayload,
    // Null when it failed: the document's other mutations still report what they did.
    nullable: true,
    description: "Sets one of the viewer's tasks back to PENDING (clearing completedAt).",
    args: { input: t.arg({ type: ReopenTaskInput, required: true, description: 'The task to reopen.' }) },
    resolve: async (_root, { input }, context) => {
      return { task: await context.tasks.reopen(context.viewer, rowIdOf(input.id, 'Task')) };
    },
  }),
);
