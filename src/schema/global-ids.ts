// Global IDs in, row ids out: the one decoder for IDs a client sends. An ID that names no row of
// the expected type (undecodable, another type's, not a UUID) becomes an id no row has, so it
// answers exactly as a missing object does: null in reads, an empty list in filters, NOT_FOUND
// in mutations; never a validation or database error.
import { decodeGlobalID } from '@pothos/plugin-relay';

/** The types whose objects have global IDs (the schema's `Node` implementations). */
export type NodeTypename = 'User' | 'Task' | 'ChatSession' | 'ChatMessage' | 'AutomatedProcess' | 'AutomatedProcessExecution';

/** No row has this id: a lookup or filter on it matches nothing, exactly like a missing object. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row id taken from a client: itself when it is a UUID, otherwise an id no row has. */
export const uuidOrNoMatch = (id: string): string => (UUID.test(id) ? id : NO_ID);

/** A global ID's type and id; one that does not decode names no type (`typename` is empty). */
export function decodeGlobalIdOrNothing(globalId: string): { typename: string; id: string } {
  try {
    return decodeGlobalID(globalId);
  } catch {
    return { typename: '', id: globalId };
  }
}

/**
 * The row id behind a global ID of `typename` (`rowIdOf(args.id, 'Task')`); for any other ID,
 * an id no row has. Pass the result to the service as any id: a missing row is its answer.
 */
export function rowIdOf(globalId: string | number, typename: NodeTypename): string {
  const decoded = decodeGlobalIdOrNothing(String(globalId));
  return decoded.typename === typename ? uuidOrNoMatch(decoded.id) : NO_ID;
}
