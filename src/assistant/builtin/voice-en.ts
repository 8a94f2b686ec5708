// The built-in assistant's English replies: short Markdown, times on the user's wall clock.
import type { Reason } from '../advice.js';
import type { TaskView } from '../tools.js';
import { escapeMarkdown, hashTags, taskTitle, type Voice } from './voice.js';
import { TASK_STATUSES } from '../../tasks/rules.js';

const STATUS_LABELS: Record<string, string> = {
  pending: 'pending',
  in_progress: 'in progress',
  completed: 'completed',
  cancelled: 'cancelled',
};
const STATUS_HEADINGS: Record<string, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
const PRIORITY_HEADINGS: Record<string, string> = { high: 'High priority', medium: 'Medium priority', low: 'Low priority' };
const REASONS: Record<Reason, (task: TaskView) => string> = {
  overdue: (task) => `overdue since ${task.due}`,
  due_today: (task) => `due today at ${task.due!.slice(11)}`,
  due_soon: (task) => `due soon (${task.due})`,
  high_priority: () => 'high priority',
  in_progress: () => 'already started',
  waiting_longest: () => 'waiting the longest',
};

/** `**Call mom** · high · due 2026-03-12 18:00 · #family` */
function taskLine(task: TaskView, options: { status?: boolean; priority?: boolean } = {}): string {
  const parts = [taskTitle(task)];
  if (options.priority !== false && task.priority !== 'medium') parts.push(task.priority);
  if (options.status !== false && task.status !== 'pending') parts.push(STATUS_LABELS[task.status]!);
  if (task.due) parts.push(`${task.overdue ? '**overdue**, was due' : 'due'} ${task.due}`);
  if (task.tags.length) parts.push(hashTags(task.tags));
  return parts.join(' · ');
}

const taskList: Voice['taskList'] = (tasks, options = {}) =>
  tasks.map((task, index) => `${options.numbered ? `${index + 1}.` : '-'} ${taskLine(task, options)}`).join('\n');

const CAPABILITIES = [
  'Here is what I can do:',
  '- **Add**: *add a high priority task to call mom tomorrow at 6pm #family*',
  "- **List**: *show my tasks*, *show pending tasks*, *what's due today*, *show my overdue tasks*, *show tasks tagged #work*",
  '- **Find**: *find the report task*, *search for milk*',
  '- **Change**: *mark the report done*, *raise the priority of the gym session*, *move the dentist to next monday 10am*, *snooze the report by a day*, *rename the gym task to evening run*, *start the slides*',
  "- **Tags and notes**: *add the tag work to the report*, *remove the tag errands from groceries*, *add a note 'bring ID' to the flight task*",
  '- **Delete**: *delete the gym task*',
  '- **Plan**: *what should I do first?*, *how many tasks do I have*, *group my tasks by priority*',
  '- I also understand Persian: *یک کار اضافه کن: خرید نان فردا*',
].join('\n');

