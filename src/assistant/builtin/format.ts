// Short Markdown replies for the built-in assistant.
import type { TaskStats } from '../../tasks/service.js';
import type { TaskView } from '../tools.js';

const STATUS_LABELS: Record<string, string> = { pending: 'pending', in_progress: 'in progress', completed: 'completed', cancelled: 'cancelled' };

export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export function taskTitle(task: TaskView): string {
  return `**${escapeMarkdown(task.name)}**`;
}

/** `**Call mom** · high · due 2026-03-12 18:00 · #family` */
export function taskLine(task: TaskView, options: { status?: boolean; priority?: boolean } = {}): string {
  const parts = [taskTitle(task)];
  if (options.priority !== false && task.priority !== 'medium') parts.push(task.priority);
  if (options.status !== false && task.status !== 'pending') parts.push(STATUS_LABELS[task.status]!);
  if (task.due) parts.push(`${task.overdue ? '**overdue**, was due' : 'due'} ${task.due}`);
  if (task.tags.length) parts.push(task.tags.map((tag) => `#${escapeMarkdown(tag)}`).join(' '));
  return parts.join(' · ');
}

export function taskList(tasks: readonly TaskView[], options: { status?: boolean; priority?: boolean; numbered?: boolean } = {}): string {
  return tasks.map((task, index) => `${options.numbered ? `${index + 1}.` : '-'} ${taskLine(task, options)}`).join('\n');
}

export function describeCreated(task: TaskView): string {
  const details: string[] = [`${task.priority} priority`];
  if (task.due) details.push(`due ${task.due}`);
  if (task.tags.length) details.push(task.tags.map((tag) => `#${escapeMarkdown(tag)}`).join(' '));
  return `Added ${taskTitle(task)} (${details.join(', ')}).`;
}

export function describeStatistics(stats: TaskStats): string {
  if (stats.total === 0) return 'You have **no tasks** yet. Try *add call mom tomorrow at 6pm*.';
  const byStatus = (['pending', 'in_progress', 'completed', 'cancelled'] as const)
    .map((status) => `${stats.byStatus[status]} ${STATUS_LABELS[status]}`)
    .join(', ');
  const byPriority = (['high', 'medium', 'low'] as const).map((priority) => `${stats.byPriority[priority]} ${priority}`).join(', ');
  return [
    `You have **${stats.total}** task${stats.total === 1 ? '' : 's'}: ${byStatus}.`,
    `- By priority: ${byPriority}`,
    `- Overdue: **${stats.overdue}**`,
    `- Due today: **${stats.dueToday}**`,
  ].join('\n');
}

export function describeGroups(
  groups: Record<string, TaskView[]>,
  heading: (key: string) => string,
  empty: string,
  hide: { status?: boolean; priority?: boolean },
): string {
  const sections = Object.entries(groups)
    .filter(([, tasks]) => tasks.length > 0)
    .map(([key, tasks]) => `**${heading(key)}** (${tasks.length})\n${taskList(tasks, hide)}`);
  return sections.length ? sections.join('\n\n') : empty;
}

export const STATUS_HEADINGS: Record<string, string> = { pending: 'Pending', in_progress: 'In progress', completed: 'Completed', cancelled: 'Cancelled' };
export const PRIORITY_HEADINGS: Record<string, string> = { high: 'High priority', medium: 'Medium priority', low: 'Low priority' };
export { STATUS_LABELS };

export const CAPABILITIES = [
  'Here is what I can do:',
  '- **Add**: *add a high priority task to call mom tomorrow at 6pm #family*',
  '- **List**: *show my tasks*, *show pending tasks*, *show 5 high priority tasks*',
  "- **Due and overdue**: *what's due today*, *show my overdue tasks*",
  '- **Find**: *search for report*, *show tasks tagged #work*',
  '- **Change**: *mark the report task done*, *make the report task high priority*, *move the dentist task to next monday 10am*, *rename the gym task to evening run*, *start the report task*',
  '- **Delete**: *delete the gym task*',
  '- **Overview**: *how many tasks do I have*, *group my tasks by priority*, *group by status*',
].join('\n');

/**
 * A reply cut where a language model's stream would naturally pause: after each line and
 * after each sentence, so the built-in assistant streams like a model does. The pieces
 * join back to the reply exactly. A full stop after a digit ("1. ") is not a sentence end.
 */
export function streamingPieces(markdown: string): string[] {
  const boundary = /\n+|(?<=[\p{Ll})*_"'”][.!?])[ \t]+(?=[\p{Lu}*_])/gu;
  const pieces: string[] = [];
  let start = 0;
  for (const match of markdown.matchAll(boundary)) {
    const end = match.index + match[0].length;
    pieces.push(markdown.slice(start, end));
    start = end;
  }
  if (start < markdown.length) pieces.push(markdown.slice(start));
  return pieces;
}
