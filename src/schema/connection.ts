import type { ObjectRef } from '@pothos/core';
import { uuidOrNoMatch } from './ownership.js';
import { builder } from './builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, READS_ROWS } from './cost.js';
import { BadUserInputError } from '../errors.js';

/**
 * A named, documented connection type (`<Name>Connection` with `totalCount`, and
 * `<Name>Edge`) for a node type, reusable by every field that lists that type. The Pothos
 * Prisma plugin would otherwise make an undocumented connection type per field.
 */
export function documentedConnection<Shape>(
  // biome-ignore lint/suspicious/noExplicitAny: any object type of the schema, whatever its parent shape.
  type: ObjectRef<any, Shape>,
  name: string,
  noun: { readonly one: string; readonly many: string },
  countDescription: string,
) {
  const connection = builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${noun.many}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: countDescription,
          // Lets the plugin answer a `totalCount`-only selection with a single COUNT; priced as
          // the query it is.
          extensions: { pothosPrismaTotalCount: true, ...READS_ROWS },
          // Top-level connections hand over a loader, related ones the loaded number.
          resolve: (parent) => {
            const total = (parent as unknown as { totalCount: number | (() => number | Promise<number>) }).totalCount;
            return typeof total === 'function' ? total() : total;
          },
        }),
      }),
    },
    { name: `${name}Edge`, description: `A ${noun.one} in a page, with its cursor.` },
  );
  // Usable by fields of any context: `t.withAuth` gives its fields a narrower one than the
  // builder's, and Pothos ties a ref to one context type.
  // biome-ignore lint/suspicious/noExplicitAny: the schema types of whichever field lists it.
  return connection as unknown as ObjectRef<any, (typeof connection)['$inferType']>;
}

/** Relay's paging arguments. */
export interface PagingArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** What a keyset page reader is asked for: rows after (or, inverted, before) a cursor row. */
export interface PageWindow {
  /** The cursor row's id; one no row has when the cursor names no valid id. */
  readonly cursorId?: string;
  /** How many rows to read: the page and one more, to tell whether another page follows. */
  readonly limit: number;
  /** Reading backwards (`last`/`before`): rows come nearest the cursor (or the end) first. */
  readonly inverted: boolean;
}

const CURSOR_PREFIX = 'GPC:S:';
/** The cursor of a row: its id, in the format Pothos' Prisma connections hand out, so cursors stay valid across both. */
export const rowCursor = (id: string) => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64');

function cursorRowId(cursor: string, argument: 'after' | 'before'): string {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) {
    throw new BadUserInputError('This cursor was not handed out by this list: page with the cursors it returns.', argument);
  }
  return uuidOrNoMatch(decoded.slice(CURSOR_PREFIX.length));
}

/**
 * A Relay connection over rows read by keyset from a cursor row, with the page flags Pothos'
 * Prisma connections give: `load` reads `limit` rows of the window; the extra row only tells
 * whether another page follows.
 */
export async function keysetConnection<Row extends { id: string }>(
  args: PagingArgs,
  load: (window: PageWindow) => Promise<readonly Row[]>,
  extra: { totalCount?: () => Promise<number> } = {},
) {
  const { first, last, after, before } = args;
  if (after != null && before != null) throw new BadUserInputError('Give `after` or `before`, not both.', 'before');
  if (before != null && first != null) throw new BadUserInputError('`before` pages backwards: use it with `last`, not `first`.', 'first');
  if (after != null && last != null) throw new BadUserInputError('`after` pages forwards: use it with `first`, not `last`.', 'last');
  const inverted = before != null || last != null;
  const limit = Math.min(first ?? last ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) + 1;
  const cursor = before ?? after;
  const cursorId = cursor == null ? undefined : cursorRowId(cursor, before != null ? 'before' : 'after');
  const rows = await load({ cursorId, limit, inverted });
  const full = rows.length === limit;
  const page = full ? rows.slice(0, -1) : [...rows];
  if (inverted) page.reverse();
  const edges = page.map((node) => ({ cursor: rowCursor(node.id), node }));
  return {
    edges,
    nodes: page,
    totalCount: extra.totalCount,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage: before != null ? true : last != null ? false : full,
      hasPreviousPage: after != null ? true : inverted ? full : false,
    },
  };
}
