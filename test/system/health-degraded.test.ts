import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';

describe('/health when the database is gone', () => {
  it('answers 503 with the database unreachable, and GraphQL fails cleanly', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await startTestServer({ databaseUrl });
    expect((await fetch(`${server.origin}/health`)).status).toBe(200);

    // Take the database away from under the running server.
    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await client.end();

    const health = await fetch(`${server.origin}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', database: { reachable: false } });

    const result = await server.graphql('{ me { id } }', { token: 'a'.repeat(43) });
    expect(result.status).toBe(503);
    expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(result)).not.toMatch(/database .* does not exist|ECONN|postgres/i);
  });
});
