import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

describe('/health and /ready when the database is gone', () => {
  it('stays alive (/health 200), is not ready (/ready 503, database unreachable), and GraphQL fails cleanly', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await startTestServer({ databaseUrl });
    expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    const before = await fetch(`${server.origin}/ready`);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      status: 'ready',
      database: { reachable: true },
      migrations: { applied: true, missing: [] },
      draining: false,
    });

    // Take the database away from under the running server.
    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await client.end();

    // A liveness probe must not restart the instance for an outage it cannot fix.
    const health = await fetch(`${server.origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${server.origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', database: { reachable: false }, draining: false });

    const result = await server.graphql(graphql(`query HealthDegradedMe { me { id } }`), { token: 'a'.repeat(43) });
    expect(result.status).toBe(503);
    expectError(result, 'SERVICE_UNAVAILABLE');
    expect(JSON.stringify(result)).not.toMatch(/database .* does not exist|ECONN|postgres/i);
  });
});
