// The rules a task must satisfy, checked before anything is written. Each violation is a
// BadUserInputError naming the offending field, so GraphQL clients and the assistant's tools
// get the same coded answer.
import type { Prisma, Task } from '../db/prisma.js';
import { Priority, TaskStatus as TaskStatusValues } from '../generated/prisma/enums.js';
import { BadUserInputError } from '../errors.js';
import { refuseNul } from '../text.js';
import { dayBounds, type TimeOfDay, toJalali } from './calendar.js';
import type { Actor, CheckedTaskFilter, TaskFilter, TaskOrder, TaskPriority, TaskStatus } from './model.js';

export const TASK_LIMITS = {
  nameLength: 255,
  descriptionLength: 20_000,
  tagCount: 32,
  tagLength: 64,
  searchLength: 200,
  searchWords: 10,
  filterValues: 100,
} as const;

// The values come from the database's enums, as Prisma generates them: one list each.
export const TASK_PRIORITIES = Object.values(Priority) as readonly TaskPriority[] as readonly [TaskPriority, ...TaskPriority[]];
export const TASK_STATUSES = Object.values(TaskStatusValues) as readonly TaskStatus[] as readonly [TaskStatus, ...TaskStatus[]];
/** A task still to be done: what "overdue" means and what the morning reschedule moves by default. */
export const OPEN_STATUSES = ['pending', 'in_progress'] as const satisfies readonly TaskStatus[];

/** Lengths in characters as PostgreSQL counts them (code points), not UTF-16 units. */
const characters = (text: string) => [...text].length;

/**
 * Which field of what the caller gave a value came from, for errors (`name`; `tags[2]`). The
 * API puts it in its own terms (`input.name`, `filter.tagsAny`).
 */
export type FieldPath = (name: string) => string;
export const inputField: FieldPath = (name) => name;

export function validName(name: string, field: FieldPath = inputField): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new BadUserInputError('A task needs a name.', field('name'));
  refuseNul(trimmed, field('name'));
  if (characters(trimmed) > TASK_LIMITS.nameLength) {
    throw new BadUserInputError(`A task name has at most ${TASK_LIMITS.nameLength} characters.`, field('name'));
  }
  return trimmed;
}

export function validDescription(description: string | null, field: FieldPath = inputField): string | null {
  if (description === null) return null;
  refuseNul(description, field('description'));
  if (characters(description) > TASK_LIMITS.descriptionLength) {
    throw new BadUserInputError(`A task description has at most ${TASK_LIMITS.descriptionLength} characters.`, field('description'));
  }
  return description;
}

/** Trimmed and de-duplicated (first spelling wins), in the order given. */
export function validTags(tags: readonly string[] | null, field: FieldPath = inputField, name = 'tags'): string[] {
  if (tags === null) return [];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag.length === 0) throw new BadUserInputError('A tag cannot be empty.', field(name));
    refuseNul(tag, field(name));
    if (characters(tag) > TASK_LIMITS.tagLength) {
      throw new BadUserInputError(`A tag has at most ${TASK_LIMITS.tagLength} characters.`, field(name));
    }
    if (!seen.has(tag)) {
      seen.add(tag);
      result.push(tag);
    }
  }
  if (result.length > TASK_LIMITS.tagCount) {
    throw new BadUserInputError(`A task has at most ${TASK_LIMITS.tagCount} tags.`, field(name));
  }
  return result;
}

export function validPriority(priority: string, field: FieldPath = inputField): TaskPriority {
  if (!(TASK_PRIORITIES as readonly string[]).includes(priority)) throw new BadUserInputError('Unknown priority.', field('priority'));
  return priority as TaskPriority;
}

export function validStatus(status: string, field: FieldPath = inputField): TaskStatus {
  if (!(TASK_STATUSES as readonly string[]).includes(status)) throw new BadUserInputError('Unknown status.', field('status'));
  return status as TaskStatus;
}

/**
 * A due date written without a time (`2025-12-18`, `1404-09-27`) means "by the end of that
 * day" in the actor's zone, so a task due today is not overdue before the day is out. 23:59:00
 * rather than the last instant keeps renderings readable (`1404-09-27T23:59:00`). Every way a
 * due date is written (GraphQL inputs, the assistant's tools) goes through
 * TaskService.parseDueDate, which applies this.
 */
export const DATE_ONLY_DUE_TIME: TimeOfDay = { hour: 23, minute: 59, second: 0 };

export function validDueDate(dueAt: Date | null, field: FieldPath = inputField): Date | null {
  if (dueAt === null) return null;
  const time = dueAt.getTime();
  // The Jalali columns and PostgreSQL's timestamptz both need a four-digit, positive year.
  if (Number.isNaN(time) || time < Date.UTC(1000, 0, 1) || time >= Date.UTC(9000, 0, 1)) {
    throw new BadUserInputError('The due date is not a valid date.', field('dueAt'));
  }
  return dueAt;
}

