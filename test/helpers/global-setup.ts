import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { startPostgresServer } from './postgres-server.js';
import { withDatabase } from './urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database on the test server with rights to create and drop databases. */
    adminDatabaseUrl: string;
    /** The migrated database every test file's database is cloned from. */
    templateDatabaseName: string;
    /** Part of the name of every database this run creates, so its teardown finds them all. */
    testRunId: string;
  }
}

/** Starts (or finds) PostgreSQL once for the whole run and migrates a template database. */
export default async function setup(project: TestProject) {
  // Tests that run the production start command need dist/ built from these sources.
  const built = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/ensure-build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  const server = await startPostgresServer();
  process.stdout.write(`[tests] PostgreSQL from ${server.source}\n`);
  const testRunId = randomBytes(4).toString('hex');
  const templateDatabaseName = `behflow_template_${testRunId}`;

  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabaseName}`);
  await admin.end();
  await migrate(withDatabase(server.adminUrl, templateDatabaseName), createLogger('silent'));

  project.provide('adminDatabaseUrl', server.adminUrl);
  project.provide('templateDatabaseName', templateDatabaseName);
  project.provide('testRunId', testRunId);

  return async () => {
    // Every database of this run: the template and those the test files made (a file's own
    // clean-up can be skipped when a database is made inside a test, or when a file fails).
    // Other runs on the same server (their own id) are left alone.
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT datname AS name FROM pg_database WHERE datname LIKE 'behflow%' AND strpos(datname, $1) > 0`,
      [`_${testRunId}`],
    );
    for (const { name } of rows) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
    await server.stop();
  };
}
