// Ending subscription streams from outside: when the session they were opened with ends, and
// when the server shuts down. A stream that ends completes the way the transport says
// (graphql-ws `complete`, server-sent `event: complete`), so clients know it was meant.
import { setMaxListeners } from 'node:events';
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';

/**
 * Passes `source` through until `watch` calls the `end` it is given (with, optionally, one
 * last result for the client), then completes. `watch` returns how to stop watching.
 */
export function endWhen(
  source: AsyncIterable<ExecutionResult>,
  watch: (end: (last?: ExecutionResult) => void) => () => void,
): AsyncIterableIterator<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    let finished = false;
    const unwatch = watch((last) => {
      if (finished) return;
      finished = true;
      // Values pushed before `stop` are still delivered.
      if (last) void push(last);
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

/** Completes every subscription, open or opened later, once `signal` is aborted (the server is stopping). */
export function useSubscriptionsEndOnShutdown(signal: AbortSignal): Plugin {
  // Every open subscription listens: there is no leak to warn of.
  setMaxListeners(0, signal);
  const watch = (end: () => void) => {
    if (signal.aborted) {
      queueMicrotask(end);
      return () => undefined;
    }
    const onAbort = () => end();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  };
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(endWhen(result, watch));
        },
      };
    },
  };
}
