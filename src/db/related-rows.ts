// The first rows of a one-to-many relation, and its row count, for every parent of a list.
//
// Prisma (without the relationJoins preview feature) loads a relation for many parents with one
// query that has no per-parent `take`: it reads every related row of every parent and trims in
// memory, and its relation count aggregates the whole child table. Histories that only grow
// (chat messages, process executions) would make every list read all of them. Here each
// request gathers the parents a field is resolved for during one turn of the event loop and asks
// PostgreSQL for at most `take` rows (or one count) per parent, through a LATERAL subquery that
// probes the (parent, order) index once per parent; the rows are then read by id with whatever
// the GraphQL selection needs. Statements per field stay constant however many parents.
//
// The batches belong to a `RelationLoaders`, made with each request's context (see
// RequestLoaders): nothing here outlives the request, and the module keeps no state.
import DataLoader from 'dataloader';
import { isUuid } from './ids.js';
import type { PrismaClient } from './prisma.js';
import { Prisma } from '../generated/prisma/client.js';

/** What Pothos asks to load of a row for the selection. */
export interface RowSelection {
  select?: object;
  include?: object;
}

/**
 * A one-to-many relation as stored, with the order its rows are listed in. Parent and row keys
 * are UUIDs. The names are SQL identifiers written in code, never input.
 */
export interface Relation<Row extends { id: string }> {
  /** Tells the relation's batches apart from other relations'. */
  readonly name: string;
  readonly table: string;
  readonly parentColumn: string;
  readonly idColumn: string;
  /** The listing order, all columns in `direction`; it ends with `idColumn` so it is total. */
  readonly orderColumns: readonly string[];
  readonly direction: 'asc' | 'desc';
  /** Reads rows by id (the model's `findMany`). */
  findMany(prisma: PrismaClient, args: RowSelection & { where: { id: { in: string[] } } }): Promise<Row[]>;
}

/**
 * Which rows of each parent, as Pothos' Prisma connections express a page: a positive `take`
 * reads forward in the relation's order from the start (or from the cursor row), a negative one
 * backward from the end (or from the cursor row); `skip` rows are passed over first. As in
 * Prisma, the cursor row's place in the order is what counts; a cursor naming a row of another
 * parent counts as naming no row, or its place would tell that row's order values.
 */
export interface RowWindow {
  take: number;
  skip?: number;
  cursor?: string;
}

/** The window of a query Pothos built for a Prisma connection page (`take`, `skip`, `cursor`). */
export function windowOf(query: { take: number; skip?: number; cursor?: { id?: unknown } }): RowWindow {
  const cursor = query.cursor?.id;
  return { take: query.take, skip: query.skip ?? 0, ...(cursor !== undefined ? { cursor: String(cursor) } : {}) };
}

/** The ids of each parent's rows in the window, in the relation's order. */
async function windowIds(
  prisma: PrismaClient,
  relation: Relation<{ id: string }>,
  parentIds: readonly string[],
  window: RowWindow,
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  // Like Prisma, a cursor that names no row gives an empty page.
  if (window.take === 0 || (window.cursor !== undefined && !isUuid(window.cursor))) return result;
  const backward = window.take < 0;
  const readDirection = (relation.direction === 'asc') !== backward ? 'ASC' : 'DESC';
  const listDirection = relation.direction === 'asc' ? 'ASC' : 'DESC';
  const columns = relation.orderColumns;
  const raw = Prisma.raw;
  const rowColumns = raw(columns.map((column) => `r.${column}`).join(', '));
  const fromCursor =
    window.cursor === undefined
      ? Prisma.empty
      : Prisma.sql`AND (${rowColumns}) ${raw(readDirection === 'ASC' ? '>=' : '<=')} (
          SELECT ${raw(columns.map((column) => `c.${column}`).join(', '))} FROM ${raw(relation.table)} c
           WHERE c.${raw(relation.idColumn)} = ${window.cursor}::uuid AND c.${raw(relation.parentColumn)} = parent.id)`;
  const rows = await prisma.$queryRaw<Array<{ parentId: string; id: string }>>`
    SELECT parent.id::text AS "parentId", picked.row_id::text AS "id"
      FROM unnest(${parentIds}::uuid[]) AS parent(id)
      CROSS JOIN LATERAL (
        SELECT r.${raw(relation.idColumn)} AS row_id, ${raw(columns.map((column, index) => `r.${column} AS o${index}`).join(', '))}
          FROM ${raw(relation.table)} r
         WHERE r.${raw(relation.parentColumn)} = parent.id ${fromCursor}
         ORDER BY ${raw(columns.map((column) => `r.${column} ${readDirection}`).join(', '))}
         LIMIT ${Math.abs(window.take)} OFFSET ${window.skip ?? 0}
      ) AS picked
     ORDER BY parent.id, ${raw(columns.map((_, index) => `picked.o${index} ${listDirection}`).join(', '))}`;
  for (const row of rows) {
    const ids = result.get(row.parentId) ?? [];
    ids.push(row.id);
    result.set(row.parentId, ids);
  }
  return result;
}

