// Makes an existing user an administrator: `npm run user:promote -- <username>`.
// Reaches the database the way the server does (DATABASE_URL, or the embedded database in
// BEHFLOW_DATA_DIR; stop the server first in that case, as one cluster has one owner).
import { loadConfigOrExit } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { connectDatabase } from '../src/db/prisma.js';
import { openDatabaseServer } from '../src/db/server-connection.js';
import { createLogger } from '../src/logger.js';

const username = process.argv[2];
if (!username || process.argv.length > 3) {
  process.stderr.write('Usage: npm run user:promote -- <username>\n');
  process.exit(2);
}

const config = loadConfigOrExit();

// Progress logs would drown the one line of output that matters.
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
const server = await openDatabaseServer(config, logger);
let exitCode = 0;
try {
  await migrate(server.connectionString, logger);
  const database = connectDatabase({ connectionString: server.connectionString, poolSize: 1, logger });
  try {
    const user = await database.prisma.user.findUnique({ where: { username }, select: { id: true, role: true } });
    if (!user) {
      process.stderr.write(`No user is named "${username}".\n`);
      exitCode = 1;
    } else if (user.role === 'admin') {
      process.stdout.write(`${username} is already an administrator.\n`);
    } else {
      await database.prisma.user.update({ where: { id: user.id }, data: { role: 'admin' } });
      process.stdout.write(`${username} is now an administrator.\n`);
    }
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`Could not promote ${username}: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
