// Delivering a stream's events to this instance's subscribers: every committed event, in
// order, once. Messages from the transport are the fast path; whatever did not arrive (a
// message lost while the listener reconnected, a publish that failed after its commit) shows
// as a gap in the numbers and is read from the log. A subscriber may start after a cursor and
// first gets what it missed, as long as the log still holds it.
import { Repeater } from 'graphql-yoga';
import type { Sql } from '../db/sql.js';
import type { Logger } from '../logger.js';
import type { EventTransport } from '../pubsub/transport.js';
import { sourceLive } from './live.js';
import { streamChannel, type StreamMessage } from './log.js';

/** What a subscriber receives: an event, or word that events it asked for are no longer kept. */
export type StreamItem =
  | { readonly kind: 'event'; readonly stream: string; readonly sequence: number; readonly topic: string; readonly payload: unknown }
  | { readonly kind: 'expired'; readonly stream: string; readonly sequence: number };

interface Subscriber {
  /** The last sequence this subscriber has been given. */
  position: number;
  /** While it reads its backlog, live items wait here. */
  held: StreamItem[] | null;
  push(item: StreamItem): void;
}

interface Follower {
  /** The last sequence delivered on this instance. */
  last: number;
  /** The highest sequence heard of (delivered or not). */
  heard: number;
  readonly subscribers: Set<Subscriber>;
  /** A read of the log under way; another is wanted when `again`. */
  reading: Promise<void> | null;
  again: boolean;
  readonly ready: Promise<void>;
  readonly stop: () => void;
}

const READ_BATCH = 500;
const EVENTS_AFTER =
  'SELECT sequence::int8 AS sequence, topic, payload FROM stream_events WHERE stream = $1 AND sequence > $2 ORDER BY sequence LIMIT $3';
const STREAM_END = 'SELECT sequence::int8 AS sequence FROM event_streams WHERE stream = $1';
const STREAM_ENDS = 'SELECT stream, sequence::int8 AS sequence FROM event_streams WHERE stream = ANY($1::text[])';
const DELETE_OLD =
  'WITH deleted AS (DELETE FROM stream_events WHERE created_at < now() - make_interval(secs => $1) RETURNING 1) SELECT count(*)::int AS count FROM deleted';

export interface EventStreams {
  /**
   * The events of `stream` from now on, or, with `after`, from after that sequence: what the
   * log still holds of them first, or a single `expired` item when some are no longer kept.
   */
  subscribe(stream: string, options?: { after?: number }): AsyncIterableIterator<StreamItem>;
  /** Deletes events older than the retention period; resolves with how many. */
  deleteExpired(): Promise<number>;
  close(): void;
}

