// What the chat API's files share: the caller as the chat service's actor, session IDs, and the
// field that hands a mutation's session back.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { isUuid } from '../../db/ids.js';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../../errors.js';
import type { Context, Viewer } from '../../schema/context.js';
import type { ChatActor } from '../service.js';
import type { SessionQuery } from '../queries.js';

export function actorOf(context: Context): ChatActor {
  const viewer: Viewer | null = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  return { id: viewer.id, timeZone: viewer.timeZone, username: viewer.username };
}

/** The UUID inside a ChatSession global ID; another type's ID is treated as a missing session. */
export function sessionIdFrom(globalId: string, field: string): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    throw new BadUserInputError('Not a valid ID.', field);
  }
  if (decoded.typename !== 'ChatSession' || !isUuid(decoded.id)) throw new NotFoundError('Chat session');
  return decoded.id;
}

/** Subscribing to a session that is missing or someone else's fails as NOT_FOUND. */
export async function ownedSessionId(context: Context, globalId: string): Promise<string> {
  const actor = actorOf(context);
  const id = sessionIdFrom(globalId, 'sessionId');
  if (!(await context.chat.findSession(actor, id))) throw new NotFoundError('Chat session');
  return id;
}

/** A payload's session, as the mutation left it. */
export const sessionField = (description: string) =>
  ({
    type: 'ChatSession' as const,
    description,
    resolve: (query: SessionQuery, payload: { sessionId: string }, _args: unknown, context: Context) =>
      context.chat.changedSession(payload.sessionId, query),
  }) as const;
