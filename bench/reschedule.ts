// Times reschedule_remaining_tasks on 100,000 overdue tasks in a fresh database.
// Usage: BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:reschedule
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { connectDatabase } from '../src/db/prisma.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createEventLog } from '../src/events/log.js';
import { createPubSubSystem } from '../src/pubsub/index.js';
import { createTaskService } from '../src/tasks/service.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const USERS = 1_000;
const name = `behflow_bench_${randomBytes(4).toString('hex')}`;
const url = new URL(adminUrl);
url.pathname = `/${name}`;

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const logger = createLogger('silent');
try {
  await migrate(url.toString(), logger);
  const database = connectDatabase({ connectionString: url.toString(), poolSize: 4, logger });
  const statements: string[] = [];
  const timings: Array<{ sql: string; ms: number }> = [];
  const recorder = connectDatabase({
    connectionString: url.toString(),
    poolSize: 4,
    logger,
    onQuery: (query) => {
      statements.push(query.sql);
      timings.push({ sql: query.sql.replace(/\s+/g, ' ').slice(0, 40), ms: query.durationMs });
    },
  });
  try {
    await database.pool.query(`
      INSERT INTO users (username, password_hash, name, lastname, time_zone)
      SELECT 'bench_' || i, '!', 'Bench', 'User', (ARRAY['Asia/Tehran', 'America/New_York', 'Europe/Berlin', NULL])[1 + i % 4]
      FROM generate_series(1, ${USERS}) AS i`);
    await database.pool.query(`
      INSERT INTO tasks (user_id, name, due_date_gregorian, date_added_jalali, status)
      SELECT u.user_id, 'task ' || i, now() - ((1 + i % 30) || ' days')::interval - ((i % 1440) || ' minutes')::interval,
             '1404-01-01T00:00:00', (ARRAY['pending', 'in_progress']::status_enum[])[1 + i % 2]
      FROM generate_series(1, ${TASKS}) AS i
      JOIN LATERAL (SELECT user_id FROM users ORDER BY user_id OFFSET (i % ${USERS}) LIMIT 1) u ON true`);
    await database.pool.query('ANALYZE tasks; ANALYZE users');

    const events = createPubSubSystem({ connectionString: url.toString(), pool: recorder.pool, logger });
    await events.ready();
    const tasks = createTaskService({
      prisma: recorder.prisma,
      sql: recorder.sql,
      events: createEventLog({ transport: events.transport, logger }),
      logger,
      timeZone: 'Asia/Tehran',
    });
    const started = performance.now();
    // The move, the moved tasks read back and their events written: one transaction.
    const outcome = await tasks.rescheduleOverdue({
      now: new Date(),
      serviceTimeZone: 'Asia/Tehran',
      includeStatuses: ['pending', 'in_progress'],
      updateToToday: true,
      timeoutMs: 600_000,
    });
    const rescheduleMs = performance.now() - started;
    const sqlStatements = statements.length;
    const [logged] = (await database.pool.query('SELECT count(*)::int AS count FROM stream_events')).rows;
    await events.close();

    const report = {
      machine: `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      postgres: (await database.pool.query('SHOW server_version')).rows[0].server_version,
      tasks: TASKS,
      tasksFound: outcome.tasksFound,
      tasksRescheduled: outcome.tasksRescheduled,
      rescheduleSeconds: Number((rescheduleMs / 1000).toFixed(2)),
      rescheduleSqlStatements: sqlStatements,
      eventsWritten: logged.count,
    };
    console.log(JSON.stringify(report, null, 2));
    if (process.env.BENCH_TIMINGS) {
      const sums = new Map<string, number>();
      for (const timing of timings) sums.set(timing.sql, (sums.get(timing.sql) ?? 0) + timing.ms);
      console.log(sums);
    }
  } finally {
    await recorder.close();
    await database.close();
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
