// Row ids taken from clients: a malformed one, or a cursor naming another owner's row, must
// answer as a missing row does, never as a database error or an oracle.

/** No row has this id: a filter on it matches nothing, exactly like a missing object. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (id: string): boolean => UUID.test(id);

/** The id to look a row up by: a malformed one becomes an id that matches nothing. */
export function uuidOrNoMatch(id: string): string {
  return UUID.test(id) ? id : NO_ID;
}

/**
 * A page query (Prisma's `take`/`skip`/`cursor`, as Pothos' Prisma connections build it) with
 * its cursor confined. Prisma finds the cursor row by the cursor's fields alone, not by the
 * list's `where`, and the page starts where that row sorts: a forged cursor naming someone
 * else's row would tell where it sorts among the caller's own (its name or dates, by binary
 * search). `confines` (e.g. the owner) is added to that lookup, and a malformed id becomes one
 * no row has, so both page exactly like a cursor naming a missing row: an empty page.
 */
export function confinedCursor<Query extends { cursor?: { id?: unknown } }>(query: Query, confines: Record<string, string> = {}): Query {
  if (query.cursor?.id === undefined) return query;
  return { ...query, cursor: { ...confines, id: uuidOrNoMatch(String(query.cursor.id)) } };
}
