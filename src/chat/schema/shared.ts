// What the chat API's files share: session IDs as the service reads them, and the field that
// hands a mutation's session back.
import { NotFoundError } from '../../errors.js';
import type { Context, SignedInContext } from '../../schema/context.js';
import { rowIdOf } from '../../schema/global-ids.js';
import type { SessionQuery } from '../queries.js';

/** The row id behind a ChatSession global ID; any other ID names no session (see rowIdOf). */
export const sessionIdOf = (globalId: string | number): string => rowIdOf(globalId, 'ChatSession');

/** The viewer's session a subscription follows; one missing or someone else's fails as NOT_FOUND. */
export async function ownedSessionId(context: SignedInContext, globalId: string | number): Promise<string> {
  const id = sessionIdOf(globalId);
  if (!(await context.chat.findSession(context.viewer, id))) throw new NotFoundError('Chat session');
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
