// "What should I do first?": the open tasks ranked by what makes them pressing, each with its
// reasons, so the answer can say why. Pure: the tasks and the time are given.
import type { Task } from '../db/prisma.js';
import { isOverdue } from '../tasks/rules.js';
import { dayBounds } from '../time/zone.js';

export type Reason = 'overdue' | 'due_today' | 'due_soon' | 'high_priority' | 'in_progress' | 'waiting_longest';

export interface Suggestion<T> {
  readonly task: T;
  readonly reasons: readonly Reason[];
}

const HOUR_MS = 3_600_000;
/** "Due soon": within this many hours after today ends. */
const SOON_HOURS = 72;

function pressure(task: Task, now: Date, timeZone: string): { score: number; reasons: Reason[] } {
  const reasons: Reason[] = [];
  let score = 0;
  const due = task.dueDateGregorian;
  const today = dayBounds(now, timeZone);
  if (isOverdue(task, now)) {
    reasons.push('overdue');
    // The longer overdue, the more pressing, up to a month.
    score += 100 + Math.min(30, (now.getTime() - due!.getTime()) / (24 * HOUR_MS));
  } else if (due && due < today.end) {
    reasons.push('due_today');
    score += 60;
  } else if (due && due.getTime() < today.end.getTime() + SOON_HOURS * HOUR_MS) {
    reasons.push('due_soon');
    score += 40 - (due.getTime() - today.end.getTime()) / (6 * HOUR_MS);
  }
  if (task.priority === 'high') {
    reasons.push('high_priority');
    score += 50;
  } else if (task.priority === 'low') {
    score -= 10;
  }
  if (task.status === 'in_progress' && reasons.length > 0) {
    reasons.push('in_progress');
    score += 5;
  }
  return { score, reasons };
}

/**
 * The open tasks worth doing first, most pressing first: overdue ones, then high priority and
 * due today or soon. When nothing is pressing, the open tasks waiting longest.
 */
export function rankNext(tasks: readonly Task[], now: Date, timeZone: string, limit: number): Array<Suggestion<Task>> {
  const open = tasks.filter((task) => task.status === 'pending' || task.status === 'in_progress');
  const ranked = open
    .map((task) => ({ task, ...pressure(task, now, timeZone) }))
    .filter((entry) => entry.reasons.length > 0)
    .sort(
      (left, right) =>
        right.score - left.score ||
        (left.task.dueDateGregorian?.getTime() ?? Infinity) - (right.task.dueDateGregorian?.getTime() ?? Infinity),
    );
  if (ranked.length > 0) return ranked.slice(0, limit).map(({ task, reasons }) => ({ task, reasons }));
  return [...open]
    .sort((left, right) => left.dateAddedGregorian.getTime() - right.dateAddedGregorian.getTime())
    .slice(0, Math.min(limit, 3))
    .map((task) => ({ task, reasons: ['waiting_longest'] }));
}
