import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createPubSubSystem, type PubSubSystem } from '../../src/pubsub/index.js';
import { createTestDatabase } from '../helpers/database.js';

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
    const onA = a.pubsub.subscribe('task:changed', 'user-1')[Symbol.asyncIterator]();
    const onB = b.pubsub.subscribe('task:changed', 'user-1')[Symbol.asyncIterator]();
    const otherUser = b.pubsub.subscribe('task:changed', 'user-2')[Symbol.asyncIterator]();
    // Let the subscriptions register their listeners before publishing.
    await new Promise((resolve) => setTimeout(resolve, 50));

    a.pubsub.publish('task:changed', 'user-1', { type: 'CREATED', taskId: 't1' });
    const [fromA, fromB] = await Promise.all([onA.next(), onB.next()]);
    expect(fromA.value).toEqual({ type: 'CREATED', taskId: 't1' });
    expect(fromB.value).toEqual({ type: 'CREATED', taskId: 't1' });

    b.pubsub.publish('task:changed', 'user-2', { type: 'DELETED', taskId: 't2' });
    expect((await otherUser.next()).value).toEqual({ type: 'DELETED', taskId: 't2' });

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
      const received = system.pubsub.subscribe('task:changed', 'user-many')[Symbol.asyncIterator]();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const published = Array.from({ length: 1_200 }, (_, i) => ({ type: 'UPDATED' as const, taskId: i % 3 === 0 ? 'same' : `t${i}` }));
      for (const event of published) system.pubsub.publish('task:changed', 'user-many', event);
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
