// A throw-away database for a benchmark run, migrated and seeded with the same data for every
// server under test: BENCH_DATABASE_URL (a server where a database may be created), else the
// embedded PostgreSQL in a temporary folder.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hashSessionToken, newSessionToken } from '../../src/auth/tokens.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (!admin) {
    const dir = await mkdtemp(path.join(tmpdir(), 'behflow-bench-'));
    const embedded = await startEmbeddedPostgres(dir, createLogger('silent'));
    await migrate(embedded.connectionString, createLogger('silent'));
    return { url: embedded.connectionString, drop: async () => (await embedded.stop(), await rm(dir, { recursive: true, force: true })) };
  }
  const name = `behflow_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await migrate(url.toString(), createLogger('silent'));
  return {
    url: url.toString(),
    drop: async () => {
      const drop = new pg.Client({ connectionString: admin });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

export interface SignedInUser {
  readonly userId: string;
  readonly token: string;
  /** The ids of a few of the user's tasks, for by-id requests. */
  readonly taskIds: readonly string[];
}

/**
 * `users` users with `tasksPerUser` tasks each (varied names, descriptions, priorities,
 * statuses, tags and due dates, written set-based), and a session for the first `signedIn`.
 */
export async function seedUsersWithTasks(
  url: string,
  options: { users: number; tasksPerUser: number; signedIn: number },
): Promise<SignedInUser[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO users (username, password_hash, name, lastname, time_zone)
       SELECT 'user' || lpad(u::text, 5, '0'), '!', 'Name ' || u, 'Lastname ' || u,
              (ARRAY['Asia/Tehran', 'Europe/Berlin', 'America/New_York', NULL])[1 + u % 4]
         FROM generate_series(1, $1::int) AS u`,
      [options.users],
    );
    await client.query(
      `INSERT INTO tasks (user_id, name, description, due_date_gregorian, due_date_jalali, date_added_gregorian, date_added_jalali, priority, status, tags, completed_at)
       SELECT u.user_id,
              (ARRAY['Write the report', 'Call mom', 'Pay the rent', 'Gym session', 'Review pull request', 'Buy groceries'])[1 + i % 6] || ' ' || i,
              CASE WHEN i % 3 = 0 THEN NULL ELSE 'Details for task ' || i || ': ' || md5(u.user_id::text || i) END,
              CASE WHEN i % 5 = 0 THEN NULL ELSE now() + ((i % 40) - 20) * interval '1 day' + (i % 24) * interval '1 hour' END,
              CASE WHEN i % 5 = 0 THEN NULL ELSE behflow_jalali(now() + ((i % 40) - 20) * interval '1 day' + (i % 24) * interval '1 hour', 'Asia/Tehran') END,
              now() - (200 - i) * interval '1 hour',
              behflow_jalali(now() - (200 - i) * interval '1 hour', 'Asia/Tehran'),
              (ARRAY['low', 'medium', 'high'])[1 + i % 3]::priority_enum,
              (ARRAY['pending', 'in_progress', 'completed', 'cancelled'])[1 + i % 4]::status_enum,
              CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN ARRAY['work', 'q4'] WHEN 2 THEN ARRAY['home', 'errands'] ELSE ARRAY['health'] END,
              CASE WHEN i % 4 = 2 THEN now() - interval '1 hour' ELSE NULL END
         FROM users u CROSS JOIN generate_series(1, $1::int) AS i`,
      [options.tasksPerUser],
    );
    await client.query('ANALYZE');
    const { rows: users } = await client.query<{ user_id: string }>('SELECT user_id FROM users ORDER BY username LIMIT $1', [
      options.signedIn,
    ]);
    const signedIn: SignedInUser[] = [];
    for (const { user_id: userId } of users) {
      const token = newSessionToken();
      await client.query(`INSERT INTO auth_sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [
        userId,
        hashSessionToken(token),
      ]);
      const { rows } = await client.query<{ task_id: string }>('SELECT task_id FROM tasks WHERE user_id = $1 ORDER BY task_id LIMIT 5', [
        userId,
      ]);
      signedIn.push({ userId, token, taskIds: rows.map((row) => row.task_id) });
    }
    return signedIn;
  } finally {
    await client.end();
  }
}
