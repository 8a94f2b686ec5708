// `npm run db:backup -- <file>`: a backup of the database the server uses (DATABASE_URL, or
// the embedded PostgreSQL in BEHFLOW_DATA_DIR, running or not), restorable with db:restore.
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { loadConfigOrExit } from '../src/config.js';
import { backupDatabase } from '../src/db/backup.js';
import { openDatabaseServer } from '../src/db/server-connection.js';
import { createLogger } from '../src/logger.js';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  process.stderr.write('Usage: npm run db:backup -- <file>\n');
  process.exit(2);
}
const config = loadConfigOrExit();
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
const server = await openDatabaseServer(config, logger, { joinRunning: true });
let exitCode = 0;
try {
  // Written beside the target and renamed when complete: a failed backup never looks like one.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const header = await backupDatabase(server.connectionString, out);
  out.end();
  await finished(out);
  await rename(partial, file);
  const rows = header.tables.reduce((sum, table) => sum + table.rows, 0);
  process.stdout.write(`Backed up ${header.tables.length} tables, ${rows} rows (PostgreSQL ${header.serverVersion}) to ${file}\n`);
} catch (error) {
  process.stderr.write(`Backup failed: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