export const englishVoice: Voice = {
  language: 'en',
  taskList,
  created(task) {
    const details: string[] = [`${task.priority} priority`];
    if (task.due) details.push(`due ${task.due}`);
    if (task.tags.length) details.push(hashTags(task.tags));
    return `Added ${taskTitle(task)} (${details.join(', ')}).`;
  },
  listed(tasks, filter) {
    const words: string[] = [];
    if (filter.priority) words.push(`${filter.priority} priority`);
    if (filter.status) words.push(STATUS_LABELS[filter.status]!);
    const kind = words.length ? `${words.join(' ')} tasks` : 'tasks';
    const when = filter.dueToday ? ' due today' : '';
    if (tasks.length === 0) return `You have no ${kind}${when}.`;
    return `Your ${kind}${when} (${tasks.length}):\n${taskList(tasks, { status: !filter.status, numbered: tasks.length > 1 })}`;
  },
  overdue: (tasks) =>
    tasks.length ? `Overdue (${tasks.length}):\n${taskList(tasks, { numbered: tasks.length > 1 })}` : 'Nothing is overdue. Well done!',
  tagged: (tag, tasks) =>
    tasks.length
      ? `Tasks tagged #${escapeMarkdown(tag)} (${tasks.length}):\n${taskList(tasks, { numbered: tasks.length > 1 })}`
      : `No tasks are tagged #${escapeMarkdown(tag)}.`,
  searched: (text, tasks) =>
    tasks.length
      ? `Tasks matching "${escapeMarkdown(text)}" (${tasks.length}):\n${taskList(tasks, { numbered: tasks.length > 1 })}`
      : `No tasks match "${escapeMarkdown(text)}".`,
  statistics(stats) {
    if (stats.total === 0) return 'You have **no tasks** yet. Try *add call mom tomorrow at 6pm*.';
    const byStatus = TASK_STATUSES.map((status) => `${stats.byStatus[status]} ${STATUS_LABELS[status]}`).join(', ');
    const byPriority = (['high', 'medium', 'low'] as const).map((priority) => `${stats.byPriority[priority]} ${priority}`).join(', ');
    return [
      `You have **${stats.total}** task${stats.total === 1 ? '' : 's'}: ${byStatus}.`,
      `- By priority: ${byPriority}`,
      `- Overdue: **${stats.overdue}**`,
      `- Due today: **${stats.dueToday}**`,
    ].join('\n');
  },
  groups(by, groups) {
    const heading = by === 'priority' ? PRIORITY_HEADINGS : STATUS_HEADINGS;
    const sections = Object.entries(groups)
      .filter(([, tasks]) => tasks.length > 0)
      .map(
        ([key, tasks]) =>
          `**${heading[key]}** (${tasks.length})\n${taskList(tasks, by === 'priority' ? { priority: false } : { status: false })}`,
      );
    return sections.length ? sections.join('\n\n') : by === 'priority' ? 'You have no open tasks.' : 'You have no tasks yet.';
  },
  advice(suggestions) {
    if (suggestions.length === 0) return 'You have no open tasks: nothing to do first. Enjoy!';
    const pressing = !suggestions.every((entry) => entry.reasons.includes('waiting_longest'));
    const lines = suggestions.map(
      ({ task, reasons }, index) => `${index + 1}. ${taskTitle(task)}: ${reasons.map((reason) => REASONS[reason](task)).join(', ')}`,
    );
    return `${pressing ? 'I would start with these, most pressing first:' : 'Nothing is urgent. You could start with the tasks waiting the longest:'}\n${lines.join('\n')}`;
  },

  completed: (task) => `Done: ${taskTitle(task)} is completed.`,
  alreadyCompleted: (task) => `${taskTitle(task)} is already completed.`,
  deleted: (task) => `Deleted ${taskTitle(task)}.`,
  priority: (task) => `${taskTitle(task)} is now **${task.priority}** priority.`,
  priorityAtLimit: (task) => `${taskTitle(task)} is already **${task.priority}** priority.`,
  status: (task) => `${taskTitle(task)} is now **${STATUS_LABELS[task.status]}**.`,
  renamed: (before, after) => `Renamed ${taskTitle(before)} to ${taskTitle(after)}.`,
  due: (task) => `${taskTitle(task)} is now due **${task.due}**.`,
  dueCleared: (task) => `${taskTitle(task)} no longer has a due date.`,
  tagsAdded: (task) => `${taskTitle(task)} is now tagged ${hashTags(task.tags)}.`,
  tagsRemoved: (task, removed) =>
    `Removed ${hashTags(removed)} from ${taskTitle(task)}${task.tags.length ? `; it is still tagged ${hashTags(task.tags)}` : ''}.`,
  tagsMissing: (task, tags) =>
    `${taskTitle(task)} is not tagged ${hashTags(tags)}${task.tags.length ? ` (its tags: ${hashTags(task.tags)})` : ' (it has no tags)'}; I changed nothing.`,
  noted: (task) =>
    task.description
      ? `Noted on ${taskTitle(task)}:\n> ${escapeMarkdown(task.description).replace(/\n/g, '\n> ')}`
      : `${taskTitle(task)} no longer has a note.`,

  notFound: (reference) => `I could not find a task matching "${escapeMarkdown(reference)}". Try *show my tasks* to see them.`,
  whichOne: (reference, tasks) =>
    `${reference ? `Several tasks match "${escapeMarkdown(reference)}". Which one do you mean?` : 'Which task do you mean?'}\n${taskList(tasks, { numbered: true })}\n\nAnswer with its number (*the first one*, *2*) or its name.`,
  didYouMean: (task) => `Did you mean ${taskTitle(task)}? (*yes* / *no*)`,
  noOpenTasks: () => 'You have no open tasks.',
  whichTaskForIt: () => 'Which task do you mean? Name it, e.g. *mark the report task done*.',
  noSuchPlace: (index) => `There is no task number ${index} in the list I showed. Say *show my tasks* to see them again.`,
  askName: () => 'What should the new task be called? For example: *call mom tomorrow at 6pm*.',
  askNewName: (task) => `What should ${taskTitle(task)} be called?`,
  askWhen: (task) => `When should ${taskTitle(task)} be due? For example: *friday 10am*, *tomorrow*, *by 2 days*.`,
  cancelled: () => 'OK, I changed nothing.',
  failed: (error) => `Sorry, that did not work: ${escapeMarkdown(error)}`,
  greeting: () => `Hello! I manage your tasks.\n\n${CAPABILITIES}`,
  help: () => CAPABILITIES,
  unknown: () => `Sorry, I did not understand that, so I changed nothing.\n\n${CAPABILITIES}`,
};
