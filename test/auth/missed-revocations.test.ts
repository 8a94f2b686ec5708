import pg from 'pg';
import { createPubSub } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { createSessionWatch } from '../../src/auth/session-watch.js';
import type { PrismaClient } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import type { BehflowPubSub } from '../../src/pubsub/index.js';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/*
 * A revocation is announced with a PostgreSQL notification; one sent while an instance's
 * listening connection is down never reaches it. These tests show open subscriptions and
 * sockets still end: on the listener's reconnection, on the periodic check, and, for the
 * instance that revoked, at once.
 */

// No periodic check here (an hour): only the reconnection can end what these tests open.
const NO_PERIODIC = { BEHFLOW_SESSION_RECHECK_SECONDS: '3600', BEHFLOW_SCHEDULER: 'false' };
const databaseUrl = await createTestDatabase();
const first = await startTestServer({ databaseUrl, env: NO_PERIODIC });
const second = await startTestServer({ databaseUrl, env: NO_PERIODIC });
const periodicUrl = await createTestDatabase();
const periodic = await startTestServer({
  databaseUrl: periodicUrl,
  env: { BEHFLOW_SESSION_RECHECK_SECONDS: '1', BEHFLOW_SCHEDULER: 'false' },
});

const HEARTBEAT = 'subscription { heartbeat(intervalSeconds: 1) { sequence } }';
const SESSION_ENDED = { errors: [{ message: 'Your session has ended; sign in again.', extensions: { code: 'UNAUTHENTICATED' } }] };

async function admin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Kills every connection LISTENing on the database and waits until they are gone. */
async function dropListeners(url: string) {
  const client = await admin(url);
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const pids = rows.map((row) => row.pid);
    await client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    await expect
      .poll(async () => (await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids])).rowCount, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe(0);
  } finally {
    await client.end();
  }
}

/** Revokes a session behind the servers' backs: no notification is sent. */
async function revokeInSql(url: string, sessionId: string) {
  const client = await admin(url);
  try {
    await client.query('UPDATE auth_sessions SET revoked_at = now() WHERE auth_session_id = $1', [sessionId]);
  } finally {
    await client.end();
  }
}

interface LiveHeartbeat {
  /** Everything the server sent on the subscription. */
  readonly results: unknown[];
  /** Resolves when the server completes or errors the subscription. */
  readonly ended: Promise<void>;
  /** Resolves with the code the socket was closed with. */
  readonly closeCode: Promise<number | undefined>;
}

/** A heartbeat subscription on its own graphql-ws connection, once its first beat arrived. */
async function liveHeartbeat(server: TestServer, token: string): Promise<LiveHeartbeat> {
  const client = server.wsClient({ token });
  const results: unknown[] = [];
  let firstBeat!: () => void;
  const started = new Promise<void>((resolve) => (firstBeat = resolve));
  const closeCode = new Promise<number | undefined>((resolve) =>
    client.on('closed', (event) => resolve((event as { code?: number }).code)),
  );
  const ended = new Promise<void>((resolve) =>
    client.subscribe(
      { query: HEARTBEAT },
      {
        next: (result) => {
          results.push(result);
          firstBeat();
        },
        error: () => resolve(),
        complete: () => resolve(),
      },
    ),
  );
  await started;
  expect(results[0]).toEqual({ data: { heartbeat: { sequence: 0 } } });
  return { results, ended, closeCode };
}

/** Resolves with `promise`'s value, or 'still open' after a generous bound. */
function within<T>(promise: Promise<T>): Promise<T | 'still open'> {
  return Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 15_000).unref())]);
}

/** The subscription ends with the "session ended" error and its socket is closed with 4403. */
async function expectEndedBySession(live: LiveHeartbeat) {
  expect(await within(live.ended)).not.toBe('still open');
  expect(live.results.at(-1)).toMatchObject(SESSION_ENDED);
  expect(await within(live.closeCode)).toBe(4403);
}

describe('a revocation whose notification was lost', () => {
  it('sent by another instance while the listener was down: found when the listener reconnects', async () => {
    const { token } = await seed(first).user().create();
    const live = await liveHeartbeat(second, token);

    await dropListeners(databaseUrl);
    await first.data(graphql(`mutation MissedRevocationsLogoutEverywhere { logoutEverywhere { revokedSessions } }`), { token });

    await expectEndedBySession(live);
  });

  it('never sent at all (written in SQL): found when the listener reconnects', async () => {
    const { token, sessionId } = await seed(first).user().create();
    const live = await liveHeartbeat(second, token);

    await revokeInSql(databaseUrl, sessionId);
    await dropListeners(databaseUrl);

    await expectEndedBySession(live);
  });

  it('never sent at all (written in SQL): found by the periodic check', async () => {
    const { token, sessionId } = await seed(periodic).user().create();
    const live = await liveHeartbeat(periodic, token);

    await revokeInSql(periodicUrl, sessionId);

    await expectEndedBySession(live);
  });
});

describe('the instance that revokes', () => {
  it('ends its own watched sessions without waiting for the notification', async () => {
    // Events published here are never delivered, as when the listener is down.
    const deaf = new EventTarget();
    deaf.dispatchEvent = () => true;
    const pubsub = createPubSub({ eventTarget: deaf as never }) as unknown as BehflowPubSub;
    // `watch` looks the session up once on its own (a count of valid sessions): seen here.
    let lookedUp!: () => void;
    const firstLookup = new Promise<void>((resolve) => (lookedUp = resolve));
    const observed = first.prisma.$extends({
      query: {
        authSession: {
          async count({ args, query }) {
            const count = await query(args);
            lookedUp();
            return count;
          },
        },
      },
    });
    const sessionWatch = createSessionWatch({ prisma: observed as unknown as PrismaClient, pubsub, logger: createLogger('silent') });
    try {
      const { user, sessionId } = await seed(first).user().create();
      let ended = false;
      sessionWatch.watch({ sessionId, userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) }, () => (ended = true));
      // Let that lookup finish while the session is valid.
      await firstLookup;
      expect(ended).toBe(false);

      await first.prisma.authSession.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
      await sessionWatch.announceRevocation(user.id);

      expect(ended).toBe(true);
    } finally {
      await sessionWatch.close();
    }
  });
});
