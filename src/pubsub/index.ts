import { createPubSub, type PubSub } from 'graphql-yoga';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { TaskChangedEvent } from '../tasks/snapshot.js';
import { createPostgresEventTarget } from './postgres-event-target.js';

/**
 * Every event stream of the API, in one place. A key is a topic; its tuple is
 * `[routingId, payload]` (subscribers listen to one routing id) or `[payload]`.
 * Payloads are JSON (they travel between instances through PostgreSQL) and small: ids and
 * types, and for tasks the task as changed, so that many subscribers cost no reads.
 */
export type PubSubChannels = {
  /** A task of the user `userId` was created, updated, completed or deleted (whatever made the change). */
  'task:changed': [userId: string, event: TaskChangedEvent];
  /**
   * Sessions of the user `userId` were revoked (sign-out, sign-out everywhere, password change).
   * Every instance re-reads which of the sessions it watches ended and closes their open
   * subscriptions and WebSocket connections.
   */
  'auth:sessions-revoked': [event: { userId: string }];
  /** The account `userId` changed (time zone, role, activity): every instance forgets what it keeps of its sessions. */
  'auth:user-changed': [event: { userId: string }];
  /**
   * An execution of an automated process changed status, or a slot was recorded as skipped
   * (processes are global: every signed-in user may watch).
   */
  'process:execution-updated': [
    event: { executionId: string; processId: string; status: 'pending' | 'running' | 'completed' | 'failed' | 'disabled' | 'skipped' },
  ];
  /**
   * An automated process was created, edited, enabled, disabled or deleted: every instance
   * running the scheduler re-reads it and queues its next slot (or drops it).
   */
  'process:schedule-changed': [event: { processId: string }];
  /** A message (the user's or the assistant's) was stored in the chat session `sessionId`. */
  'chat:message-added': [sessionId: string, event: { messageId: string }];
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
  announce<Topic extends UnroutedTopic>(topic: Topic, payload: PubSubChannels[Topic][0]): Promise<void>;
  /**
   * Calls `handler` synchronously as each event of a topic without routing id arrives, before
   * any subscription's iterator sees it: for caches that must never answer from before it.
   */
  listen<Topic extends UnroutedTopic>(topic: Topic, handler: (payload: PubSubChannels[Topic][0]) => void): () => void;
  close(): Promise<void>;
}

/** The topics whose events are not routed to an id (their tuple is just `[payload]`). */
type UnroutedTopic = { [Topic in keyof PubSubChannels]: PubSubChannels[Topic] extends [unknown] ? Topic : never }[keyof PubSubChannels];

/** A pub/sub whose events reach subscribers on every instance sharing the database. */
export function createPubSubSystem(options: { connectionString: string; pool: pg.Pool; logger: Logger }): PubSubSystem {
  const eventTarget = createPostgresEventTarget(options);
  return {
    pubsub: createPubSub<PubSubChannels>({ eventTarget: eventTarget as never }),
    ready: () => eventTarget.ready(),
    onListenerConnected: (listener) => eventTarget.onConnected(listener),
    isListening: () => eventTarget.isListening(),
    announce: (topic, payload) => eventTarget.announce(topic, payload),
    listen(topic, handler) {
      const listener = (event: Event) => handler((event as CustomEvent).detail);
      eventTarget.addEventListener(topic, listener as never);
      return () => eventTarget.removeEventListener(topic, listener as never);
    },
    close: () => eventTarget.close(),
  };
}
