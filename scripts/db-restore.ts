// `npm run db:restore -- <file>`: restores a db:backup file into the database the server uses
// (DATABASE_URL, or the embedded PostgreSQL in BEHFLOW_DATA_DIR, created if missing), which
// must hold no data yet. Stop the server first.
import { createReadStream } from 'node:fs';
import { loadConfigOrExit } from '../src/config.js';
import { restoreDatabase } from '../src/db/backup.js';
import { runningEmbeddedPostgres } from '../src/db/embedded.js';
import { openDatabaseServer } from '../src/db/server-connection.js';
import { createLogger } from '../src/logger.js';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('Usage: npm run db:restore -- <file>\n');
  process.exit(2);
}
const config = loadConfigOrExit();
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
if (!config.databaseUrl && (await runningEmbeddedPostgres(config.dataDir))) {
  process.stderr.write('A server is running on this embedded database: stop it before restoring.\n');
  process.exit(1);
}
const server = await openDatabaseServer(config, logger);
let exitCode = 0;
try {
  const header = await restoreDatabase(server.connectionString, createReadStream(file), logger);
  const rows = header.tables.reduce((sum, table) => sum + table.rows, 0);
  process.stdout.write(`Restored ${header.tables.length} tables, ${rows} rows from the backup of ${header.createdAt}\n`);
} catch (error) {
  process.stderr.write(`Restore failed: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