/**
 * Behflow's derived Jalali columns for a task's Gregorian dates. Anything writing
 * `due_date_gregorian` or `date_added_gregorian` must write these too.
 */
export function jalaliColumns(dates: { dueDateGregorian?: Date | null; dateAddedGregorian?: Date }, serviceTimeZone: string) {
  return {
    ...(dates.dueDateGregorian !== undefined
      ? { dueDateJalali: dates.dueDateGregorian === null ? null : toJalali(dates.dueDateGregorian, serviceTimeZone) }
      : {}),
    ...(dates.dateAddedGregorian !== undefined ? { dateAddedJalali: toJalali(dates.dateAddedGregorian, serviceTimeZone) } : {}),
  };
}

/** completedAt follows the status: set on entering `completed`, kept while there, cleared on leaving. */
export function completedAtFor(previous: Pick<Task, 'status' | 'completedAt'> | null, status: TaskStatus, at: Date): Date | null {
  if (status !== 'completed') return null;
  return previous?.status === 'completed' && previous.completedAt ? previous.completedAt : at;
}

export { isUuid } from '../db/ids.js';

const filterField: FieldPath = inputField;

/** `%`, `_` and `\` are wildcards for LIKE; search text is matched literally. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** The distinct words of a search text, each of which must match (validated: length, word count). */
export function searchWords(search: string | undefined): string[] {
  const text = (search ?? '').trim();
  refuseNul(text, filterField('search'));
  if (characters(text) > TASK_LIMITS.searchLength) {
    throw new BadUserInputError(`Search text has at most ${TASK_LIMITS.searchLength} characters.`, filterField('search'));
  }
  const words = [...new Set(text.split(/\s+/).filter(Boolean))];
  if (words.length > TASK_LIMITS.searchWords) {
    throw new BadUserInputError(`Search text has at most ${TASK_LIMITS.searchWords} words.`, filterField('search'));
  }
  return words;
}

/**
 * For each search word, the actor's tags containing it in any case (`hom` → `Home`, `homework`).
 * Prisma cannot express "a tag contains" in `where`, so the service looks these up first
 * (one indexed statement for all words) and the condition becomes "has one of these tags".
 */
export type TagMatches = ReadonlyMap<string, readonly string[]>;

function searchCondition(words: readonly string[], tagMatches: TagMatches): Prisma.TaskWhereInput[] {
  // Every word must appear somewhere: in the name, description (any case, trigram-indexed) or
  // inside a tag (any case, found through the trigram index on the joined tags; the GIN index
  // on tags then answers "has one of these tags").
  return words.map((word) => {
    const tags = tagMatches.get(word) ?? [];
    return {
      OR: [
        { name: { contains: escapeLike(word), mode: 'insensitive' } },
        { description: { contains: escapeLike(word), mode: 'insensitive' } },
        ...(tags.length > 0 ? [{ tags: { hasSome: [...tags] } }] : []),
      ],
    };
  });
}

function checkedList<T extends string>(values: readonly T[] | undefined, name: string, check: (value: string) => unknown): T[] | undefined {
  if (values === undefined) return undefined;
  if (values.length > TASK_LIMITS.filterValues) throw new BadUserInputError('Too many values.', filterField(name));
  for (const value of values) check(value);
  return [...values];
}

/**
 * The Prisma condition for an actor's tasks matching `filter`; `now` fixes "overdue" and
 * "today"; `tagMatches` holds the actor's tags matching each search word.
 */
export function taskWhere(actor: Actor, filter: TaskFilter, now: Date, tagMatches: TagMatches): Prisma.TaskWhereInput {
  const conditions: Prisma.TaskWhereInput[] = [{ userId: actor.id }];
  const statuses = checkedList(filter.statuses, 'statuses', (value) => validStatus(value, () => filterField('statuses')));
  if (statuses) conditions.push({ status: { in: statuses } });
  const priorities = checkedList(filter.priorities, 'priorities', (value) => validPriority(value, () => filterField('priorities')));
  if (priorities) conditions.push({ priority: { in: priorities } });
  if (filter.tagsAny) conditions.push({ tags: { hasSome: validTags(filter.tagsAny, filterField, 'tagsAny') } });
  if (filter.tagsAll) conditions.push({ tags: { hasEvery: validTags(filter.tagsAll, filterField, 'tagsAll') } });
  if (filter.dueBefore) conditions.push({ dueDateGregorian: { lt: validDueDate(filter.dueBefore, () => filterField('dueBefore'))! } });
  if (filter.dueAfter) conditions.push({ dueDateGregorian: { gt: validDueDate(filter.dueAfter, () => filterField('dueAfter'))! } });
  if (filter.overdue === true) conditions.push(overdueWhere(now));
  if (filter.overdue === false) conditions.push({ NOT: overdueWhere(now) });
  if (filter.dueToday !== undefined) {
    const today = dayBounds(now, actor.timeZone);
    const dueToday: Prisma.TaskWhereInput = { dueDateGregorian: { gte: today.start, lt: today.end } };
    conditions.push(filter.dueToday ? dueToday : { NOT: dueToday });
  }
  conditions.push(...searchCondition(searchWords(filter.search), tagMatches));
  return { AND: conditions };
}

