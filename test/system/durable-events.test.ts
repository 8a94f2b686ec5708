// Every acknowledged change reaches the subscribers of another instance, once and in order,
// while the database (or Redis) restarts under a stream of mutations: the event is written
// with the change, and what an instance did not hear it reads from the log.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { createLogger } from '../../src/logger.js';
import { captureLogs } from '../helpers/logs.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type Subscription, type TestServer } from '../helpers/server.js';
import { graphql, type ResultOf } from '../helpers/graphql.js';

const MUTATIONS = 360;
const CREATE = graphql(`mutation DurableEventsCreate($name: String!) { createTask(input: { name: $name }) { task { id } } }`);
const EVENTS = graphql(`subscription DurableEventsTaskEvents { taskEvents { type taskId cursor } }`);
type Event = ResultOf<typeof EVENTS>;

const sequenceOf = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString('utf8').split(':').pop());

for (const transport of ['postgres', 'redis'] as const) {
  const skip = transport === 'redis' && !redisAvailable;
  if (skip) process.stdout.write(`[tests] skipping events through Redis: no redis-server binary (set REDIS_SERVER_PATH)\n`);
  describe.skipIf(skip)(`events between instances through ${transport}`, () => {
    let dataDir: string;
    let postgres: EmbeddedDatabase;
    let port: number;
    let redis: RedisServer | null = null;
    let a: TestServer;
    let b: TestServer;
    const logger = createLogger('silent');
    const logsOfB = captureLogs('info');

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-durable-'));
      postgres = await startEmbeddedPostgres(dataDir, logger);
      port = Number(new URL(postgres.connectionString).port);
      if (transport === 'redis') redis = await startRedisServer();
      const env = { BEHFLOW_EVENT_SWEEP_SECONDS: '1', ...(redis ? { REDIS_URL: redis.url } : {}) };
      a = await startTestServer({ databaseUrl: postgres.connectionString, env });
      b = await startTestServer({ databaseUrl: postgres.connectionString, env, logger: logsOfB.logger });
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await redis?.stop();
      await postgres?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    /** Creates tasks one after the other on A while `fault` runs once the stream is under way; the ids acknowledged. */
    async function mutateThrough(token: string, fault: () => Promise<void>): Promise<string[]> {
      const acknowledged: string[] = [];
      let faulted: Promise<void> | null = null;
      // Until MUTATIONS were acknowledged: those refused while the server was away do not count.
      for (let index = 0; acknowledged.length < MUTATIONS || !faulted; index += 1) {
        if (index === 60) faulted = fault();
        const result = await a.graphql(CREATE, { token, variables: { name: `change ${index}` } });
        if (!result.errors && result.data) acknowledged.push(result.data.createTask!.task.id);
      }
      await faulted;
      // A few more once everything is back, so the stream goes on after the fault.
      for (let index = 0; index < 20; index += 1) {
        const result = await a.graphql(CREATE, { token, variables: { name: `after ${index}` } });
        expect(result.errors, 'a mutation after the fault').toBeUndefined();
        acknowledged.push(result.data!.createTask!.task.id);
      }
      return acknowledged;
    }

    async function expectEveryOnceInOrder(subscription: Subscription<Event>, acknowledged: readonly string[]) {
      const received = () => subscription.pending.map((result) => result.data!.taskEvents);
      await expect
        .poll(
          () =>
            new Set(received().map((event) => event.taskId)).size >= new Set(acknowledged).size &&
            acknowledged.every((id) => received().some((event) => event.taskId === id)),
          {
            timeout: 60_000,
            interval: 100,
          },
        )
        .toBe(true);
      const events = received();
      const ids = events.map((event) => event.taskId);
      expect(new Set(ids).size, 'no event twice').toBe(ids.length);
      const sequences = events.map((event) => sequenceOf(event.cursor));
      expect(sequences, 'in order').toEqual([...sequences].sort((x, y) => x - y));
      expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    }

    it('delivers every acknowledged change once, in order, across a restart of PostgreSQL', { timeout: 180_000 }, async () => {
      const { token } = await seed(a).user().create();
      const subscription = b.subscribe(EVENTS, { token });
      await subscription.live;
      const acknowledged = await mutateThrough(token, async () => {
        await postgres.stop();
        postgres = await startEmbeddedPostgres(dataDir, logger, { port });
      });
      await expectEveryOnceInOrder(subscription, acknowledged);
      subscription.close();
    });

    // Only where Redis carries the events is there a Redis to restart.
    if (transport === 'redis')
      it('delivers every acknowledged change once, in order, across a restart of Redis', { timeout: 180_000 }, async () => {
        const { token } = await seed(a).user().create();
        const subscription = b.subscribe(EVENTS, { token });
        await subscription.live;
        const acknowledged = await mutateThrough(token, async () => {
          await redis!.stop();
          await redis!.start();
        });
        await expectEveryOnceInOrder(subscription, acknowledged);
        // The operator can tell what happened from the log: the loss, and the way back.
        const messages = logsOfB.entries().map((entry) => entry.msg);
        expect(messages).toContain('Redis connection for events lost; reconnecting');
        expect(messages.lastIndexOf('receiving events through Redis')).toBeGreaterThan(
          messages.indexOf('Redis connection for events lost; reconnecting'),
        );
        subscription.close();
      });
  });
}
