// The built-in assistant: works offline, reads plain English commands (see parse.ts), acts
// through the same tools a language model would use, and answers in short Markdown.
import type { TaskStats } from '../../tasks/service.js';
import type { AssistantProvider, ReplyRequest, ReplyResult, ToolRunner } from '../provider.js';
import type { TaskView, ToolName } from '../tools.js';
import {
  CAPABILITIES,
  describeCreated,
  describeGroups,
  describeStatistics,
  escapeMarkdown,
  PRIORITY_HEADINGS,
  STATUS_HEADINGS,
  STATUS_LABELS,
  streamingPieces,
  taskList,
  taskTitle,
} from './format.js';
import { parseCommand, type Intent, type TaskChange } from './parse.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; reply: string };

async function call<T>(tools: ToolRunner, tool: ToolName, args: Record<string, unknown>): Promise<Outcome<T>> {
  const result = await tools.run(tool, args);
  if (!result.ok) return { ok: false, reply: `Sorry, that did not work: ${escapeMarkdown(result.error)}` };
  return { ok: true, value: result.result as T };
}

function listReply(tasks: TaskView[], args: Record<string, unknown>): string {
  const words: string[] = [];
  if (args.priority) words.push(`${args.priority} priority`);
  if (args.status) words.push(STATUS_LABELS[args.status as string]!);
  const kind = words.length ? `${words.join(' ')} tasks` : 'tasks';
  const when = args.due_today ? ' due today' : '';
  if (tasks.length === 0) return `You have no ${kind}${when}.`;
  return `Your ${kind}${when} (${tasks.length}):\n${taskList(tasks, { status: !args.status })}`;
}

async function runCall(tools: ToolRunner, tool: ToolName, args: Record<string, unknown>): Promise<string> {
  switch (tool) {
    case 'add_task': {
      const result = await call<{ task: TaskView }>(tools, tool, args);
      return result.ok ? describeCreated(result.value.task) : result.reply;
    }
    case 'list_tasks': {
      const result = await call<{ tasks: TaskView[] }>(tools, tool, args);
      return result.ok ? listReply(result.value.tasks, args) : result.reply;
    }
    case 'search_tasks': {
      const result = await call<{ tasks: TaskView[] }>(tools, tool, args);
      if (!result.ok) return result.reply;
      const query = escapeMarkdown(String(args.query));
      return result.value.tasks.length
        ? `Tasks matching "${query}" (${result.value.tasks.length}):\n${taskList(result.value.tasks)}`
        : `No tasks match "${query}".`;
    }
    case 'overdue_tasks': {
      const result = await call<{ tasks: TaskView[] }>(tools, tool, args);
      if (!result.ok) return result.reply;
      return result.value.tasks.length
        ? `Overdue (${result.value.tasks.length}):\n${taskList(result.value.tasks)}`
        : 'Nothing is overdue. Well done!';
    }
    case 'tasks_by_tag': {
      const result = await call<{ tag: string; tasks: TaskView[] }>(tools, tool, args);
      if (!result.ok) return result.reply;
      const tag = `#${escapeMarkdown(result.value.tag)}`;
      return result.value.tasks.length ? `Tasks tagged ${tag} (${result.value.tasks.length}):\n${taskList(result.value.tasks)}` : `No tasks are tagged ${tag}.`;
    }
    case 'task_statistics': {
      const result = await call<TaskStats>(tools, tool, args);
      return result.ok ? describeStatistics(result.value) : result.reply;
    }
    case 'group_by_priority': {
      const result = await call<{ groups: Record<string, TaskView[]> }>(tools, tool, args);
      return result.ok ? describeGroups(result.value.groups, (key) => PRIORITY_HEADINGS[key]!, 'You have no open tasks.', { priority: false }) : result.reply;
    }
    case 'group_by_status': {
      const result = await call<{ groups: Record<string, TaskView[]> }>(tools, tool, args);
      return result.ok ? describeGroups(result.value.groups, (key) => STATUS_HEADINGS[key]!, 'You have no tasks yet.', { status: false }) : result.reply;
    }
    default:
      return CAPABILITIES;
  }
}

