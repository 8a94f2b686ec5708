// Global IDs in, row ids out: the one decoder for IDs a client sends. An ID that names no row of
// the expected type (undecodable, another type's, not a UUID) becomes an id no row has, so it
// answers exactly as a missing object does: null in reads, an empty list in filters, NOT_FOUND
// in mutations; never a validation or database error.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { NO_ID, uuidOrNoMatch } from '../db/ids.js';

/** The types whose objects have global IDs (the schema's `Node` implementations). */
export type NodeTypename = 'User' | 'Task' | 'ChatSession' | 'ChatMessage' | 'AutomatedProcess' | 'AutomatedProcessExecution';

// What a row id is, and the id no row has, are the database's rules (src/db/ids.ts).
export { NO_ID, uuidOrNoMatch } from '../db/ids.js';

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
