import pg from 'pg';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createPubSubSystem, type PubSubSystem } from '../../src/pubsub/index.js';
import { createTestDatabase } from '../helpers/database.js';
import { started } from '../helpers/live.js';

/** A change event as the task service publishes it (its task snapshot reduced to the id). */
/** A routed event (a step of a streamed reply), told apart by its text. */
const delta = (text: string) => ({ kind: 'DELTA' as const, text });

/** Two server instances on one database: an event published by one reaches subscribers of both. */
describe('pub/sub across instances sharing a database', () => {
  const pools: pg.Pool[] = [];
  const systems: PubSubSystem[] = [];

  beforeAll(async () => {
    const url = await createTestDatabase();
    for (let i = 0; i < 2; i += 1) {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      pools.push(pool);
      const system = createPubSubSystem({ connectionString: url, pool, logger: createLogger('silent') });
      await system.ready();
      systems.push(system);
    }
  });
  afterAll(async () => {
    for (const system of systems) await system.close();
    for (const pool of pools) await pool.end();
  });

  it('delivers to both instances, only to subscribers of the routed id', async () => {
    const [a, b] = systems as [PubSubSystem, PubSubSystem];
    const [onA, onB, otherUser] = await Promise.all([
      started(a.pubsub.subscribe('chat:reply', 'user-1')),
      started(b.pubsub.subscribe('chat:reply', 'user-1')),
      started(b.pubsub.subscribe('chat:reply', 'user-2')),
    ]);

    a.pubsub.publish('chat:reply', 'user-1', delta('t1'));
    const [fromA, fromB] = await Promise.all([onA.next(), onB.next()]);
    expect(fromA.value).toEqual(delta('t1'));
    expect(fromB.value).toEqual(delta('t1'));

    b.pubsub.publish('chat:reply', 'user-2', delta('t2'));
    expect((await otherUser.next()).value).toEqual(delta('t2'));

    await Promise.all([onA.return?.(), onB.return?.(), otherUser.return?.()]);
  });
});

describe('publishing many events at once', () => {
  it('delivers every one, identical ones included, in the order published', async () => {
    const url = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const system = createPubSubSystem({ connectionString: url, pool, logger: createLogger('silent') });
    await system.ready();
    try {
      const received = await started(system.pubsub.subscribe('chat:reply', 'user-many'));
      const published = Array.from({ length: 1_200 }, (_, i) => delta(i % 3 === 0 ? 'same' : `t${i}`));
      for (const event of published) system.pubsub.publish('chat:reply', 'user-many', event);
      const got = [];
      for (let i = 0; i < published.length; i += 1) got.push((await received.next()).value);
      expect(got).toEqual(published);
      await received.return?.();
    } finally {
      await system.close();
      await pool.end();
    }
  });
});

/**
 * A TCP relay on loopback in front of PostgreSQL that can cut a connection the moment it
 * sends `LISTEN`, so the listening connection dies exactly while it is being set up.
 */
async function listenCuttingRelay(target: URL) {
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (cuts > 0 && chunk.includes('LISTEN')) {
        cuts -= 1;
        client.destroy();
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((relay.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cutNextListen: () => (cuts += 1),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

describe('the listening connection, when it dies', () => {
  it('reconnects once, with a single listener: every event still arrives exactly once', async () => {
    const url = await createTestDatabase();
    const relay = await listenCuttingRelay(new URL(url));
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const system = createPubSubSystem({ connectionString: relay.url, pool, logger: createLogger('silent') });
    const listeners = async () =>
      (
        await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
        )
      ).rows.map((row) => row.pid);
    const counts = new Map<string, number>();
    const received = system.pubsub.subscribe('chat:reply', 'user-reconnect')[Symbol.asyncIterator]();
    let stopped = false;
    const collecting = (async () => {
      while (!stopped) {
        const next = await received.next();
        if (next.done) return;
        counts.set((next.value as { text: string }).text, (counts.get((next.value as { text: string }).text) ?? 0) + 1);
      }
    })();
    let probe = 0;
    /**
     * Publishes probes until `settled` more arrive after the listener is back (bounded). A poll
     * on purpose: while the connection is down probes are lost, and the time the probes take is
     * what gives a stray second reconnect the chance to show.
     */
    const probesArrive = async (settled: number) => {
      let arrivedAfterBack = 0;
      for (let attempt = 0; arrivedAfterBack < settled; attempt += 1) {
        if (attempt === 200) throw new Error('events stopped arriving');
        const id = `probe-${(probe += 1)}`;
        system.pubsub.publish('chat:reply', 'user-reconnect', delta(id));
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (counts.has(id)) arrivedAfterBack += 1;
      }
    };
    try {
      await system.ready();
      await probesArrive(1);
      for (const cutDuringListen of [true, false, true]) {
        const [pid] = await listeners();
        expect(pid).toBeDefined();
        if (cutDuringListen) relay.cutNextListen();
        await pool.query('SELECT pg_terminate_backend($1)', [pid]);
        // Long enough for a second, stray reconnect (if any) to have come up too.
        await probesArrive(20);
      }
      system.pubsub.publish('chat:reply', 'user-reconnect', delta('the-event'));
      await probesArrive(3);
      expect(counts.get('the-event')).toBe(1);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect(await listeners()).toHaveLength(1);
    } finally {
      stopped = true;
      await received.return?.();
      await collecting;
      await system.close();
      await relay.close();
      await pool.end();
    }
  });
});
