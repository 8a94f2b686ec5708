import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded.js';

export interface DatabaseServer {
  readonly connectionString: string;
  /** Whether this process started the database (the embedded one) and so must stop it. */
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the configuration names: `DATABASE_URL`, or else the embedded database in
 * `BEHFLOW_DATA_DIR`, started here. The server and the command-line tools both reach it this way.
 */
export async function openDatabaseServer(config: Config, logger: Logger, options: { joinRunning?: boolean } = {}): Promise<DatabaseServer> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: false, stop: async () => {} };
  // A tool run beside a server uses the cluster that server started.
  const running = options.joinRunning ? await runningEmbeddedPostgres(config.dataDir) : null;
  if (running) return { connectionString: running.connectionString, embedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres(config.dataDir, logger);
  return { connectionString: embedded.connectionString, embedded: true, stop: () => embedded.stop() };
}
