// When a subscription's source is live: from that moment on, every event published to it
// reaches the subscriber. A source (an event stream, a pub/sub topic) says so with
// `sourceLive()` once it is positioned and listening; whoever started reading it learns of it
// through `reportingLive`. The reading is carried through the asynchronous calls the first
// read makes, so a source needs to know nothing of who reads it. The server reports it to an
// optional hook (tests wait on it instead of sleeping); without the hook nothing is wrapped.
import { AsyncLocalStorage } from 'node:async_hooks';

const readers = new AsyncLocalStorage<(settled: () => Promise<void>) => void>();

/**
 * Called by a source once events published from now on reach its reader. `settled` resolves
 * when what the source asked of the transport has taken effect (a Redis SUBSCRIBE answered);
 * it is waited for only when someone is told.
 */
export function sourceLive(settled: () => Promise<void> = async () => undefined): void {
  readers.getStore()?.(settled);
}

/**
 * `stream`, read so that `onLive` is called once, when the first of the sources its reads
 * start is live.
 */
export function reportingLive<T>(stream: AsyncIterable<T>, onLive: () => void): AsyncIterableIterator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  let told = false;
  const tell = (settled: () => Promise<void>) => {
    if (told) return;
    told = true;
    void settled().then(onLive, onLive);
  };
  const reporting: AsyncIterableIterator<T> = {
    next: () => readers.run(tell, () => iterator.next()),
    return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
    throw: async (error?: unknown) => {
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]: () => reporting,
  };
  return reporting;
}
