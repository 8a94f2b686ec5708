// The arguments of the assistant's tools, once: zod schemas that check what a model (or the
// built-in assistant) sends, and from which the JSON Schema a model is shown is derived. The
// limits are the task service's own (src/tasks/rules.ts), so a tool never refuses what the API
// accepts, nor accepts what the service would refuse.
import { z } from 'zod';
import { TASK_LIMITS, TASK_PRIORITIES, TASK_STATUSES } from '../tasks/rules.js';
import type { TaskPriority, TaskStatus } from '../tasks/service.js';

const priorities = TASK_PRIORITIES as readonly [TaskPriority, ...TaskPriority[]];
const statuses = TASK_STATUSES as readonly [TaskStatus, ...TaskStatus[]];

const taskId = z
  .uuid({ message: 'must be the id of a task from an earlier tool result' })
  .describe('The id of the task, from an earlier tool result.');
const limit = z.number().int().min(1).max(100);
/** Tags are kept as written (the API does not change their case); a leading # is dropped. */
const tag = z
  .string()
  .trim()
  .transform((value) => value.replace(/^#/, ''))
  .pipe(z.string().min(1).max(TASK_LIMITS.tagLength));
const tags = z.array(tag).max(TASK_LIMITS.tagCount);
const name = z.string().trim().min(1).max(TASK_LIMITS.nameLength);
const description = z.string().max(TASK_LIMITS.descriptionLength);
const priority = z.enum(priorities);
const status = z.enum(statuses);
const due = z
  .string()
  .min(1)
  .describe(
    "Due date-time: ISO 8601 with offset (2025-12-18T18:00:00+03:30), a local date-time in the user's zone (2025-12-18T18:00), or a Jalali one (1404-09-27T18:00). A date without a time (2025-12-18 or 1404-09-27) means by the end of that day (23:59 in the user's zone).",
  );

export const TOOL_ARGUMENTS = {
  add_task: z.strictObject({
    name: name.describe('Short task name.'),
    description: description.nullish(),
    priority: priority.optional(),
    tags: tags.optional().describe('Tags without #.'),
    due: due.nullish(),
  }),
  remove_task: z.strictObject({ task_id: taskId }),
  update_task: z.strictObject({
    task_id: taskId,
    name: name.optional(),
    description: description.nullish().describe('The new description; null clears it.'),
    priority: priority.optional(),
    status: status.optional(),
    tags: tags.nullish().describe('The new full list of tags; null clears them.'),
    due: due.nullish().describe(`${due.description} null clears it.`),
  }),
  change_priority: z.strictObject({ task_id: taskId, priority }),
  complete_task: z.strictObject({ task_id: taskId }),
  get_task: z.strictObject({ task_id: taskId }),
  list_tasks: z.strictObject({
    status: status.optional(),
    priority: priority.optional(),
    due_today: z.boolean().optional().describe("Only tasks due during the user's current day."),
    limit: limit.optional(),
  }),
  search_tasks: z.strictObject({ query: z.string().trim().min(1).max(TASK_LIMITS.searchLength), limit: limit.optional() }),
  find_task: z.strictObject({
    reference: z
      .string()
      .trim()
      .min(1)
      .max(TASK_LIMITS.nameLength)
      .describe('How the user named the task, e.g. "the groceries" or "gym session".'),
    prefer: z.enum(['open', 'closed']).optional().describe('Rank open tasks (the default) or completed and cancelled ones first.'),
  }),
  overdue_tasks: z.strictObject({}),
  suggest_next: z.strictObject({ limit: z.number().int().min(1).max(10).optional() }),
  task_statistics: z.strictObject({}),
  tasks_by_tag: z.strictObject({ tag }),
  group_by_priority: z.strictObject({}),
  group_by_status: z.strictObject({}),
} as const;

export type ToolName = keyof typeof TOOL_ARGUMENTS;
export type ToolArguments<T extends ToolName> = z.infer<(typeof TOOL_ARGUMENTS)[T]>;

const DESCRIPTIONS: Record<ToolName, string> = {
  add_task: 'Create a task for the user.',
  remove_task: 'Delete a task by id.',
  update_task: 'Change any fields of a task by id; fields left out stay as they are.',
  change_priority: 'Set the priority of a task by id.',
  complete_task: 'Mark a task completed by id.',
  get_task: 'Read one task by id.',
  list_tasks: "List the user's tasks, soonest due first, optionally by status, priority or due today, up to a limit (default 20).",
  search_tasks: 'Find tasks whose name, description or tags contain all the words.',
  find_task:
    'Find the task the user means by a loose reference ("the groceries", "gym session"): matches names and tags by words, stems, prefixes and small typos, best first. Each match says whether it is exact or strong; ask the user when several match equally well.',
  overdue_tasks: 'List tasks past their due date and not completed or cancelled.',
  suggest_next: 'Rank the open tasks to do first (overdue, high priority, due soon), each with its reasons. Changes nothing.',
  task_statistics: 'Count tasks by status and priority, overdue and due today.',
  tasks_by_tag: 'List tasks having a tag (any case).',
  group_by_priority: 'Open tasks grouped by priority.',
  group_by_status: 'All tasks grouped by status.',
};

/** Each tool as a language model is told about it: JSON Schema derived from the zod schema above. */
export const TOOL_DEFINITIONS: ReadonlyArray<{ name: ToolName; description: string; parameters: Record<string, unknown> }> = (
  Object.keys(TOOL_ARGUMENTS) as ToolName[]
).map((tool) => {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(TOOL_ARGUMENTS[tool], { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return { name: tool, description: DESCRIPTIONS[tool], parameters };
});

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_ARGUMENTS, name);
}
