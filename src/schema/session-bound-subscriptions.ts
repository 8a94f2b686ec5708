import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { endWhen } from './ending-streams.js';
import type { Context } from './context.js';
import { UnauthenticatedError } from '../errors.js';
import type { SessionWatch, WatchedSession } from '../auth/session-watch.js';
import { toGraphQLError } from './errors.js';

/**
 * Passes a subscription's results through until the session it was opened with ends, then
 * sends one UNAUTHENTICATED error and completes. Works the same for every transport
 * (graphql-ws, server-sent events), so a revoked or expired token cannot keep a stream open.
 */
export function endWhenSessionEnds(
  source: AsyncIterable<ExecutionResult>,
  sessionWatch: SessionWatch,
  session: WatchedSession,
): AsyncIterableIterator<ExecutionResult> {
  // The client learns why the stream ended.
  return endWhen(source, (end) =>
    sessionWatch.watch(session, () =>
      end({ errors: [toGraphQLError(new UnauthenticatedError('Your session has ended; sign in again.'))] }),
    ),
  );
}

/** Binds every subscription opened by a signed-in viewer to the viewer's session. */
export function useSessionBoundSubscriptions(sessionWatch: SessionWatch): Plugin<Context> {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          const viewer = args.contextValue.viewer;
          if (!viewer || !isAsyncIterable(result)) return;
          setResult(
            endWhenSessionEnds(result, sessionWatch, {
              sessionId: viewer.sessionId,
              userId: viewer.id,
              expiresAt: viewer.sessionExpiresAt,
            }),
          );
        },
      };
    },
  };
}
