// What the built-in assistant says, in each language it speaks: one Voice per language, the
// same sentences in both (English in voice-en.ts, Persian with Jalali dates in voice-fa.ts).
import type { TaskStats } from '../../tasks/service.js';
import type { Reason } from '../advice.js';
import type { TaskView } from '../tools.js';
import type { Language, ListFilter } from './intent.js';

export interface Voice {
  readonly language: Language;
  taskList(tasks: readonly TaskView[], options?: { numbered?: boolean; status?: boolean; priority?: boolean }): string;
  created(task: TaskView): string;
  listed(tasks: readonly TaskView[], filter: ListFilter): string;
  overdue(tasks: readonly TaskView[]): string;
  tagged(tag: string, tasks: readonly TaskView[]): string;
  searched(text: string, tasks: readonly TaskView[]): string;
  statistics(stats: TaskStats): string;
  groups(by: 'priority' | 'status', groups: Record<string, TaskView[]>): string;
  advice(suggestions: ReadonlyArray<{ task: TaskView; reasons: readonly Reason[] }>): string;

  completed(task: TaskView): string;
  alreadyCompleted(task: TaskView): string;
  deleted(task: TaskView): string;
  priority(task: TaskView): string;
  priorityAtLimit(task: TaskView): string;
  status(task: TaskView): string;
  renamed(before: TaskView, after: TaskView): string;
  due(task: TaskView): string;
  dueCleared(task: TaskView): string;
  tagsAdded(task: TaskView): string;
  tagsRemoved(task: TaskView, removed: readonly string[]): string;
  tagsMissing(task: TaskView, tags: readonly string[]): string;
  noted(task: TaskView): string;

  notFound(reference: string): string;
  whichOne(reference: string | null, tasks: readonly TaskView[]): string;
  didYouMean(task: TaskView): string;
  noOpenTasks(): string;
  whichTaskForIt(): string;
  noSuchPlace(index: number): string;
  askName(): string;
  askNewName(task: TaskView): string;
  askWhen(task: TaskView): string;
  cancelled(): string;
  failed(error: string): string;
  greeting(): string;
  help(): string;
  unknown(): string;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export const taskTitle = (task: TaskView) => `**${escapeMarkdown(task.name)}**`;
export const hashTags = (tags: readonly string[]) => tags.map((tag) => `#${escapeMarkdown(tag)}`).join(' ');

/**
 * A reply cut where a language model's stream would naturally pause: after each line and
 * after each sentence, so the built-in assistant streams like a model does. The pieces
 * join back to the reply exactly. A full stop after a digit ("1. ") is not a sentence end.
 */
export function streamingPieces(markdown: string): string[] {
  const boundary = /\n+|(?<=[\p{Ll}\p{Lo})*_"'”][.!?؟])[ \t]+(?=[\p{Lu}\p{Lo}*_])/gu;
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
