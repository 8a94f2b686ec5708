// The SQL that reads tasks: only the columns asked for, the filter as one WHERE clause,
// keyset pages after or before a cursor row. Statements are prepared (src/db/sql.ts); every
// identifier is written here, every value is a parameter.
import type { SqlStatement } from '../db/sql.js';
import type { Task } from '../db/prisma.js';
import { escapeLike, overdueSql } from './rules.js';
import type { CheckedTaskFilter, TaskOrder, TaskStats } from './model.js';
export type { CheckedTaskFilter } from './model.js';

/** Where each property of a task row is stored. */
const TASK_COLUMN_SQL = {
  id: 'task_id',
  userId: 'user_id',
  name: 'name',
  description: 'description',
  priority: 'priority',
  status: 'status',
  tags: 'tags',
  dueDateGregorian: 'due_date_gregorian',
  dueDateJalali: 'due_date_jalali',
  dateAddedGregorian: 'date_added_gregorian',
  dateAddedJalali: 'date_added_jalali',
  completedAt: 'completed_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof Task, string>;

export type TaskColumn = keyof typeof TASK_COLUMN_SQL;
export const ALL_TASK_COLUMNS = Object.keys(TASK_COLUMN_SQL) as TaskColumn[];

/**
 * A task as read for a selection: `id` always, the other properties when their columns were
 * asked for (the GraphQL types declare which columns each field reads).
 */
export type TaskRow = Pick<Task, 'id'> & Partial<Task>;

/** A filter already checked by the rules: every value valid, "today" and "now" fixed. */

/** Builds a statement's text and values together, numbering the placeholders. */
class Statement {
  readonly values: unknown[] = [];
  param(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

const selectList = (columns: readonly TaskColumn[], alias: string) =>
  columns.map((column) => `${alias}.${TASK_COLUMN_SQL[column]} AS "${column}"`).join(', ');

/** Every condition of `filter`, for the actor's own tasks (alias `t`). */
function whereClause(statement: Statement, userId: string, filter: CheckedTaskFilter): string {
  const conditions = [`t.user_id = ${statement.param(userId, '::uuid')}`];
  if (filter.statuses) conditions.push(`t.status = ANY(${statement.param(filter.statuses, '::status_enum[]')})`);
  if (filter.priorities) conditions.push(`t.priority = ANY(${statement.param(filter.priorities, '::priority_enum[]')})`);
  // Tags in any case, as search reads them (an index over the lower-cased tags answers both).
  if (filter.tagsAny)
    conditions.push(`behflow_task_tags_lower(t.tags) && behflow_task_tags_lower(${statement.param(filter.tagsAny, '::text[]')})`);
  if (filter.tagsAll)
    conditions.push(`behflow_task_tags_lower(t.tags) @> behflow_task_tags_lower(${statement.param(filter.tagsAll, '::text[]')})`);
  if (filter.dueBefore) conditions.push(`t.due_date_gregorian < ${statement.param(filter.dueBefore, '::timestamptz')}`);
  if (filter.dueAfter) conditions.push(`t.due_date_gregorian > ${statement.param(filter.dueAfter, '::timestamptz')}`);
  if (filter.overdue !== undefined) {
    const overdue = overdueSql(statement.param(filter.now, '::timestamptz'), 't');
    // A task without a due date is not overdue: NULL counts as false both ways.
    conditions.push(filter.overdue ? `(${overdue})` : `NOT COALESCE(${overdue}, false)`);
  }
  if (filter.dueToday) {
    const { start, end, wanted } = filter.dueToday;
    const today = `t.due_date_gregorian >= ${statement.param(start, '::timestamptz')} AND t.due_date_gregorian < ${statement.param(end, '::timestamptz')}`;
    conditions.push(wanted ? `(${today})` : `NOT COALESCE(${today}, false)`);
  }
  for (const word of filter.searchWords) {
    // Each word, in any case and anywhere, in the name, the description or one tag. The
    // trigram indexes answer the first two and the joined, lower-cased tags (a candidate
    // row's single tags are then checked, so a word never spans two tags).
    const pattern = statement.param(`%${escapeLike(word)}%`, '::text');
    conditions.push(
      `(t.name ILIKE ${pattern} OR t.description ILIKE ${pattern}` +
        ` OR (behflow_task_tags_text(t.tags) LIKE lower(${pattern}) AND EXISTS (SELECT 1 FROM unnest(t.tags) AS tag WHERE lower(tag) LIKE lower(${pattern}))))`,
    );
  }
  return conditions.join(' AND ');
}

interface OrderKey {
  readonly column: string;
  readonly descending: boolean;
  readonly nullable: boolean;
}

const ORDER_KEYS: Record<TaskOrder['field'], Omit<OrderKey, 'descending'>> = {
  DUE_AT: { column: 'due_date_gregorian', nullable: true },
  PRIORITY: { column: 'priority', nullable: false },
  CREATED_AT: { column: 'date_added_gregorian', nullable: false },
  UPDATED_AT: { column: 'updated_at', nullable: false },
  NAME: { column: 'name', nullable: false },
};

/**
 * The sort keys, most significant first, ending in the id (ascending) so the order is total
 * and cursors are stable. NULLs sort as PostgreSQL puts them by default: after every value,
 * i.e. last ascending, first descending. Priority sorts by the enum's order, low < medium < high.
 */
export function orderKeys(orderBy: readonly TaskOrder[]): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const order of orderBy) {
    const key = ORDER_KEYS[order.field];
    if (keys.some((existing) => existing.column === key.column)) continue;
    keys.push({ ...key, descending: order.direction === 'DESC' });
  }
  keys.push({ column: 'task_id', nullable: false, descending: false });
  return keys;
}

const reversed = (keys: readonly OrderKey[]) => keys.map((key) => ({ ...key, descending: !key.descending }));

/** "Row t comes after row c" in the order of `keys`, NULL counting as greater than any value. */
function after(keys: readonly OrderKey[]): string {
  const [key, ...rest] = keys;
  if (!key) return 'false';
  const [t, c] = [`t.${key.column}`, `c.${key.column}`];
  const beyond = key.descending
    ? key.nullable
      ? `(${t} IS NOT NULL AND (${c} IS NULL OR ${t} < ${c}))`
      : `${t} < ${c}`
    : key.nullable
      ? `(${c} IS NOT NULL AND (${t} IS NULL OR ${t} > ${c}))`
      : `${t} > ${c}`;
  if (rest.length === 0) return beyond;
  const tied = key.nullable ? `${t} IS NOT DISTINCT FROM ${c}` : `${t} = ${c}`;
  return `(${beyond} OR (${tied} AND ${after(rest)}))`;
}

const orderClause = (keys: readonly OrderKey[]) => keys.map((key) => `t.${key.column} ${key.descending ? 'DESC' : 'ASC'}`).join(', ');

export interface PageRequest {
  readonly userId: string;
  readonly filter: CheckedTaskFilter;
  readonly orderBy: readonly TaskOrder[];
  readonly columns: readonly TaskColumn[];
  /** Rows strictly after (or, inverted, before) this task of the actor's; no rows when it is not theirs. */
  readonly cursorTaskId?: string;
  readonly limit: number;
  /** Read backwards from the end (or from before the cursor): the rows come last first. */
  readonly inverted: boolean;
}

/** One page of the actor's tasks, in one statement (the cursor row is looked up inside it). */
export function pageStatement(request: PageRequest): SqlStatement {
  const statement = new Statement();
  const keys = request.inverted ? reversed(orderKeys(request.orderBy)) : orderKeys(request.orderBy);
  const where = whereClause(statement, request.userId, request.filter);
  const select = selectList(request.columns, 't');
  let text: string;
  if (request.cursorTaskId === undefined) {
    text = `SELECT ${select} FROM tasks t WHERE ${where}`;
  } else {
    // A cursor naming a row that is not one of the actor's reads no row: the page is empty,
    // exactly as for a row that does not exist, and where other rows sort is never revealed.
    const cursor = statement.param(request.cursorTaskId, '::uuid');
    const owner = statement.values[0];
    const keyColumns = [...new Set(keys.map((key) => key.column))].join(', ');
    text =
      `WITH c AS (SELECT ${keyColumns} FROM tasks WHERE task_id = ${cursor} AND user_id = ${statement.param(owner, '::uuid')})` +
      ` SELECT ${select} FROM tasks t, c WHERE ${where} AND ${after(keys)}`;
  }
  text += ` ORDER BY ${orderClause(keys)} LIMIT ${statement.param(request.limit, '::int')}`;
  return { text, values: statement.values };
}

/** How many of the actor's tasks match. */
export function countStatement(userId: string, filter: CheckedTaskFilter): SqlStatement {
  const statement = new Statement();
  const where = whereClause(statement, userId, filter);
  return { text: `SELECT count(*)::int AS count FROM tasks t WHERE ${where}`, values: statement.values };
}

/** The actor's tasks among `ids` (others' and missing ones are simply absent). */
export function byIdsStatement(userId: string, ids: readonly string[], columns: readonly TaskColumn[]): SqlStatement {
  return {
    text: `SELECT ${selectList(columns, 't')} FROM tasks t WHERE t.user_id = $1::uuid AND t.task_id = ANY($2::uuid[])`,
    values: [userId, ids],
  };
}

/** The counts behind a user's task statistics, in one statement. */
export function statsStatement(userId: string, at: Date, today: { start: Date; end: Date }): SqlStatement {
  return {
    text: `SELECT count(*)::int AS total,
           count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'in_progress')::int AS in_progress,
           count(*) FILTER (WHERE status = 'completed')::int AS completed,
           count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
           count(*) FILTER (WHERE priority = 'low')::int AS low,
           count(*) FILTER (WHERE priority = 'medium')::int AS medium,
           count(*) FILTER (WHERE priority = 'high')::int AS high,
           count(*) FILTER (WHERE ${overdueSql('$2')})::int AS overdue,
           count(*) FILTER (WHERE due_date_gregorian >= $3 AND due_date_gregorian < $4)::int AS due_today
      FROM tasks WHERE user_id = $1::uuid`,
    values: [userId, at, today.start, today.end],
  };
}

/** The statistics of `statsStatement`'s row (none: all zero). */
export function taskStatsOf(row: Record<string, number> | undefined): TaskStats {
  const count = (key: string) => Number(row?.[key] ?? 0);
  return {
    total: count('total'),
    byStatus: {
      pending: count('pending'),
      in_progress: count('in_progress'),
      completed: count('completed'),
      cancelled: count('cancelled'),
    },
    byPriority: { low: count('low'), medium: count('medium'), high: count('high') },
    overdue: count('overdue'),
    dueToday: count('due_today'),
  };
}

/** Every tag of a user's tasks with how many carry it, most used first. */
export function tagsStatement(userId: string): SqlStatement {
  return {
    text: `SELECT tag, count(*)::int AS count
             FROM tasks CROSS JOIN LATERAL unnest(tags) AS tag
            WHERE user_id = $1::uuid
            GROUP BY tag
            ORDER BY count(*) DESC, tag`,
    values: [userId],
  };
}
