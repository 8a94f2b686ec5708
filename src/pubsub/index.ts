import { randomUUID } from 'node:crypto';
import { createPubSub, type PubSub } from 'graphql-yoga';
import type pg from 'pg';
import { sourceLive } from '../events/live.js';
import type { Logger } from '../logger.js';
import { createPostgresEventTarget } from './postgres-event-target.js';
import { createRedisTransport } from './redis-event-target.js';
import type { EventTransport } from './transport.js';

/**
 * Every event of the API that is not kept in the event log (src/events: task changes, chat
 * messages, execution updates are), in one place. A key is a topic; its tuple is
 * `[routingId, payload]` (subscribers listen to one routing id) or `[payload]`.
 * Payloads are JSON (they travel between instances through PostgreSQL or Redis) and small.
 */
export type PubSubChannels = {
  /**
   * Sessions of the user `userId` were revoked (sign-out, sign-out everywhere, password change).
   * Every instance re-reads which of the sessions it watches ended and closes their open
   * subscriptions and WebSocket connections.
   */
  'auth:sessions-revoked': [event: { userId: string }];
  /** The account `userId` changed (time zone, role, activity): every instance forgets what it keeps of its sessions. */
  'auth:user-changed': [event: { userId: string }];
  /**
   * An automated process was created, edited, enabled, disabled or deleted: every instance
   * running the scheduler re-reads it and queues its next slot (or drops it).
   */
  'process:schedule-changed': [event: { processId: string }];
  /**
   * The assistant's reply in the chat session `sessionId` as it is produced: text deltas,
   * then DONE (or ERROR) with the id of the stored assistant message.
   */
  'chat:reply': [sessionId: string, event: ChatReplyEvent];
};

/** One step of a streamed assistant reply. */
export type ChatReplyEvent =
  | { kind: 'DELTA'; text: string }
  | { kind: 'DONE'; messageId: string }
  | { kind: 'ERROR'; text: string; messageId: string | null };

export type BehflowPubSub = PubSub<PubSubChannels>;

export interface PubSubSystem {
  readonly pubsub: BehflowPubSub;
  ready(): Promise<void>;
  /**
   * Calls `listener` after each (re)connection of this instance's event listener: events
   * published while it was down never arrive, so state kept from them must be re-read.
   */
  onListenerConnected(listener: () => void): () => void;
  /** Whether events from other instances are arriving now (the listener is connected). */
  isListening(): boolean;
  /**
   * Publishes an event of a topic without routing id and resolves once every listening
   * instance has run its synchronous listeners (`listen`) for it (bounded wait).
   */
  announce<Topic extends UnroutedTopic>(topic: Topic, payload: PubSubChannels[Topic][0], timeoutMs?: number): Promise<void>;
  /** The transport underneath, for the event log's own channels. */
  readonly transport: EventTransport;
  /**
   * Calls `handler` synchronously as each event of a topic without routing id arrives, before
   * any subscription's iterator sees it: for caches that must never answer from before it.
   */
  listen<Topic extends UnroutedTopic>(topic: Topic, handler: (payload: PubSubChannels[Topic][0]) => void): () => void;
  close(): Promise<void>;
}

/** The topics whose events are not routed to an id (their tuple is just `[payload]`). */
type UnroutedTopic = { [Topic in keyof PubSubChannels]: PubSubChannels[Topic] extends [unknown] ? Topic : never }[keyof PubSubChannels];

/** Topics whose events are announcements: every instance confirms it heard them (see `announce`). */
const ANNOUNCED_TOPICS = ['auth:sessions-revoked', 'auth:user-changed'] as const satisfies readonly UnroutedTopic[];
const HEARD = 'pubsub:heard';

export interface PubSubOptions {
  readonly connectionString: string;
  /** Sends PostgreSQL's NOTIFYs (and counts listening instances). */
  readonly pool: pg.Pool;
  /** With Redis, events travel through it instead of PostgreSQL. */
  readonly redisUrl?: string;
  readonly logger: Logger;
}

/**
 * A pub/sub whose events reach subscribers on every instance sharing the database: through
 * PostgreSQL LISTEN/NOTIFY, or through Redis pub/sub when `redisUrl` is given.
 */
export function createPubSubSystem(options: PubSubOptions): PubSubSystem {
  const transport: EventTransport = options.redisUrl
    ? createRedisTransport({ url: options.redisUrl, logger: options.logger })
    : createPostgresEventTarget(options);
  const log = options.logger.child({ component: 'pubsub' });
  const dispatch = (type: string, detail: unknown) => transport.dispatchEvent(new CustomEvent(type, { detail }) as never);

  // Announcements waiting for confirmations, by id.
  const waiting = new Map<string, { remaining: number; resolve: () => void }>();
  transport.addEventListener(HEARD, ((event: CustomEvent<{ announcement: string }>) => {
    const entry = waiting.get(event.detail.announcement);
    if (entry && (entry.remaining -= 1) <= 0) entry.resolve();
  }) as never);
  // Confirms an announcement once the listeners registered for it here (caches) have run.
  for (const topic of ANNOUNCED_TOPICS) {
    transport.addEventListener(topic, ((event: CustomEvent<{ announcement?: string }>) => {
      const announcement = event.detail?.announcement;
      if (announcement) queueMicrotask(() => dispatch(HEARD, { announcement }));
    }) as never);
  }

  // A subscriber's topic is listened to as soon as its iterator is first read.
  const subscriptions: Pick<EventTransport, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'> = {
    addEventListener: (topic, listener) => {
      transport.addEventListener(topic, listener);
      sourceLive(() => transport.settled());
    },
    removeEventListener: (topic, listener) => transport.removeEventListener(topic, listener),
    dispatchEvent: (event) => transport.dispatchEvent(event),
  };

  return {
    pubsub: createPubSub<PubSubChannels>({ eventTarget: subscriptions as never }),
    transport,
    ready: () => transport.ready(),
    onListenerConnected: (listener) => transport.onConnected(listener),
    isListening: () => transport.isListening(),
    async announce(topic, payload, timeoutMs = 2_000) {
      const announcement = randomUUID();
      const listening = await transport.listeners(topic).catch(() => 0);
      const confirmed = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(announcement);
          log.warn({ topic, listening }, 'not every instance confirmed an announcement in time');
          resolve();
        }, timeoutMs);
        timer.unref();
        waiting.set(announcement, {
          remaining: listening,
          resolve: () => {
            clearTimeout(timer);
            waiting.delete(announcement);
            resolve();
          },
        });
      });
      dispatch(topic, { ...payload, announcement });
      if (listening === 0) waiting.get(announcement)?.resolve();
      await confirmed;
    },
    listen(topic, handler) {
      const listener = (event: Event) => handler((event as CustomEvent).detail);
      transport.addEventListener(topic, listener as never);
      return () => transport.removeEventListener(topic, listener as never);
    },
    async close() {
      for (const entry of waiting.values()) entry.resolve();
      await transport.close();
    },
  };
}