async function loadWindows<Row extends { id: string }>(
  prisma: PrismaClient,
  relation: Relation<Row>,
  parentIds: readonly string[],
  window: RowWindow,
  selection: RowSelection,
): Promise<Map<string, Row[]>> {
  const idsByParent = await windowIds(prisma, relation, parentIds, window);
  const ids = [...idsByParent.values()].flat();
  if (ids.length === 0) return new Map();
  // The rows are matched back by id, so the selection must include it.
  const shape = selection.select ? { select: { ...selection.select, id: true } } : selection.include ? { include: selection.include } : {};
  const rows = await relation.findMany(prisma, { ...shape, where: { id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const result = new Map<string, Row[]>();
  for (const [parentId, rowIds] of idsByParent) {
    result.set(
      parentId,
      rowIds.flatMap((id) => byId.get(id) ?? []),
    );
  }
  return result;
}

async function loadCounts(
  prisma: PrismaClient,
  relation: Relation<{ id: string }>,
  parentIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<Array<{ parentId: string; count: number }>>`
    SELECT r.${Prisma.raw(relation.parentColumn)}::text AS "parentId", count(*)::int AS count
      FROM ${Prisma.raw(relation.table)} r
     WHERE r.${Prisma.raw(relation.parentColumn)} = ANY(${parentIds}::uuid[])
     GROUP BY r.${Prisma.raw(relation.parentColumn)}`;
  return new Map(rows.map((row) => [row.parentId, row.count]));
}

/**
 * One request's batches (a request, or a subscription event), keyed by relation, window and
 * selection: the same field under different arguments or selections loads in one batch per
 * variant. Nothing is cached beyond a batch, so a long-lived subscription context never sees
 * stale rows.
 */
export class RelationLoaders {
  readonly #batches = new Map<string, DataLoader<string, unknown>>();

  #batch<V>(key: string, load: (parentIds: readonly string[]) => Promise<Map<string, V>>): DataLoader<string, V | undefined> {
    let batch = this.#batches.get(key) as DataLoader<string, V | undefined> | undefined;
    if (!batch) {
      batch = new DataLoader<string, V | undefined>(
        async (parentIds) => {
          const values = await load([...new Set(parentIds)]);
          return parentIds.map((parentId) => values.get(parentId));
        },
        // Sibling fields of a list resolve over several microtasks; one turn of the event loop
        // gathers them all into one batch.
        { cache: false, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
      );
      this.#batches.set(key, batch as DataLoader<string, unknown>);
    }
    return batch;
  }

  /** The parent's rows in the window, in the relation's order, loaded with the others of the request. */
  async rows<Row extends { id: string }>(
    prisma: PrismaClient,
    relation: Relation<Row>,
    parentId: string,
    window: RowWindow,
    selection: RowSelection,
  ): Promise<Row[]> {
    const normalized: RowWindow = {
      take: window.take,
      skip: window.skip ?? 0,
      ...(window.cursor !== undefined ? { cursor: window.cursor } : {}),
    };
    const shape = { select: selection.select, include: selection.include };
    const key = `rows ${relation.name} ${JSON.stringify(normalized)} ${JSON.stringify(shape)}`;
    const batch = this.#batch(key, (parentIds) => loadWindows(prisma, relation, parentIds, normalized, selection));
    return (await batch.load(parentId)) ?? [];
  }

  /** How many rows the parent has, counted with the others of the request. */
  async count(prisma: PrismaClient, relation: Relation<{ id: string }>, parentId: string): Promise<number> {
    const batch = this.#batch(`count ${relation.name}`, (parentIds) => loadCounts(prisma, relation, parentIds));
    return (await batch.load(parentId)) ?? 0;
  }
}
