// The assistant's tools: the original Behflow's tool set and a few more, each one a call on the
// same TaskService the GraphQL API uses, for the chat session's owner only. Their arguments are
// checked by the zod schemas of tool-schemas.ts.
import type { Task } from '../db/prisma.js';
import type { Logger } from '../logger.js';
import type { Actor, TaskFilter, TaskOrder, TaskService } from '../tasks/service.js';
import { rankNext, type Reason } from './advice.js';
import { namingWords, rankCandidates } from './find.js';
import type { AssistantAction, ToolResult, ToolRunner } from './provider.js';
import { fold } from './text.js';
import { formatIsoLocal, formatLocal } from './time.js';
import { isToolName, TOOL_ARGUMENTS, type ToolArguments, type ToolName } from './tool-schemas.js';
import { OPEN_STATUSES } from '../tasks/rules.js';
import { BehflowError } from '../errors.js';

export { isToolName, TOOL_DEFINITIONS, type ToolArguments, type ToolName } from './tool-schemas.js';

/** A task as the assistant sees it: ids to act on, times in the user's zone. */
export interface TaskView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly priority: Task['priority'];
  readonly status: Task['status'];
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

const SOONEST_FIRST: readonly TaskOrder[] = [
  { field: 'DUE_AT', direction: 'ASC' },
  { field: 'CREATED_AT', direction: 'ASC' },
];
const RECENT_FIRST: readonly TaskOrder[] = [{ field: 'UPDATED_AT', direction: 'DESC' }];
const GROUP_LIMIT = 100;
/** How many of the user's tasks a reference is matched against, besides those its words find. */
const OPEN_CANDIDATES = 500;
const CLOSED_CANDIDATES = 200;
const MATCHES_SHOWN = 10;

type Executors = { [T in ToolName]: (context: ToolContext, args: ToolArguments<T>) => Promise<unknown> };

const list = (context: ToolContext, filter: TaskFilter, limit: number, orderBy = SOONEST_FIRST) =>
  context.tasks.list(context.actor, { filter, orderBy, limit });
const views = (found: Task[], context: ToolContext) => found.map((task) => viewOf(task, context));
const dueOf = (context: ToolContext, due: string | null | undefined) =>
  due === undefined ? undefined : due === null ? null : context.tasks.parseDueDate(context.actor, due, { field: 'due' });

/** Recent open and closed tasks, and older ones containing a word of the reference. */
async function candidatesFor(context: ToolContext, reference: string): Promise<Task[]> {
  const words = fold(reference)
    .split(/[\s\p{P}]+/u)
    .filter((word) => word.length >= 3 && namingWords(word).length > 0)
    .sort((left, right) => right.length - left.length)
    .slice(0, 3);
  const batches = await Promise.all([
    list(context, { statuses: [...OPEN_STATUSES] }, OPEN_CANDIDATES, RECENT_FIRST),
    list(context, { statuses: ['completed', 'cancelled'] }, CLOSED_CANDIDATES, RECENT_FIRST),
    ...words.map((word) => list(context, { search: word }, 50, RECENT_FIRST)),
  ]);
  return [...new Map(batches.flat().map((task) => [task.id, task])).values()];
}

