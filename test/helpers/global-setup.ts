import { randomBytes } from 'node:crypto';
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
  }
}

/** Starts (or finds) PostgreSQL once for the whole run and migrates a template database. */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  process.stdout.write(`[tests] PostgreSQL from ${server.source}\n`);
  const templateDatabaseName = `behflow_template_${randomBytes(4).toString('hex')}`;

  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabaseName}`);
  await admin.end();
  await migrate(withDatabase(server.adminUrl, templateDatabaseName), createLogger('silent'));

  project.provide('adminDatabaseUrl', server.adminUrl);
  project.provide('templateDatabaseName', templateDatabaseName);

  return async () => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${templateDatabaseName} WITH (FORCE)`);
    await client.end();
    await server.stop();
  };
}
