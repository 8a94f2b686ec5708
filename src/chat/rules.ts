// What a chat session and message may be, and which of a user's sessions a list shows: the
// rules the API and the service share.
import type { Prisma } from '../db/prisma.js';
import { uuidOrNoMatch } from '../db/ids.js';
import { BadUserInputError } from '../errors.js';
import { refuseNul } from '../text.js';
import { escapeLike, searchWords } from '../tasks/rules.js';

export const MAX_MESSAGE_LENGTH = 8_000;
export const MAX_TITLE_LENGTH = 255;
/** Replies one user may have in progress at once, over all their sessions. */
export const MAX_CONCURRENT_REPLIES_PER_USER = 3;
/** Messages (the new one included) a reply sees of its conversation. */
export const HISTORY_WINDOW = 20;

export function checkTitle(title: string | null | undefined, field: string): string | null {
  if (title === null || title === undefined) return null;
  const trimmed = title.replace(/\s+/g, ' ').trim();
  refuseNul(trimmed, field);
  if (trimmed.length > MAX_TITLE_LENGTH) throw new BadUserInputError(`The title may have at most ${MAX_TITLE_LENGTH} characters.`, field);
  return trimmed || null;
}

export function checkContent(content: string, field: string): string {
  const trimmed = content.trim();
  if (!trimmed) throw new BadUserInputError('The message is empty.', field);
  refuseNul(trimmed, field);
  if (trimmed.length > MAX_MESSAGE_LENGTH) {
    throw new BadUserInputError(`A message may have at most ${MAX_MESSAGE_LENGTH} characters (this one has ${trimmed.length}).`, field);
  }
  return trimmed;
}

/** A new session's title: the start of its first message, on one line. */
export function titleFrom(content: string): string {
  const line = content.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59).trimEnd()}…` : line;
}

/**
 * One session of `ownerId` (null for a signed-out caller: it matches nothing), so someone
 * else's session, or a malformed id, answers exactly as a missing one does.
 */
export const ownedSessionWhere = (ownerId: string | null, sessionId: string): Prisma.ChatSessionWhereUniqueInput => ({
  id: uuidOrNoMatch(sessionId),
  userId: uuidOrNoMatch(ownerId ?? ''),
});

/** One message of a session of `ownerId`, the same way. */
export const ownedMessageWhere = (ownerId: string | null, messageId: string): Prisma.ChatMessageWhereUniqueInput => ({
  id: uuidOrNoMatch(messageId),
  session: { userId: uuidOrNoMatch(ownerId ?? '') },
});

/** Which of a user's sessions a list shows. */
export interface SessionListFilter {
  readonly includeArchived?: boolean | null;
  readonly archivedOnly?: boolean | null;
  /** Words that must each appear in the title, in any case, anywhere in it. */
  readonly search?: string | null;
}

/** What sessions can be sorted by: `LAST_ACTIVITY` is `updated_at`, moved by every message and change. */
export type SessionOrderField = 'LAST_ACTIVITY' | 'CREATED_AT';
export interface SessionOrder {
  readonly field: SessionOrderField;
  readonly direction: 'ASC' | 'DESC';
}

/** The sessions of `userId` a list shows (active ones unless the filter says otherwise). */
export function sessionListWhere(userId: string, filter: SessionListFilter | null | undefined): Prisma.ChatSessionWhereInput {
  const conditions: Prisma.ChatSessionWhereInput[] = [{ userId }];
  if (filter?.archivedOnly) conditions.push({ isActive: false });
  else if (!filter?.includeArchived) conditions.push({ isActive: true });
  // Prisma's `contains` passes LIKE wildcards through: escaped, a word matches literally.
  for (const word of searchWords(filter?.search ?? undefined))
    conditions.push({ title: { contains: escapeLike(word), mode: 'insensitive' } });
  return { AND: conditions };
}

const SESSION_ORDER_COLUMNS: Record<SessionOrderField, 'updatedAt' | 'createdAt'> = { LAST_ACTIVITY: 'updatedAt', CREATED_AT: 'createdAt' };

/**
 * The sort of a session list: the keys given (a repeated field counts once), most recent
 * activity first when none are; ties broken by id in the last key's direction, so cursors stay stable.
 */
export function sessionListOrder(orderBy: readonly SessionOrder[] | null | undefined): Prisma.ChatSessionOrderByWithRelationInput[] {
  const keys = orderBy && orderBy.length > 0 ? orderBy : [{ field: 'LAST_ACTIVITY', direction: 'DESC' } as const];
  const seen = new Set<SessionOrderField>();
  const order: Prisma.ChatSessionOrderByWithRelationInput[] = [];
  for (const key of keys) {
    if (seen.has(key.field)) continue;
    seen.add(key.field);
    order.push({ [SESSION_ORDER_COLUMNS[key.field]]: key.direction === 'ASC' ? 'asc' : 'desc' });
  }
  order.push({ id: keys[keys.length - 1]!.direction === 'ASC' ? 'asc' : 'desc' });
  return order;
}
