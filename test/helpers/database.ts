import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { atFileEnd } from './cleanup.js';
import { withDatabase } from './urls.js';

/** Creates an empty database (no schema) on the test server; dropped after the file. */
export async function createEmptyDatabase(prefix = 'behflow_empty'): Promise<string> {
  return createDatabase(prefix, null);
}

/**
 * A database of this test file's own, cloned from the migrated template (fast: a file
 * copy inside PostgreSQL), dropped when the file ends.
 */
export async function createTestDatabase(): Promise<string> {
  return createDatabase('behflow_test', inject('templateDatabaseName'));
}

async function createDatabase(prefix: string, template: string | null): Promise<string> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `${prefix}_${inject('testRunId')}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  atFileEnd(async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  return withDatabase(adminUrl, name);
}
