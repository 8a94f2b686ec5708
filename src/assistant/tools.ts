// The assistant's tools: the original Behflow's tool set, each one a call on the same
// TaskService the GraphQL API uses, for the chat session's owner only.
import { z } from 'zod';
import type { Task } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import { BehflowError } from '../schema/errors.js';
import type { Actor, TaskPriority, TaskService, TaskStatus } from '../tasks/service.js';
import type { AssistantAction, ToolResult, ToolRunner } from './provider.js';
import { formatIsoLocal, formatLocal } from './time.js';

export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const satisfies readonly TaskPriority[];
export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const satisfies readonly TaskStatus[];

/** A task as the assistant sees it: ids to act on, times in the user's zone. */
export interface TaskView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly priority: TaskPriority;
  readonly status: TaskStatus;
  readonly tags: string[];
  /** `2025-12-18 07:30` in the user's zone, or null. */
  readonly due: string | null;
  /** The same instant with its offset, for a model to reason about. */
  readonly dueAt: string | null;
  readonly overdue: boolean;
}

interface ToolContext {
  readonly tasks: TaskService;
  readonly actor: Actor;
  readonly now: Date;
}

const taskId = z.uuid({ message: 'must be the id of a task from an earlier tool result' });
const limit = z.number().int().min(1).max(100);
const tag = z.string().trim().min(1).max(50).transform((value) => value.replace(/^#/, '').toLowerCase());

const toolArguments = {
  add_task: z.strictObject({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(10_000).nullish(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    tags: z.array(tag).max(20).optional(),
    due: z.string().min(1).nullish(),
  }),
  remove_task: z.strictObject({ task_id: taskId }),
  update_task: z.strictObject({
    task_id: taskId,
    name: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(10_000).nullish(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    status: z.enum(TASK_STATUSES).optional(),
    tags: z.array(tag).max(20).nullish(),
    due: z.string().min(1).nullish(),
  }),
  change_priority: z.strictObject({ task_id: taskId, priority: z.enum(TASK_PRIORITIES) }),
  complete_task: z.strictObject({ task_id: taskId }),
  list_tasks: z.strictObject({
    status: z.enum(TASK_STATUSES).optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    due_today: z.boolean().optional(),
    limit: limit.optional(),
  }),
  search_tasks: z.strictObject({ query: z.string().trim().min(1).max(200), limit: limit.optional() }),
  overdue_tasks: z.strictObject({}),
  task_statistics: z.strictObject({}),
  tasks_by_tag: z.strictObject({ tag }),
  group_by_priority: z.strictObject({}),
  group_by_status: z.strictObject({}),
} as const;

export type ToolName = keyof typeof toolArguments;
export type ToolArguments<T extends ToolName> = z.infer<(typeof toolArguments)[T]>;

const statusProperty = { type: 'string', enum: [...TASK_STATUSES] };
const priorityProperty = { type: 'string', enum: [...TASK_PRIORITIES] };
const dueProperty = {
  type: ['string', 'null'],
  description:
    "Due date-time: ISO 8601 with offset (2025-12-18T18:00:00+03:30), a local date-time in the user's zone (2025-12-18T18:00), or a Jalali one (1404-09-27T18:00). A date without a time (2025-12-18 or 1404-09-27) means by the end of that day (23:59 in the user's zone). null clears it.",
};
const taskIdProperty = { type: 'string', description: 'The id of the task, from an earlier tool result (search_tasks first).' };
const noArguments = { type: 'object', properties: {}, additionalProperties: false };

/** Each tool as a language model is told about it (JSON Schema parameters). */
export const TOOL_DEFINITIONS: ReadonlyArray<{ name: ToolName; description: string; parameters: Record<string, unknown> }> = [
  {
    name: 'add_task',
    description: 'Create a task for the user.',
    parameters: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Short task name.' },
        description: { type: 'string' },
        priority: priorityProperty,
        tags: { type: 'array', items: { type: 'string' }, description: 'Tags without #.' },
        due: dueProperty,
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  {
    name: 'remove_task',
    description: 'Delete a task by id.',
    parameters: { type: 'object', properties: { task_id: taskIdProperty }, required: ['task_id'], additionalProperties: false },
  },
  {
    name: 'update_task',
    description: 'Change any fields of a task by id; fields left out stay as they are.',
    parameters: {
      type: 'object',
      properties: {
        task_id: taskIdProperty,
        name: { type: 'string' },
        description: { type: ['string', 'null'] },
        priority: priorityProperty,
        status: statusProperty,
        tags: { type: ['array', 'null'], items: { type: 'string' }, description: 'The new full list of tags.' },
        due: dueProperty,
      },
      required: ['task_id'],
      additionalProperties: false,
    },
  },
  {
    name: 'change_priority',
    description: 'Set the priority of a task by id.',
    parameters: {
      type: 'object',
      properties: { task_id: taskIdProperty, priority: priorityProperty },
      required: ['task_id', 'priority'],
      additionalProperties: false,
    },
  },
  {
    name: 'complete_task',
    description: 'Mark a task completed by id.',
    parameters: { type: 'object', properties: { task_id: taskIdProperty }, required: ['task_id'], additionalProperties: false },
  },
  {
    name: 'list_tasks',
    description: "List the user's tasks, soonest due first, optionally by status, priority or due today, up to a limit (default 20).",
    parameters: {
      type: 'object',
      properties: {
        status: statusProperty,
        priority: priorityProperty,
        due_today: { type: 'boolean', description: "Only tasks due during the user's current day." },
        limit: { type: 'integer', minimum: 1, maximum: 100 },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'search_tasks',
    description: 'Find tasks whose name, description or tags contain the words. Use it to find the id of "the task about X".',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
      required: ['query'],
      additionalProperties: false,
    },
  },
  { name: 'overdue_tasks', description: 'List tasks past their due date and not completed or cancelled.', parameters: noArguments },
  { name: 'task_statistics', description: 'Count tasks by status and priority, overdue and due today.', parameters: noArguments },
  {
    name: 'tasks_by_tag',
    description: 'List tasks having a tag.',
    parameters: { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'], additionalProperties: false },
  },
  { name: 'group_by_priority', description: 'Open tasks grouped by priority.', parameters: noArguments },
  { name: 'group_by_status', description: 'All tasks grouped by status.', parameters: noArguments },
];

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolArguments, name);
}

function viewOf(task: Task, context: ToolContext): TaskView {
  const due = task.dueDateGregorian;
  return {
    id: task.id,
    name: task.name,
    description: task.description,
    priority: task.priority,
    status: task.status,
    tags: task.tags,
    due: due ? formatLocal(due, context.actor.timeZone) : null,
    dueAt: due ? formatIsoLocal(due, context.actor.timeZone) : null,
    overdue: Boolean(due && due.getTime() < context.now.getTime() && task.status !== 'completed' && task.status !== 'cancelled'),
  };
}

const SOONEST_FIRST = [
  { field: 'DUE_AT', direction: 'ASC' },
  { field: 'CREATED_AT', direction: 'ASC' },
] as const;
const GROUP_LIMIT = 100;

type Executors = { [T in ToolName]: (context: ToolContext, args: ToolArguments<T>) => Promise<unknown> };

const executors: Executors = {
  async add_task({ tasks, actor, ...context }, args) {
    const dueAt = args.due ? tasks.parseDueDate(actor, args.due) : null;
    const task = await tasks.create(actor, {
      name: args.name,
      description: args.description ?? null,
      priority: args.priority,
      tags: args.tags ?? null,
      dueAt,
    });
    return { task: viewOf(task, { tasks, actor, ...context }) };
  },
  async remove_task(context, args) {
    return { deleted: viewOf(await context.tasks.delete(context.actor, args.task_id), context) };
  },
  async update_task(context, args) {
    const { task_id, due, ...fields } = args;
    const data = {
      ...fields,
      ...(due !== undefined ? { dueAt: due === null ? null : context.tasks.parseDueDate(context.actor, due) } : {}),
    };
    return { task: viewOf(await context.tasks.update(context.actor, task_id, data), context) };
  },
  async change_priority(context, args) {
    return { task: viewOf(await context.tasks.update(context.actor, args.task_id, { priority: args.priority }), context) };
  },
  async complete_task(context, args) {
    return { task: viewOf(await context.tasks.complete(context.actor, args.task_id), context) };
  },
  async list_tasks(context, args) {
    const found = await context.tasks.list(context.actor, {
      filter: {
        ...(args.status ? { statuses: [args.status] } : {}),
        ...(args.priority ? { priorities: [args.priority] } : {}),
        ...(args.due_today ? { dueToday: true } : {}),
      },
      orderBy: SOONEST_FIRST,
      limit: args.limit ?? 20,
    });
    return { tasks: found.map((task) => viewOf(task, context)) };
  },
  async search_tasks(context, args) {
    const found = await context.tasks.list(context.actor, { filter: { search: args.query }, orderBy: SOONEST_FIRST, limit: args.limit ?? 20 });
    return { query: args.query, tasks: found.map((task) => viewOf(task, context)) };
  },
  async overdue_tasks(context) {
    const found = await context.tasks.list(context.actor, { filter: { overdue: true }, orderBy: SOONEST_FIRST, limit: GROUP_LIMIT });
    return { tasks: found.map((task) => viewOf(task, context)) };
  },
  async task_statistics(context) {
    return context.tasks.stats(context.actor);
  },
  async tasks_by_tag(context, args) {
    const found = await context.tasks.list(context.actor, { filter: { tagsAny: [args.tag] }, orderBy: SOONEST_FIRST, limit: GROUP_LIMIT });
    return { tag: args.tag, tasks: found.map((task) => viewOf(task, context)) };
  },
  async group_by_priority(context) {
    const found = await context.tasks.list(context.actor, {
      filter: { statuses: ['pending', 'in_progress'] },
      orderBy: SOONEST_FIRST,
      limit: GROUP_LIMIT,
    });
    const groups = { high: [] as TaskView[], medium: [] as TaskView[], low: [] as TaskView[] };
    for (const task of found) groups[task.priority].push(viewOf(task, context));
    return { groups };
  },
  async group_by_status(context) {
    const found = await context.tasks.list(context.actor, { orderBy: SOONEST_FIRST, limit: GROUP_LIMIT });
    const groups = { pending: [] as TaskView[], in_progress: [] as TaskView[], completed: [] as TaskView[], cancelled: [] as TaskView[] };
    for (const task of found) groups[task.status].push(viewOf(task, context));
    return { groups };
  },
};

function describeResult(tool: ToolName, result: unknown): string {
  const value = result as { task?: TaskView; deleted?: TaskView; tasks?: TaskView[]; groups?: Record<string, TaskView[]>; total?: number };
  if (value.task) return `${tool === 'add_task' ? 'Created' : 'Updated'} "${value.task.name}"`;
  if (value.deleted) return `Deleted "${value.deleted.name}"`;
  if (value.tasks) return `${value.tasks.length} task(s)`;
  if (value.groups) return Object.entries(value.groups).map(([group, items]) => `${group}: ${items.length}`).join(', ');
  if (typeof value.total === 'number') return `${value.total} task(s) in all`;
  return 'Done';
}

/**
 * A ToolRunner acting for `actor`. Every call, successful or not, is appended to `actions`.
 * Expected failures (bad arguments, a task that is not found) come back as errors the
 * assistant can explain; anything else is logged and reported without details.
 */
export function createToolRunner(options: { tasks: TaskService; actor: Actor; now: () => Date; logger: Logger }): ToolRunner & {
  readonly actions: AssistantAction[];
} {
  const actions: AssistantAction[] = [];
  return {
    actions,
    async run(tool, rawArgs) {
      const args = rawArgs ?? {};
      const fail = (error: string): ToolResult => {
        actions.push({ tool, arguments: args, outcome: 'FAILED', detail: error });
        return { ok: false, error };
      };
      if (!isToolName(tool)) return fail(`There is no tool named ${tool}.`);
      const parsed = toolArguments[tool].safeParse(args);
      if (!parsed.success) {
        return fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; '));
      }
      try {
        const execute = executors[tool] as (context: ToolContext, args: unknown) => Promise<unknown>;
        const result = await execute({ tasks: options.tasks, actor: options.actor, now: options.now() }, parsed.data);
        actions.push({ tool, arguments: args, outcome: 'SUCCEEDED', detail: describeResult(tool, result) });
        return { ok: true, result };
      } catch (error) {
        if (error instanceof BehflowError) return fail(error.message);
        options.logger.error({ err: error, tool }, 'assistant tool failed');
        return fail('The tool failed unexpectedly.');
      }
    },
  };
}
