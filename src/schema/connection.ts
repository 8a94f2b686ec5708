import type { ObjectRef } from '@pothos/core';
import { uuidOrNoMatch } from '../auth/ownership.js';
import { builder } from './builder.js';

/**
 * A named, documented connection type (`<Name>Connection` with `totalCount`, and
 * `<Name>Edge`) for a node type, reusable by every field that lists that type. The Pothos
 * Prisma plugin would otherwise make an undocumented connection type per field.
 */
export function documentedConnection<Shape>(
  type: ObjectRef<any, Shape>,
  name: string,
  noun: { readonly one: string; readonly many: string },
  countDescription: string,
) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${noun.many}.`,
      fields: (t) => ({
        totalCount: t.int({
          description: countDescription,
          // Lets the plugin answer a `totalCount`-only selection with a single COUNT.
          extensions: { pothosPrismaTotalCount: true },
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
}

/**
 * The page query Pothos built for a Prisma connection, with its cursor confined. Prisma finds
 * the cursor row by the cursor's fields alone, not by the list's `where`, and the page starts
 * where that row sorts: a forged cursor naming someone else's row would tell where it sorts
 * among the viewer's own (its name or dates, by binary search). `confines` (e.g. the owner)
 * is added to that lookup, and a malformed id becomes one no row has, so both page exactly
 * like a cursor naming a missing row (an empty page) instead of an oracle or a database error.
 */
export function confinedCursor<Query extends { cursor?: { id?: unknown } }>(query: Query, confines: Record<string, string> = {}): Query {
  if (query.cursor?.id === undefined) return query;
  return { ...query, cursor: { ...confines, id: uuidOrNoMatch(String(query.cursor.id)) } };
}
