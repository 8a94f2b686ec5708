// A database failure inside any resolver is an outage the client may retry, not a bug: it is
// answered SERVICE_UNAVAILABLE (HTTP 503 when nothing in the answer succeeded), over both
// transports, never "Unexpected error.". The PostgreSQL is one this test starts and stops.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { createLogger } from '../../src/logger.js';
import { captureLogs } from '../helpers/logs.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-outage-'));
const postgres = await startEmbeddedPostgres(dataDir, createLogger('silent'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));
const { logger, entries } = captureLogs('warn');
const server = await startTestServer({
  databaseUrl: postgres.connectionString,
  logger,
  env: { BEHFLOW_SCHEDULER: 'false', REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
});
const { token } = await seed(server).user().create();
// The session is answered from the instance's cache from now on: what fails below is the resolvers' own reads and writes.
expect((await server.graphql(graphql(`query OutageMe { me { id } tasks { totalCount } }`), { token })).errors).toBeUndefined();
await postgres.stop();

const unavailable = { message: 'The service is temporarily unavailable. Try again shortly.', extensions: { code: 'SERVICE_UNAVAILABLE' } };

describe('with the PostgreSQL cluster stopped', () => {
  it.each([
    ['a query', '{ tasks { totalCount edges { node { id } } } }', ['tasks']],
    ['a connection field', '{ chatSessions { totalCount } }', ['chatSessions', 'totalCount']],
    ['a mutation', 'mutation { createTask(input: { name: "during the outage" }) { task { id } } }', ['createTask']],
    ['a mutation of another domain', 'mutation { createChatSession(input: {}) { chatSession { id } } }', ['createChatSession']],
  ])('answers %s 503 SERVICE_UNAVAILABLE over HTTP', async (_name, query, pathOf) => {
    const result = await server.graphql(query, { token });
    expect(result.status).toBe(503);
    expect(result.errors).toEqual([expect.objectContaining({ ...unavailable, path: pathOf })]);
  });

  it('answers 200 with what succeeded beside the SERVICE_UNAVAILABLE of what did not', async () => {
    const result = await server.graphql(graphql(`query OutagePartly($id: ID!) { serverInfo { timeZone } task(id: $id) { id } }`), {
      token,
      variables: { id: Buffer.from(`Task:${randomUUID()}`).toString('base64') },
    });
    expect(result.status).toBe(200);
    expect(result.data?.serverInfo).toEqual({ timeZone: expect.any(String) });
    expect(result.data?.task).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ ...unavailable, path: ['task'] })]);
  });

  it('answers SERVICE_UNAVAILABLE over graphql-ws', async () => {
    const query = server.subscribe(graphql(`query OutageTasks { tasks { totalCount } }`), { token });
    const result = await query.next();
    expect(result.errors).toEqual([
      expect.objectContaining({ message: unavailable.message, extensions: expect.objectContaining(unavailable.extensions) }),
    ]);
  });

  it('logs it as an outage, with no "unexpected error"', () => {
    expect(entries().some((entry) => entry.msg === 'database unavailable')).toBe(true);
    expect(entries().filter((entry) => entry.msg === 'unexpected error')).toEqual([]);
  });
});

describe('what counts as the database being unavailable', () => {
  it('includes a server shutting down or restarting, as Prisma reports it inside a transaction', () => {
    // The shape Prisma 7 gave for a createTask transaction while PostgreSQL was restarting.
    const shuttingDown = Object.assign(new Error('Database error. Code: `57P03`. Message: `the database system is shutting down`'), {
      code: 'P2039',
      meta: {
        driverAdapterError: {
          name: 'DriverAdapterError',
          cause: { originalCode: '57P03', kind: 'postgres', code: '57P03', severity: 'FATAL' },
        },
      },
    });
    expect(isDatabaseUnavailable(shuttingDown)).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('refused'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })),
    ).toBe(true);
  });

  it('excludes bugs and constraint violations, which stay masked', () => {
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('Unique constraint failed'), {
          code: 'P2002',
          meta: { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation' } } },
        }),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
  });
});