const executors: Executors = {
  async add_task(context, args) {
    const task = await context.tasks.create(context.actor, {
      name: args.name,
      description: args.description ?? null,
      priority: args.priority,
      tags: args.tags ?? null,
      dueAt: dueOf(context, args.due) ?? null,
    });
    return { task: viewOf(task, context) };
  },
  async remove_task(context, args) {
    return { deleted: viewOf(await context.tasks.delete(context.actor, args.task_id), context) };
  },
  async update_task(context, args) {
    const { task_id, due, ...fields } = args;
    const dueAt = dueOf(context, due);
    return {
      task: viewOf(await context.tasks.update(context.actor, task_id, { ...fields, ...(dueAt !== undefined ? { dueAt } : {}) }), context),
    };
  },
  async change_priority(context, args) {
    return { task: viewOf(await context.tasks.update(context.actor, args.task_id, { priority: args.priority }), context) };
  },
  async complete_task(context, args) {
    return { task: viewOf(await context.tasks.complete(context.actor, args.task_id), context) };
  },
  async get_task(context, args) {
    const task = await context.tasks.get(context.actor, args.task_id);
    return { task: task ? viewOf(task, context) : null };
  },
  async list_tasks(context, args) {
    const filter: TaskFilter = {
      ...(args.status ? { statuses: [args.status] } : {}),
      ...(args.priority ? { priorities: [args.priority] } : {}),
      ...(args.due_today ? { dueToday: true } : {}),
    };
    return { tasks: views(await list(context, filter, args.limit ?? 20), context) };
  },
  async search_tasks(context, args) {
    return { query: args.query, tasks: views(await list(context, { search: args.query }, args.limit ?? 20), context) };
  },
  async find_task(context, args) {
    const found = await candidatesFor(context, args.reference);
    const byId = new Map(found.map((task) => [task.id, task]));
    const candidates = found.map((task) => ({
      id: task.id,
      name: task.name,
      tags: task.tags,
      closed: task.status === 'completed' || task.status === 'cancelled',
    }));
    const matches = rankCandidates(args.reference, candidates, args.prefer ?? 'open').slice(0, MATCHES_SHOWN);
    return {
      reference: args.reference,
      matches: matches.map((match) => ({
        task: viewOf(byId.get(match.id)!, context),
        score: Number(match.score.toFixed(3)),
        exact: match.exact,
        strong: match.strong,
      })),
    };
  },
  async overdue_tasks(context) {
    return { tasks: views(await list(context, { overdue: true }, GROUP_LIMIT), context) };
  },
  async suggest_next(context, args) {
    const [overdue, open] = await Promise.all([
      list(context, { overdue: true }, 50),
      list(context, { statuses: [...OPEN_STATUSES] }, 200, [{ field: 'PRIORITY', direction: 'DESC' }, ...SOONEST_FIRST]),
    ]);
    const tasks = [...new Map([...overdue, ...open].map((task) => [task.id, task])).values()];
    const ranked = rankNext(tasks, context.now, context.actor.timeZone, args.limit ?? 5);
    return { suggestions: ranked.map(({ task, reasons }) => ({ task: viewOf(task, context), reasons: reasons as Reason[] })) };
  },
  async task_statistics(context) {
    return context.tasks.stats(context.actor);
  },
  async tasks_by_tag(context, args) {
    // Tags keep the case they were written in: "#health" finds tasks tagged Health too.
    const spellings = (await context.tasks.tags(context.actor)).map(({ tag }) => tag).filter((tag) => fold(tag) === fold(args.tag));
    const tagsAny = spellings.length ? spellings : [args.tag];
    return { tag: spellings[0] ?? args.tag, tasks: views(await list(context, { tagsAny }, GROUP_LIMIT), context) };
  },
  async group_by_priority(context) {
    const found = await list(context, { statuses: [...OPEN_STATUSES] }, GROUP_LIMIT);
    const groups = { high: [] as TaskView[], medium: [] as TaskView[], low: [] as TaskView[] };
    for (const task of found) groups[task.priority].push(viewOf(task, context));
    return { groups };
  },
  async group_by_status(context) {
    const found = await list(context, {}, GROUP_LIMIT);
    const groups = { pending: [] as TaskView[], in_progress: [] as TaskView[], completed: [] as TaskView[], cancelled: [] as TaskView[] };
    for (const task of found) groups[task.status].push(viewOf(task, context));
    return { groups };
  },
};

function describeResult(tool: ToolName, result: unknown): string {
  const value = result as {
    task?: TaskView | null;
    deleted?: TaskView;
    tasks?: TaskView[];
    matches?: unknown[];
    suggestions?: unknown[];
    groups?: Record<string, TaskView[]>;
    total?: number;
  };
  if (value.task) return `${tool === 'add_task' ? 'Created' : tool === 'get_task' ? 'Read' : 'Updated'} "${value.task.name}"`;
  if (value.task === null) return 'No such task';
  if (value.deleted) return `Deleted "${value.deleted.name}"`;
  if (value.tasks) return `${value.tasks.length} task(s)`;
  if (value.matches) return `${value.matches.length} match(es)`;
  if (value.suggestions) return `${value.suggestions.length} suggestion(s)`;
  if (value.groups)
    return Object.entries(value.groups)
      .map(([group, items]) => `${group}: ${items.length}`)
      .join(', ');
  if (typeof value.total === 'number') return `${value.total} task(s) in all`;
  return 'Done';
}

/**
 * A failure the task service means the caller to see (bad input, a task not found). The field
 * it names is put in the tool's own terms (`due` for the service's `dueAt`).
 */
function expectedFailure(error: unknown): string | null {
  if (!(error instanceof BehflowError)) return null;
  const field = error.field === 'dueAt' ? 'due' : error.field;
  return field ? `${field}: ${error.message}` : error.message;
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
    refuse(tool, rawArguments, error) {
      actions.push({ tool, arguments: { raw: rawArguments.slice(0, 500) }, outcome: 'FAILED', detail: error });
      return { ok: false, error };
    },
    async run(tool, rawArgs) {
      const args = rawArgs ?? {};
      const fail = (error: string): ToolResult => {
        actions.push({ tool, arguments: args, outcome: 'FAILED', detail: error });
        return { ok: false, error };
      };
      if (!isToolName(tool)) return fail(`There is no tool named ${tool}.`);
      const parsed = TOOL_ARGUMENTS[tool].safeParse(args);
      if (!parsed.success) {
        return fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; '));
      }
      try {
        const execute = executors[tool] as (context: ToolContext, args: unknown) => Promise<unknown>;
        const result = await execute({ tasks: options.tasks, actor: options.actor, now: options.now() }, parsed.data);
        actions.push({ tool, arguments: args, outcome: 'SUCCEEDED', detail: describeResult(tool, result) });
        return { ok: true, result };
      } catch (error) {
        const expected = expectedFailure(error);
        if (expected) return fail(expected);
        options.logger.error({ err: error, tool }, 'assistant tool failed');
        return fail('The tool failed unexpectedly.');
      }
    },
  };
}
