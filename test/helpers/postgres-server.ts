import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createLogger } from '../../src/logger.js';

export interface PostgresServer {
  /** A connection URL to a database on the server with rights to create databases. */
  readonly adminUrl: string;
  /** Which of the three sources answered, for the test output. */
  readonly source: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the tests run against, in order of preference:
 * `TEST_DATABASE_URL`; a testcontainers PostgreSQL when a Docker engine answers;
 * otherwise the embedded PostgreSQL in a temporary folder.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { adminUrl: url, source: 'TEST_DATABASE_URL', stop: async () => {} };

  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return { adminUrl: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  } catch (error) {
    process.stdout.write(`[tests] no container runtime (${(error as Error).message.split('\n')[0]}); using the embedded PostgreSQL\n`);
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-test-pg-'));
  const embedded = await startEmbeddedPostgres(dataDir, createLogger('silent'));
  return {
    adminUrl: embedded.connectionString,
    source: 'embedded PostgreSQL',
    async stop() {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