/** Finds the one task `query` names: an exact name wins; several matches → ask which. */
async function findOne(tools: ToolRunner, query: string): Promise<Outcome<TaskView>> {
  const result = await call<{ tasks: TaskView[] }>(tools, 'search_tasks', { query });
  if (!result.ok) return result;
  const { tasks } = result.value;
  const shown = `"${escapeMarkdown(query)}"`;
  if (tasks.length === 0) return { ok: false, reply: `I could not find a task matching ${shown}. Try *show my tasks* to see them.` };
  if (tasks.length === 1) return { ok: true, value: tasks[0]! };
  const exact = tasks.filter((task) => task.name.toLowerCase() === query.toLowerCase());
  if (exact.length === 1) return { ok: true, value: exact[0]! };
  const open = tasks.filter((task) => task.status === 'pending' || task.status === 'in_progress');
  return {
    ok: false,
    reply: `Several tasks match ${shown}. Which one do you mean?\n${taskList(open.length ? open : tasks, { numbered: true })}\n\nSay it again with the full name, e.g. *${escapeMarkdown((open[0] ?? tasks[0]!).name)}*.`,
  };
}

async function runChange(tools: ToolRunner, query: string, change: TaskChange): Promise<string> {
  const found = await findOne(tools, query);
  if (!found.ok) return found.reply;
  const task = found.value;
  const task_id = task.id;
  switch (change.type) {
    case 'complete': {
      if (task.status === 'completed') return `${taskTitle(task)} is already completed.`;
      const result = await call<{ task: TaskView }>(tools, 'complete_task', { task_id });
      return result.ok ? `Done: ${taskTitle(result.value.task)} is completed.` : result.reply;
    }
    case 'delete': {
      const result = await call<{ deleted: TaskView }>(tools, 'remove_task', { task_id });
      return result.ok ? `Deleted ${taskTitle(result.value.deleted)}.` : result.reply;
    }
    case 'priority': {
      const result = await call<{ task: TaskView }>(tools, 'change_priority', { task_id, priority: change.priority });
      return result.ok ? `${taskTitle(result.value.task)} is now **${change.priority}** priority.` : result.reply;
    }
    case 'status': {
      const result = await call<{ task: TaskView }>(tools, 'update_task', { task_id, status: change.status });
      return result.ok ? `${taskTitle(result.value.task)} is now **${STATUS_LABELS[change.status]}**.` : result.reply;
    }
    case 'rename': {
      const result = await call<{ task: TaskView }>(tools, 'update_task', { task_id, name: change.name });
      return result.ok ? `Renamed ${taskTitle(task)} to ${taskTitle(result.value.task)}.` : result.reply;
    }
    case 'due': {
      const result = await call<{ task: TaskView }>(tools, 'update_task', { task_id, due: change.due });
      if (!result.ok) return result.reply;
      return result.value.task.due ? `${taskTitle(result.value.task)} is now due **${result.value.task.due}**.` : `${taskTitle(result.value.task)} no longer has a due date.`;
    }
    case 'tag': {
      const tags = [...new Set([...task.tags, ...change.tags])];
      const result = await call<{ task: TaskView }>(tools, 'update_task', { task_id, tags });
      return result.ok ? `${taskTitle(result.value.task)} is now tagged ${result.value.task.tags.map((tag) => `#${escapeMarkdown(tag)}`).join(' ')}.` : result.reply;
    }
  }
}

export async function answer(intent: Intent, tools: ToolRunner): Promise<string> {
  switch (intent.kind) {
    case 'call':
      return runCall(tools, intent.tool, intent.args);
    case 'change-task':
      return runChange(tools, intent.query, intent.change);
    case 'greeting':
      return `Hello! I manage your tasks.\n\n${CAPABILITIES}`;
    case 'help':
      return CAPABILITIES;
    case 'clarify':
      return intent.question;
    case 'unknown':
      return `Sorry, I did not understand that.\n\n${CAPABILITIES}`;
  }
}

export function createBuiltinProvider(): AssistantProvider {
  return {
    name: 'builtin',
    async reply(request: ReplyRequest): Promise<ReplyResult> {
      const last = request.history.at(-1);
      const intent = parseCommand(last?.content ?? '', { now: request.now, timeZone: request.timeZone });
      const content = await answer(intent, request.tools);
      for (const piece of streamingPieces(content)) request.onDelta(piece);
      return { content, tokensUsed: null };
    },
  };
}
