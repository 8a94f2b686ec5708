import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import type { Context } from '../schema/context.js';
import { UnauthenticatedError } from '../schema/errors.js';
import type { SessionWatch, WatchedSession } from './session-watch.js';

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
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    let finished = false;
    const unwatch = sessionWatch.watch(session, () => {
      if (finished) return;
      finished = true;
      // Values pushed before `stop` are still delivered, so the client learns why the stream ended.
      void push({ errors: [new UnauthenticatedError('Your session has ended; sign in again.')] });
      stop();
    });
    const stopped = stop.then(() => ({ done: true as const, value: undefined }));
    void stopped.then(() => {
      finished = true;
      unwatch();
      void iterator.return?.();
    });
    try {
      while (!finished) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done || finished) break;
        await push(next.value);
      }
      stop();
    } catch (error) {
      stop(error);
    }
  });
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
            endWhenSessionEnds(result, sessionWatch, { sessionId: viewer.sessionId, userId: viewer.id, expiresAt: viewer.sessionExpiresAt }),
          );
        },
      };
    },
  };
}