/**
 * A filter with every value checked (BadUserInputError naming the field otherwise), "now" and
 * the actor's "today" fixed, ready to become SQL.
 */
export function checkedTaskFilter(actor: Actor, filter: TaskFilter, now: Date): CheckedTaskFilter {
  const dueBefore = filter.dueBefore ? validDueDate(filter.dueBefore, () => filterField('dueBefore'))! : undefined;
  const dueAfter = filter.dueAfter ? validDueDate(filter.dueAfter, () => filterField('dueAfter'))! : undefined;
  return {
    statuses: checkedList(filter.statuses, 'statuses', (value) => validStatus(value, () => filterField('statuses'))),
    priorities: checkedList(filter.priorities, 'priorities', (value) => validPriority(value, () => filterField('priorities'))),
    tagsAny: filter.tagsAny ? validTags(filter.tagsAny, filterField, 'tagsAny') : undefined,
    tagsAll: filter.tagsAll ? validTags(filter.tagsAll, filterField, 'tagsAll') : undefined,
    dueBefore,
    dueAfter,
    overdue: filter.overdue,
    dueToday: filter.dueToday === undefined ? undefined : { ...dayBounds(now, actor.timeZone), wanted: filter.dueToday },
    searchWords: searchWords(filter.search),
    now,
  };
}

/** The sort keys, checked: every field known (BadUserInputError naming `orderBy` otherwise). */
export function checkedTaskOrder(orderBy: readonly TaskOrder[] | undefined): readonly TaskOrder[] {
  const keys = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_TASK_ORDER;
  for (const order of keys) {
    if (!(order.field in ORDER_COLUMNS) || (order.direction !== 'ASC' && order.direction !== 'DESC')) {
      throw new BadUserInputError('Unknown order field.', 'orderBy');
    }
  }
  return keys;
}

// Overdue: due before now and still open. The same rule in the three forms the readers need.

/** As a Prisma condition. */
export function overdueWhere(now: Date): Prisma.TaskWhereInput {
  return { dueDateGregorian: { lt: now }, status: { in: [...OPEN_STATUSES] } };
}

/** As SQL over `tasks` columns (prefixed with `alias.` when given), `now` being a parameter placeholder. */
export function overdueSql(now: string, alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return `${column('due_date_gregorian')} < ${now} AND ${column('status')} IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`;
}

/** For a task in hand. */
export function isOverdue(task: { dueDateGregorian: Date | null; status: string }, now = new Date()): boolean {
  return task.dueDateGregorian !== null && task.dueDateGregorian < now && (OPEN_STATUSES as readonly string[]).includes(task.status);
}

const ORDER_COLUMNS = {
  DUE_AT: 'dueDateGregorian',
  PRIORITY: 'priority',
  CREATED_AT: 'dateAddedGregorian',
  UPDATED_AT: 'updatedAt',
  NAME: 'name',
} as const;

export const DEFAULT_TASK_ORDER: readonly TaskOrder[] = [{ field: 'CREATED_AT', direction: 'DESC' }];

/**
 * Ordering ending in the id, so rows that tie still come in one fixed order and cursors stay
 * stable. Priority sorts by the enum's declared order (low < medium < high), i.e. by importance.
 */
export function taskOrderBy(orderBy: readonly TaskOrder[] = DEFAULT_TASK_ORDER): Prisma.TaskOrderByWithRelationInput[] {
  const used = new Set<string>();
  const result: Prisma.TaskOrderByWithRelationInput[] = [];
  for (const order of orderBy.length > 0 ? orderBy : DEFAULT_TASK_ORDER) {
    const column = ORDER_COLUMNS[order.field];
    if (!column) throw new BadUserInputError('Unknown order field.', 'orderBy');
    if (used.has(column)) continue;
    used.add(column);
    const sort = order.direction === 'DESC' ? 'desc' : 'asc';
    result.push({ [column]: sort });
  }
  result.push({ id: 'asc' });
  return result;
}