export interface EventStreamsOptions {
  readonly sql: Sql;
  readonly transport: EventTransport;
  readonly logger: Logger;
  readonly retentionSeconds: number;
  /** How often every followed stream is compared with the log, to catch a lost message (0: never). */
  readonly sweepIntervalMs: number;
  /** How often events older than the retention period are deleted (0: only when asked). */
  readonly pruneIntervalMs?: number;
}

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const { sql, transport } = options;
  const log = options.logger.child({ component: 'events' });
  const followers = new Map<string, Follower>();

  const end = async (stream: string) =>
    Number((await sql.rows<{ sequence: string }>({ text: STREAM_END, values: [stream] }))[0]?.sequence ?? 0);

  const give = (subscriber: Subscriber, item: StreamItem) => {
    if (subscriber.held) {
      subscriber.held.push(item);
      return;
    }
    if (item.sequence <= subscriber.position) return;
    subscriber.position = item.sequence;
    subscriber.push(item);
  };

  const deliver = (follower: Follower, item: StreamItem) => {
    follower.last = item.sequence;
    follower.heard = Math.max(follower.heard, item.sequence);
    for (const subscriber of follower.subscribers) give(subscriber, item);
  };

  /** Reads from the log everything after what this instance delivered, in order. */
  const catchUp = (stream: string, follower: Follower): Promise<void> => {
    if (follower.reading) {
      follower.again = true;
      return follower.reading;
    }
    follower.reading = (async () => {
      do {
        follower.again = false;
        for (;;) {
          const rows = await sql.rows<{ sequence: string; topic: string; payload: unknown }>({
            text: EVENTS_AFTER,
            values: [stream, follower.last, READ_BATCH],
          });
          for (const row of rows) {
            const sequence = Number(row.sequence);
            // Rows deleted for age before this instance delivered them.
            if (sequence > follower.last + 1) deliver(follower, { kind: 'expired', stream, sequence: sequence - 1 });
            deliver(follower, { kind: 'event', stream, sequence, topic: row.topic, payload: row.payload });
          }
          if (rows.length < READ_BATCH) break;
        }
      } while (follower.again || follower.heard > follower.last);
    })()
      .catch((error: Error) => log.warn({ err: { message: error.message }, stream }, 'could not read missed events; will retry'))
      .finally(() => {
        follower.reading = null;
      });
    return follower.reading;
  };

  const onMessage = (stream: string, follower: Follower, message: StreamMessage) => {
    follower.heard = Math.max(follower.heard, message.sequence);
    if (message.sequence <= follower.last) return;
    if (!follower.reading && message.sequence === follower.last + 1 && 'payload' in message) {
      deliver(follower, { kind: 'event', stream, sequence: message.sequence, topic: message.topic, payload: message.payload });
      return;
    }
    void catchUp(stream, follower);
  };

  const follow = (stream: string): Follower => {
    let follower = followers.get(stream);
    if (follower) return follower;
    const listener = (event: CustomEvent<StreamMessage>) => {
      const current = followers.get(stream);
      if (current) void current.ready.then(() => onMessage(stream, current, event.detail));
    };
    transport.addEventListener(streamChannel(stream), listener as never);
    const created: Follower = {
      last: 0,
      heard: 0,
      subscribers: new Set(),
      reading: null,
      again: false,
      // Where the stream stands now: subscribers without a cursor start there.
      ready: end(stream).then((sequence) => {
        created.last = Math.max(created.last, sequence);
      }),
      stop: () => transport.removeEventListener(streamChannel(stream), listener as never),
    };
    follower = created;
    followers.set(stream, follower);
    return follower;
  };

  const unfollow = (stream: string, follower: Follower, subscriber: Subscriber) => {
    follower.subscribers.delete(subscriber);
    if (follower.subscribers.size === 0 && followers.get(stream) === follower) {
      followers.delete(stream);
      follower.stop();
    }
  };

  /** A resuming subscriber's backlog: the log after its cursor, then what arrived meanwhile. */
  const replay = async (stream: string, subscriber: Subscriber) => {
    const start = subscriber.position;
    let position = start;
    for (;;) {
      const rows = await sql.rows<{ sequence: string; topic: string; payload: unknown }>({
        text: EVENTS_AFTER,
        values: [stream, position, READ_BATCH],
      });
      if (position === start) {
        const first = rows[0] ? Number(rows[0].sequence) : null;
        const latest = first === null ? await end(stream) : first - 1;
        // Events after the cursor are gone, or the cursor is ahead of the stream (not one it gave out).
        if ((first === null && latest !== start) || (first !== null && first > start + 1)) {
          // Some of what it asked for is no longer kept: say so once, and go on from there.
          subscriber.position = latest;
          subscriber.push({ kind: 'expired', stream, sequence: latest });
          position = latest;
        }
      }
      for (const row of rows) {
        position = Number(row.sequence);
        subscriber.position = position;
        subscriber.push({ kind: 'event', stream, sequence: position, topic: row.topic, payload: row.payload });
      }
      if (rows.length < READ_BATCH) break;
    }
    const held = subscriber.held ?? [];
    subscriber.held = null;
    for (const item of held) give(subscriber, item);
  };

  const reconnected = transport.onConnected(() => {
    for (const [stream, follower] of followers) void follower.ready.then(() => catchUp(stream, follower));
  });

  const sweep = async () => {
    if (followers.size === 0) return;
    const rows = await sql.rows<{ stream: string; sequence: string }>({ text: STREAM_ENDS, values: [[...followers.keys()]] });
    for (const row of rows) {
      const follower = followers.get(row.stream);
      if (follower && Number(row.sequence) > follower.last) {
        follower.heard = Math.max(follower.heard, Number(row.sequence));
        void catchUp(row.stream, follower);
      }
    }
  };
  const sweeping =
    options.sweepIntervalMs > 0
      ? setInterval(
          () => void sweep().catch((error: Error) => log.warn({ err: { message: error.message } }, 'could not check the event log')),
          options.sweepIntervalMs,
        )
      : undefined;
  sweeping?.unref();
  const prune = () =>
    void deleteExpired().then(
      (count) => count > 0 && log.info({ count }, 'deleted events older than the retention period'),
      (error: Error) => log.warn({ err: { message: error.message } }, 'could not delete old events'),
    );
  const pruning = options.pruneIntervalMs ? setInterval(prune, options.pruneIntervalMs) : undefined;
  pruning?.unref();

  async function deleteExpired() {
    const [row] = await sql.rows<{ count: number }>({ text: DELETE_OLD, values: [options.retentionSeconds] });
    return row?.count ?? 0;
  }

  return {
    subscribe(stream, subscribeOptions = {}) {
      return new Repeater<StreamItem>(async (push, stop) => {
        const follower = follow(stream);
        const subscriber: Subscriber = { position: Number.POSITIVE_INFINITY, held: [], push: (item) => void push(item) };
        follower.subscribers.add(subscriber);
        try {
          await follower.ready;
          if (subscribeOptions.after === undefined) {
            subscriber.position = follower.last;
            const held = subscriber.held ?? [];
            subscriber.held = null;
            for (const item of held) give(subscriber, item);
          } else {
            subscriber.position = subscribeOptions.after;
            await replay(stream, subscriber);
          }
          sourceLive(() => transport.settled());
        } catch (error) {
          unfollow(stream, follower, subscriber);
          stop(error);
          return;
        }
        await stop;
        unfollow(stream, follower, subscriber);
      });
    },
    deleteExpired,
    close() {
      clearInterval(sweeping);
      clearInterval(pruning);
      reconnected();
      for (const follower of followers.values()) follower.stop();
      followers.clear();
    },
  };
}
