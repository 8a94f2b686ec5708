import pg from 'pg';
import type { TypedEvent, TypedEventTarget } from '@graphql-yoga/typed-event-target';
import type { Logger } from '../logger.js';

/** One PostgreSQL notification channel carries every topic; the topic travels inside the payload. */
const CHANNEL = 'behflow_events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

export interface PostgresEventTarget extends TypedEventTarget<TypedEvent> {
  /** Resolves once the listening connection is ready, so nothing published after it is missed. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An EventTarget shared by every server instance on one database: `dispatchEvent` sends
 * the event with `pg_notify`, and each instance's listening connection re-dispatches it
 * to its local subscribers. No service besides PostgreSQL is needed. Events are JSON.
 */
export function createPostgresEventTarget(options: {
  connectionString: string;
  /** Sends the NOTIFY; a pool is fine (ordering per publishing connection is kept by PostgreSQL). */
  pool: pg.Pool;
  logger: Logger;
}): PostgresEventTarget {
  const log = options.logger.child({ component: 'pubsub' });
  const local = new EventTarget();
  let listener: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let readyPromise: Promise<void>;
  let publishing: Promise<void> = Promise.resolve();

  const deliver = (message: pg.Notification) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    try {
      const { type, detail } = JSON.parse(message.payload) as { type: string; detail: unknown };
      local.dispatchEvent(new CustomEvent(type, { detail }));
    } catch (error) {
      log.error({ err: error }, 'undecodable event dropped');
    }
  };

  const connect = async (attempt: number): Promise<void> => {
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('notification', deliver);
    client.on('error', (error) => {
      log.warn({ err: { message: error.message } }, 'event listener connection lost; reconnecting');
      scheduleReconnect(1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      listener = client;
    } catch (error) {
      await client.end().catch(() => {});
      if (closed || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
      return connect(attempt + 1);
    }
  };

  const scheduleReconnect = (attempt: number) => {
    const previous = listener;
    listener = null;
    void previous?.end().catch(() => {});
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      readyPromise = connect(attempt).catch((error: Error) => {
        log.error({ err: { message: error.message } }, 'event listener could not reconnect');
        scheduleReconnect(Math.min(attempt + 1, 6));
      });
    }, Math.min(30_000, 250 * 2 ** attempt));
  };

  readyPromise = connect(0);

  return {
    addEventListener: local.addEventListener.bind(local) as PostgresEventTarget['addEventListener'],
    removeEventListener: local.removeEventListener.bind(local) as PostgresEventTarget['removeEventListener'],
    dispatchEvent(event: TypedEvent) {
      const payload = JSON.stringify({ type: event.type, detail: event.detail });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        log.error({ topic: event.type, bytes: Buffer.byteLength(payload) }, 'event too large to publish; dropped');
        return false;
      }
      // One NOTIFY after another: sent concurrently on different pool connections they could
      // commit, and so arrive, out of order (a streamed reply's deltas must not).
      publishing = publishing
        .then(() => options.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]))
        .then(
          () => undefined,
          (error: Error) => log.error({ err: { message: error.message }, topic: event.type }, 'event could not be published'),
        );
      return true;
    },
    ready: () => readyPromise,
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
    },
  };
}
