// The event log: events written in the transaction of the change they report, numbered per
// stream, then sent to every instance (which read from the log whatever they did not receive).
import type { Prisma } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { EventTransport } from '../pubsub/transport.js';

/** An event as a service writes it: which stream, what kind, its JSON payload. */
export interface NewEvent {
  readonly stream: string;
  readonly topic: string;
  readonly payload: unknown;
}

/** An event once written: with its place in its stream. */
export interface LoggedEvent extends NewEvent {
  readonly sequence: number;
}

/** The message an instance receives for a logged event; `payload` is left out when too large to travel. */
export interface StreamMessage {
  readonly stream: string;
  readonly sequence: number;
  readonly topic: string;
  readonly payload?: unknown;
}

/** The transport channel a stream's messages travel on. */
export const streamChannel = (stream: string) => `stream:${stream}`;

/** What may travel inline (PostgreSQL NOTIFY carries less than 8000 bytes, the envelope included). */
const MAX_INLINE_PAYLOAD_BYTES = 6_000;

/**
 * Appends events, numbering each within its stream. The upsert of each stream's counter row
 * keeps that row locked until the transaction ends, so one stream's events commit in the order
 * of their numbers; streams are locked in name order, so two transactions cannot deadlock on them.
 */
const APPEND = `
WITH incoming AS (
  SELECT e.stream, e.topic, e.payload, e.position,
         row_number() OVER (PARTITION BY e.stream ORDER BY e.position) AS rank
    FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS e(stream, topic, payload, position)
), counts AS (
  SELECT stream, count(*) AS added FROM incoming GROUP BY stream ORDER BY stream
), counters AS (
  INSERT INTO event_streams AS s (stream, sequence)
  SELECT stream, added FROM counts ORDER BY stream
  ON CONFLICT (stream) DO UPDATE SET sequence = s.sequence + EXCLUDED.sequence
  RETURNING s.stream, s.sequence
)
INSERT INTO stream_events (stream, sequence, topic, payload)
SELECT i.stream, c.sequence - n.added + i.rank, i.topic, i.payload
  FROM incoming i JOIN counts n USING (stream) JOIN counters c USING (stream)
RETURNING stream, sequence::int8 AS sequence, topic`;

export interface EventLog {
  /**
   * Writes events within the caller's transaction (they commit with the change, or not at
   * all); returns them numbered. Call `publish` with them once the transaction committed.
   */
  append(tx: Prisma.TransactionClient, events: readonly NewEvent[]): Promise<LoggedEvent[]>;
  /** Tells every instance about committed events (best effort: a missed message is read from the log). */
  publish(events: readonly LoggedEvent[]): void;
}

export function createEventLog(options: { transport: EventTransport; logger: Logger }): EventLog {
  const log = options.logger.child({ component: 'events' });
  return {
    async append(tx, events) {
      if (events.length === 0) return [];
      const rows = await tx.$queryRawUnsafe<Array<{ stream: string; sequence: bigint; topic: string }>>(
        APPEND,
        events.map((event) => event.stream),
        events.map((event) => event.topic),
        events.map((event) => JSON.stringify(event.payload)),
      );
      // RETURNING follows no particular order: match each row back to its event.
      const byStream = new Map<string, Array<{ sequence: number }>>();
      for (const row of rows) byStream.set(row.stream, [...(byStream.get(row.stream) ?? []), { sequence: Number(row.sequence) }]);
      for (const numbered of byStream.values()) numbered.sort((a, b) => a.sequence - b.sequence);
      const taken = new Map<string, number>();
      return events.map((event) => {
        const index = taken.get(event.stream) ?? 0;
        taken.set(event.stream, index + 1);
        return { ...event, sequence: byStream.get(event.stream)![index]!.sequence };
      });
    },
    publish(events) {
      for (const event of events) {
        const inline = Buffer.byteLength(JSON.stringify(event.payload)) <= MAX_INLINE_PAYLOAD_BYTES;
        const message: StreamMessage = {
          stream: event.stream,
          sequence: event.sequence,
          topic: event.topic,
          ...(inline ? { payload: event.payload } : {}),
        };
        try {
          options.transport.dispatchEvent(new CustomEvent(streamChannel(event.stream), { detail: message }) as never);
        } catch (error) {
          log.warn(
            { err: { message: (error as Error).message }, stream: event.stream },
            'event could not be sent; instances will read it from the log',
          );
        }
      }
    },
  };
}
