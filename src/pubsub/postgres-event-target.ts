import { setMaxListeners } from 'node:events';
import pg from 'pg';
import type { TypedEvent } from '@graphql-yoga/typed-event-target';
import type { Logger } from '../logger.js';
import type { EventTransport } from './transport.js';

/** One PostgreSQL notification channel carries every topic; the topic travels inside the payload. */
const CHANNEL = 'behflow_events';
/** How the listening connections name themselves, so each instance can count the others. */
const LISTENER_NAME = 'behflow-events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

/**
 * An EventTarget shared by every server instance on one database: `dispatchEvent` sends
 * the event with `pg_notify`, and each instance's listening connection re-dispatches it
 * to its local subscribers. No service besides PostgreSQL is needed. Events are JSON.
 */
export function createPostgresEventTarget(options: {
  connectionString: string;
  /** Sends the NOTIFYs. */
  pool: pg.Pool;
  logger: Logger;
}): EventTransport {
  const log = options.logger.child({ component: 'pubsub' });
  const local = new EventTarget();
  // One listener per open subscription: thousands are normal, not a leak.
  setMaxListeners(0, local);
  let listener: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  /** A reconnect is scheduled or under way; no second one starts meanwhile. */
  let reconnecting = false;
  const connectedListeners = new Set<() => void>();
  let readyPromise: Promise<void>;
  // Events wait here and go out in batches, one statement at a time, so they arrive in the
  // order they were published (concurrent statements on different pool connections could
  // commit out of order: a streamed reply's deltas must not) without one round trip each.
  const queue: string[] = [];
  let flushing: Promise<void> | null = null;
  // PostgreSQL folds identical notifications sent in one transaction into one; a sequence
  // number keeps equal events (two identical text deltas) distinct within a batch.
  let sequence = 0;

  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, 500);
      try {
        await options.pool.query(
          `SELECT pg_notify($1, payload)
             FROM (SELECT payload FROM unnest($2::text[]) WITH ORDINALITY AS queued(payload, position) ORDER BY position) AS ordered`,
          [CHANNEL, batch],
        );
      } catch (error) {
        log.error({ err: { message: (error as Error).message }, events: batch.length }, 'events could not be published');
      }
    }
    flushing = null;
  };

  /** Queues an event for the next batch of NOTIFYs; false when it is too large to travel. */
  const enqueue = (envelope: { type: string; detail?: unknown }): boolean => {
    const payload = JSON.stringify({ ...envelope, sequence: (sequence += 1) });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      log.error({ topic: envelope.type, bytes: Buffer.byteLength(payload) }, 'event too large to publish; dropped');
      return false;
    }
    queue.push(payload);
    flushing ??= flush();
    return true;
  };

  const deliver = (message: pg.Notification) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    try {
      const event = JSON.parse(message.payload) as { type: string; detail: unknown };
      local.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
    } catch (error) {
      log.error({ err: error }, 'undecodable event dropped');
    }
  };

  // One listening connection at a time. A client only counts once it is listening: errors
  // and notifications of any other (one still connecting, or one superseded) are ignored, so a
  // connection dying during LISTEN is retried by `connect` alone and never leaves a second
  // listener behind that would deliver every event twice.
  const connect = async (attempt: number): Promise<void> => {
    // Keepalive probes notice a half-open connection (peer gone without a FIN) that would
    // otherwise wait silently for notifications that never come.
    const client = new pg.Client({ connectionString: options.connectionString, keepAlive: true, application_name: LISTENER_NAME });
    client.on('notification', (message) => {
      if (listener === client) deliver(message);
    });
    const lost = (error?: Error) => {
      if (listener !== client) return;
      log.warn({ err: { message: error?.message ?? 'connection ended' } }, 'event listener connection lost; reconnecting');
      scheduleReconnect(1);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      if (closed || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      return connect(attempt + 1);
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    const superseded = listener;
    listener = client;
    void superseded?.end().catch(() => {});
    // Whatever was published while no connection listened is lost: let the interested re-check.
    for (const connected of connectedListeners) {
      try {
        connected();
      } catch (error) {
        log.error({ err: { message: (error as Error).message } }, 'a listener-connected callback failed');
      }
    }
  };

  const scheduleReconnect = (attempt: number) => {
    const previous = listener;
    listener = null;
    void previous?.end().catch(() => {});
    if (closed || reconnecting) return;
    reconnecting = true;
    reconnectTimer = setTimeout(
      () => {
        reconnectTimer = undefined;
        readyPromise = connect(attempt).then(
          () => {
            reconnecting = false;
            // Lost again before this reconnect had settled: go on.
            if (listener === null && !closed) scheduleReconnect(1);
          },
          (error: Error) => {
            log.error({ err: { message: error.message } }, 'event listener could not reconnect');
            reconnecting = false;
            scheduleReconnect(Math.min(attempt + 1, 6));
          },
        );
      },
      Math.min(30_000, 250 * 2 ** attempt),
    );
  };

  readyPromise = connect(0);

  return {
    addEventListener: local.addEventListener.bind(local) as EventTransport['addEventListener'],
    removeEventListener: local.removeEventListener.bind(local) as EventTransport['removeEventListener'],
    dispatchEvent(event: TypedEvent) {
      return enqueue({ type: event.type, detail: event.detail });
    },
    ready: () => readyPromise,
    isListening: () => listener !== null,
    // One LISTEN for every topic: a listener added here receives at once.
    settled: async () => undefined,
    async listeners() {
      const { rows } = await options.pool.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
        [LISTENER_NAME],
      );
      return rows[0]?.count ?? 0;
    },
    onConnected(connected) {
      connectedListeners.add(connected);
      return () => connectedListeners.delete(connected);
    },
    async close() {
      // Events published before the shutdown still go out.
      await flushing;
      closed = true;
      connectedListeners.clear();
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
    },
  };
}
