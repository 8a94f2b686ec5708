// Events between instances through Redis pub/sub, for deployments that fan out many events:
// @graphql-yoga/redis-event-target over two ioredis connections (one publishes, one
// subscribes). ioredis reconnects and subscribes again on its own; what was published while
// this instance was away is read from the event log (see src/events/streams.ts).
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { EventTransport } from './transport.js';

export function createRedisTransport(options: { url: string; logger: Logger }): EventTransport {
  const log = options.logger.child({ component: 'pubsub', transport: 'redis' });
  // Commands wait for a connection instead of failing while Redis restarts; a publish that
  // still fails is logged (the event itself is in the event log).
  const connect = (role: string) => {
    const client = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)),
    });
    client.on('error', (error: Error) => log.warn({ err: { message: error.message }, role }, 'Redis connection error'));
    return client;
  };
  const publishClient = connect('publish');
  const subscribeClient = connect('subscribe');
  let listening = false;
  let closed = false;
  const connectedListeners = new Set<() => void>();
  subscribeClient.on('ready', () => {
    const again = listening === false;
    listening = true;
    if (!again) return;
    log.info('receiving events through Redis');
    for (const connected of connectedListeners) {
      try {
        connected();
      } catch (error) {
        log.error({ err: { message: (error as Error).message } }, 'a listener-connected callback failed');
      }
    }
  });
  subscribeClient.on('close', () => {
    if (listening && !closed) log.warn('Redis connection for events lost; reconnecting');
    listening = false;
  });
  const publisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).catch((error: Error) => {
        log.error({ err: { message: error.message }, topic: channel }, 'event could not be published to Redis');
        return 0;
      }),
  };
  const target = createRedisEventTarget({ publishClient: publisher as unknown as Redis, subscribeClient });
  const ready = Promise.all([publishClient.connect(), subscribeClient.connect()]).then(() => undefined);
  return {
    addEventListener: target.addEventListener.bind(target) as EventTransport['addEventListener'],
    removeEventListener: target.removeEventListener.bind(target) as EventTransport['removeEventListener'],
    dispatchEvent: target.dispatchEvent.bind(target) as EventTransport['dispatchEvent'],
    ready: () => ready,
    isListening: () => listening,
    // Replies come in order: once PING is answered, every SUBSCRIBE sent before it has been too.
    settled: () => subscribeClient.ping().then(() => undefined),
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    async listeners(topic) {
      const reply = (await publishClient.call('PUBSUB', 'NUMSUB', topic)) as [string, number];
      return Number(reply[1] ?? 0);
    },
    async close() {
      closed = true;
      connectedListeners.clear();
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
