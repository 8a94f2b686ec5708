import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

describe('stopping the server', () => {
  it('closes every database connection it opened', async () => {
    const databaseUrl = await createTestDatabase();
    const server = await startTestServer({ databaseUrl, env: { BEHFLOW_SCHEDULER: 'true' } });
    const { token } = await seed(server).user().create();
    await server.data(graphql(`mutation StopReleasesCreateTask { createTask(input: { name: "Touch every part" }) { task { id } } }`), {
      token,
    });
    await server.stop();

    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    await client.end();
    expect(rows[0]!.n).toBe(0);
  });
});
