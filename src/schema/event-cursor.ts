// Cursors of subscription events: where an event stands in its stream, to resume after it.
import type { StreamItem } from '../events/streams.js';
import { BadUserInputError } from '../errors.js';

export const eventCursor = (item: Pick<StreamItem, 'stream' | 'sequence'>) =>
  Buffer.from(`E:${item.stream}:${item.sequence}`).toString('base64url');

/**
 * The sequence an `after` cursor names in `stream`; BAD_USER_INPUT for anything that is not a
 * cursor this subscription hands out (another stream's included).
 */
export function sequenceAfter(cursor: string | null | undefined, stream: string): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `E:${stream}:`;
  const sequence = decoded.startsWith(prefix) ? Number(decoded.slice(prefix.length)) : Number.NaN;
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new BadUserInputError(
      'This cursor was not handed out by this subscription: resume with the `cursor` of an event it delivered.',
      'after',
    );
  }
  return sequence;
}
