// What a message asks for, as the built-in assistant reads it: an intent and its slots. The
// English and Persian readers both produce these; nothing here depends on the language.
import type { TaskPriority, TaskStatus } from '../../tasks/service.js';

export type Language = 'en' | 'fa';

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface ClockTime {
  readonly hour: number;
  readonly minute: number;
}

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';

/**
 * A written time: a date and/or a time of day, or a shift of the current due date ("by a day",
 * "2 hours later"). What it means for a task depends on its current due date (see when.ts).
 */
export interface When {
  readonly date?: CalendarDate;
  readonly time?: ClockTime;
  /** From now ("in 2 hours") rather than from the current due date. */
  readonly fromNow?: boolean;
  readonly shift?: { readonly amount: number; readonly unit: DurationUnit };
}

/** How a message names the task it is about. */
export type TaskRef =
  /** Words to match against the user's tasks ("the groceries", "gym session"). */
  | { readonly kind: 'named'; readonly text: string }
  /** "it", "that one": the task(s) the previous reply was about. */
  | { readonly kind: 'it' }
  /** "the second one", "number 3": a place in the list the previous reply showed. */
  | { readonly kind: 'ordinal'; readonly index: number }
  /** "the task", with nothing saying which. */
  | { readonly kind: 'unnamed' };

export type Edit =
  | { readonly type: 'complete' }
  | { readonly type: 'delete' }
  | { readonly type: 'status'; readonly status: TaskStatus }
  | { readonly type: 'priority'; readonly priority: TaskPriority }
  /** One level up (+1) or down (-1). */
  | { readonly type: 'priority-step'; readonly step: 1 | -1 }
  /** No name: ask for it. */
  | { readonly type: 'rename'; readonly name: string | null }
  /** null: clear the due date; a When without date, time or shift: ask when. */
  | { readonly type: 'due'; readonly when: When | null }
  | { readonly type: 'tag-add'; readonly tags: readonly string[] }
  /** No tags: remove them all. */
  | { readonly type: 'tag-remove'; readonly tags: readonly string[] }
  /** Appended to the description, or replacing it. */
  | { readonly type: 'note'; readonly text: string; readonly replace?: boolean };

export interface NewTask {
  readonly name: string | null;
  readonly priority?: TaskPriority;
  readonly tags?: readonly string[];
  readonly when?: When;
  readonly description?: string;
}

export interface ListFilter {
  readonly status?: TaskStatus;
  readonly priority?: TaskPriority;
  readonly dueToday?: boolean;
  readonly limit?: number;
}

export type Intent =
  | { readonly kind: 'add'; readonly task: NewTask }
  | { readonly kind: 'list'; readonly filter: ListFilter }
  | { readonly kind: 'overdue' }
  | { readonly kind: 'tagged'; readonly tag: string }
  | { readonly kind: 'search'; readonly text: string }
  | { readonly kind: 'stats' }
  | { readonly kind: 'group'; readonly by: 'priority' | 'status' }
  | { readonly kind: 'advise' }
  | { readonly kind: 'edit'; readonly ref: TaskRef; readonly edit: Edit }
  | { readonly kind: 'greeting' }
  | { readonly kind: 'help' }
  | { readonly kind: 'unknown' };

export interface ReadContext {
  readonly now: Date;
  readonly timeZone: string;
}

export const isEmptyWhen = (when: When) => !when.date && !when.time && !when.shift;

/** "it", "that one", "this task" (English) — the Persian reader has its own words. */
export const PRONOUN_REF = /^(?:it|that|this|that one|this one|that task|this task|the same one|same one|them|those|these)$/i;
