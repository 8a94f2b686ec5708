import { reportingLive } from '../../src/events/live.js';

/**
 * Starts reading `stream` (a pub/sub subscription, an event stream) and resolves once its
 * source is live, with an iterator that goes on from there: whatever is published after this
 * resolves reaches it. (A subscription's iterator listens from its first read, not before.)
 */
export async function started<T>(stream: AsyncIterable<T>, timeoutMs = 10_000): Promise<AsyncIterator<T>> {
  let timer: NodeJS.Timeout | undefined;
  let isLive!: () => void;
  const live = new Promise<void>((resolve) => (isLive = resolve));
  const iterator = reportingLive(stream, isLive);
  let first: Promise<IteratorResult<T>> | null = iterator.next();
  // A first read that fails or ends before the source is live fails the wait at once.
  const endedEarly = first.then(() => Promise.reject(new Error('the stream ended before it was live')));
  try {
    await Promise.race([
      live,
      endedEarly,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not live within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return {
    next: () => {
      const pending = first;
      first = null;
      return pending ?? iterator.next();
    },
    return: (value?: unknown) => iterator.return!(value),
  };
}
