import { describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

describe('/ready', () => {
  it('answers 503 while a migration of this build is not recorded as applied, and 200 again once it is', async () => {
    const server = await startTestServer();
    try {
      const [last] = await server.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
        `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
      );
      // As after restoring a backup taken before the newest migration.
      await server.prisma.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`,
        last!.migration_name,
      );
      const stale = await fetch(`${server.origin}/ready`);
      expect(stale.status).toBe(503);
      expect(await stale.json()).toMatchObject({
        status: 'not ready',
        database: { reachable: true },
        migrations: { applied: false, missing: [last!.migration_name] },
      });
      expect((await fetch(`${server.origin}/health`)).status).toBe(200);

      await server.prisma.$executeRawUnsafe(
        `UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = $1`,
        last!.migration_name,
      );
      expect((await fetch(`${server.origin}/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('while draining (BEHFLOW_SHUTDOWN_DELAY_MS): /ready 503 at once, /health still 200, requests still served, then the server stops', async () => {
    const server = await startTestServer({ env: { BEHFLOW_SHUTDOWN_DELAY_MS: '60000' } });
    const { token } = await seed(server).user().create();
    expect((await fetch(`${server.origin}/ready`)).status).toBe(200);

    const stopping = server.running.app.stop();
    const ready = await fetch(`${server.origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', draining: true, database: { reachable: true } });
    const health = await fetch(`${server.origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'stopping' });
    // Traffic that still arrives (the balancer has not noticed yet) is answered.
    expect((await server.data(graphql(`query ProbesMe { me { id } }`), { token })).me.id).toBeDefined();

    // The delay is bounded by the process's own shutdown; here the test ends it by stopping the rest.
    await server.stop();
    void stopping;
  }, 90_000);
});

describe('request ids and slow operations', () => {
  it('returns X-Request-Id, keeps a well-formed one from the client, and puts it on every log line of the request', async () => {
    const logs = captureLogs('debug');
    const server = await startTestServer({ logger: logs.logger, env: { BEHFLOW_SLOW_OPERATION_MS: '1' } });
    try {
      const mine = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'proxy-abc.123' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(mine.headers.get('x-request-id')).toBe('proxy-abc.123');
      const forged = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `bad id "with spaces" ${'x'.repeat(100)}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      const replaced = forged.headers.get('x-request-id')!;
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
      expect((await fetch(`${server.origin}/health`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      // A request whose work logs twice: the service ('user registered') and the slow-operation line.
      const registered = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-logged-1' },
        body: JSON.stringify({
          query:
            'mutation { register(input: { username: "request_id_user", password: "a long enough password", name: "R", lastname: "I" }) { __typename } }',
        }),
      });
      expect(registered.headers.get('x-request-id')).toBe('req-logged-1');
      await expect
        .poll(() =>
          logs
            .entries()
            .filter((entry) => entry.requestId === 'req-logged-1')
            .map((entry) => entry.msg),
        )
        .toEqual(
          // Yoga's own lines, the service's and the slow-operation line.
          expect.arrayContaining(['Parsing request to extract GraphQL parameters', 'user registered', 'slow operation']),
        );
      // Lines not written for a request carry none.
      expect(logs.entries().some((entry) => entry.requestId === undefined)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('logs an operation slower than BEHFLOW_SLOW_OPERATION_MS with its name and duration, never its variables', async () => {
    const logs = captureLogs('info');
    const server = await startTestServer({ logger: logs.logger, env: { BEHFLOW_SLOW_OPERATION_MS: '1' } });
    try {
      const password = 'a-secret-password-123';
      // Argon2 hashing makes registering take well over 1 ms.
      await server.graphql(graphql(`mutation SlowRegister($input: RegisterInput!) { register(input: $input) { __typename } }`), {
        variables: { input: { username: 'slow_op_user', password, name: 'Slow', lastname: 'Op' } },
        headers: { 'x-request-id': 'req-slow-1' },
      });
      await expect
        .poll(() => logs.entries().find((entry) => entry.msg === 'slow operation' && entry.operationName === 'SlowRegister'))
        .toBeDefined();
      const line = logs.entries().find((entry) => entry.msg === 'slow operation' && entry.operationName === 'SlowRegister')!;
      expect(line).toMatchObject({ operationType: 'mutation', requestId: 'req-slow-1' });
      expect(line.durationMs).toBeGreaterThanOrEqual(1);
      expect(logs.lines.join('\n')).not.toContain(password);
    } finally {
      await server.stop();
    }
  });

  it('logs nothing as slow below the threshold', async () => {
    const logs = captureLogs('info');
    const server = await startTestServer({ logger: logs.logger, env: { BEHFLOW_SLOW_OPERATION_MS: '600000' } });
    try {
      await server.data(graphql(`query Quick { __typename }`));
      expect(logs.entries().filter((entry) => entry.msg === 'slow operation')).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
