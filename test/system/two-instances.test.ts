import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { streamChannel } from '../../src/events/log.js';
import { createTestDatabase } from '../helpers/database.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

/** Two server instances on one database behave as one service, whichever carries their events. */
for (const transport of ['postgres', 'redis'] as const) {
  const skip = transport === 'redis' && !redisAvailable && !process.env.TEST_REDIS_URL;
  if (skip)
    process.stdout.write(
      '[tests] skipping two instances through Redis: no redis-server binary (set REDIS_SERVER_PATH) and no TEST_REDIS_URL\n',
    );

  describe.skipIf(skip)(`two instances sharing a database, events through ${transport}`, () => {
    let redis: RedisServer | null = null;
    afterAll(() => redis?.stop());

    it('deliver a change made through one to subscribers of the other, and share sessions', async () => {
      const databaseUrl = await createTestDatabase();
      // The machine's Redis when one is named (as CI does), else one of the test's own.
      const redisUrl = transport === 'redis' ? (process.env.TEST_REDIS_URL ?? (redis = await startRedisServer()).url) : null;
      const env: Record<string, string> = redisUrl ? { REDIS_URL: redisUrl } : {};
      const [first, second] = await Promise.all([startTestServer({ databaseUrl, env }), startTestServer({ databaseUrl, env })]);
      const { user, token } = await seed(first).user().create();

      const events = second.subscribe(graphql(`subscription TwoInstancesTaskEvents { taskEvents { type task { name } } }`), { token });
      await events.live;

      if (redisUrl) {
        // The second instance hears this user's stream through Redis.
        const client = new Redis(redisUrl);
        const [, listeners] = (await client.call('PUBSUB', 'NUMSUB', streamChannel(`tasks:${user.id}`))) as [string, number];
        client.disconnect();
        expect(listeners).toBeGreaterThanOrEqual(1);
      }

      await first.data(
        graphql(`mutation TwoInstancesCreateTask2 { createTask(input: { name: "Made on the first instance" }) { task { id } } }`),
        { token },
      );
      const event = await events.next(5_000);
      expect(event.data?.taskEvents).toEqual({ type: 'CREATED', task: { name: 'Made on the first instance' } });

      // A session signed out through one instance no longer works on the other.
      await first.data(graphql(`mutation TwoInstancesLogout { logout { revokedSessions } }`), { token });
      const after = await second.graphql(graphql(`query TwoInstancesMe { me { id } }`), { token });
      expectError(after, 'UNAUTHENTICATED');
      events.close();
    });
  });
}
