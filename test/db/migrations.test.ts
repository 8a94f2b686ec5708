import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { createEmptyDatabase, createTestDatabase } from '../helpers/database.js';

const silent = createLogger('silent');

/** The Behflow schema reference (shared/reference/behflow-schema.md), as the catalog should show it. */
const REFERENCE = {
  enums: {
    priority_enum: ['low', 'medium', 'high'],
    status_enum: ['pending', 'in_progress', 'completed', 'cancelled'],
    trigger_type_enum: ['manual', 'time_based', 'event_based'],
    process_status_enum: ['pending', 'running', 'completed', 'failed', 'disabled'],
  },
  tables: ['users', 'tasks', 'chat_sessions', 'chat_messages', 'automated_processes', 'automated_process_executions'],
  indexes: [
    'idx_users_username',
    'idx_users_is_active',
    'idx_tasks_user_id',
    'idx_tasks_status',
    'idx_tasks_due_date',
    'idx_chat_sessions_user_id',
    'idx_chat_sessions_is_active',
    'idx_chat_messages_session_id',
    'idx_chat_messages_created_at',
    'idx_automated_processes_name',
    'idx_automated_processes_trigger_type',
    'idx_automated_processes_is_enabled',
    'idx_automated_process_executions_process_id',
    'idx_automated_process_executions_started_at',
    'idx_automated_process_executions_status',
  ],
  triggers: {
    update_users_updated_at: 'users',
    update_tasks_updated_at: 'tasks',
    update_chat_sessions_updated_at: 'chat_sessions',
    update_automated_processes_updated_at: 'automated_processes',
  },
  cascades: {
    tasks: 'users',
    chat_sessions: 'users',
    chat_messages: 'chat_sessions',
    automated_process_executions: 'automated_processes',
  },
};

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('a migrated database', () => {
  let url: string;
  let client: pg.Client;
  beforeAll(async () => {
    url = await createTestDatabase();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(() => client.end());

  it('has every enum of the reference with its values in order', async () => {
    const { rows } = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((row) => [row.name, row.labels]));
    expect(actual).toMatchObject(REFERENCE.enums);
  });

  it('has every table, index and trigger of the reference', async () => {
    const tables = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(REFERENCE.tables));

    const indexes = await client.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'`);
    expect(indexes.rows.map((row) => row.name)).toEqual(expect.arrayContaining(REFERENCE.indexes));
    const startedAt = await client.query<{ definition: string }>(
      `SELECT indexdef AS definition FROM pg_indexes WHERE indexname = 'idx_automated_process_executions_started_at'`,
    );
    expect(startedAt.rows[0]?.definition).toMatch(/started_at DESC/);

    const triggers = await client.query<{ name: string; table: string; timing: string; event: string; function: string }>(
      `SELECT trigger_name AS name, event_object_table AS table, action_timing AS timing,
              event_manipulation AS event, action_statement AS function
         FROM information_schema.triggers`,
    );
    for (const [name, table] of Object.entries(REFERENCE.triggers)) {
      expect(triggers.rows).toContainEqual({
        name,
        table,
        timing: 'BEFORE',
        event: 'UPDATE',
        function: 'EXECUTE FUNCTION update_updated_at_column()',
      });
    }
  });

  it('cascades deletes along every foreign key of the reference', async () => {
    const { rows } = await client.query<{ table: string; references: string; action: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS references, c.confdeltype AS action
         FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    for (const [table, references] of Object.entries(REFERENCE.cascades)) {
      expect(rows).toContainEqual({ table, references, action: 'c' });
    }
  });

  it('keeps updated_at current through the trigger', async () => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (username, password_hash, name, lastname, updated_at)
       VALUES ('trigger_check', 'x', 'A', 'B', '2001-01-01T00:00:00Z') RETURNING user_id AS id`,
    );
    await client.query(`UPDATE users SET name = 'C' WHERE user_id = $1`, [rows[0]!.id]);
    const after = await client.query<{ updated: Date }>(`SELECT updated_at AS updated FROM users WHERE user_id = $1`, [rows[0]!.id]);
    expect(after.rows[0]!.updated.getUTCFullYear()).toBeGreaterThan(2001);
  });

  it('holds the default reschedule_remaining_tasks process as the reference describes', async () => {
    const { rows } = await client.query(
      `SELECT name, description, trigger_type, schedule_config, process_config, is_enabled FROM automated_processes
        WHERE name = 'reschedule_remaining_tasks'`,
    );
    expect(rows).toEqual([
      {
        name: 'reschedule_remaining_tasks',
        description: 'Reschedules incomplete tasks from previous days to the current day',
        trigger_type: 'time_based',
        schedule_config: { hour: 7, minute: 30, timezone: 'Asia/Tehran' },
        process_config: { include_statuses: ['pending', 'in_progress'], update_to_today: true },
        is_enabled: true,
      },
    ]);
  });

  it('records every migration in Prisma’s bookkeeping and is a no-op when run again', async () => {
    const migrations = await readMigrations();
    const report = await migrate(url, silent);
    expect(report).toEqual({ baselined: null, applied: [], adopted: false });
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
    const processes = await client.query(`SELECT count(*)::int AS n FROM automated_processes WHERE name = 'reschedule_remaining_tasks'`);
    expect(processes.rows[0].n).toBe(1);
  });
});

describe('migrating', () => {
  it('is safe when several instances start at once on an empty database', async () => {
    const url = await createEmptyDatabase();
    const reports = await Promise.all([migrate(url, silent), migrate(url, silent), migrate(url, silent)]);
    const migrations = await readMigrations();
    // Exactly one of the racing instances applied the migrations; the others found them done.
    expect(reports.filter((report) => report.applied.length === migrations.length)).toHaveLength(1);
    expect(reports.filter((report) => report.applied.length === 0)).toHaveLength(2);
    await withClient(url, async (client) => {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations`);
      expect(rows[0].n).toBe(migrations.length);
    });
  });

  it('refuses a database holding only part of the Behflow schema instead of guessing', async () => {
    const url = await createEmptyDatabase();
    await withClient(url, (client) => client.query(`CREATE TABLE users (user_id uuid PRIMARY KEY)`));
    await expect(migrate(url, silent)).rejects.toThrow(/1 of the 6 Behflow tables/);
  });

  it('leaves a refused database exactly as it was found: no bookkeeping table, no object of its own', async () => {
    const url = await createEmptyDatabase();
    const catalog = (client: pg.Client) =>
      client
        .query<{ kind: string; name: string }>(
          `SELECT c.relkind::text AS kind, c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
           UNION ALL SELECT 'type', t.typname FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace
           UNION ALL SELECT 'function', p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
           ORDER BY 1, 2`,
        )
        .then((result) => result.rows);
    // Some of the Behflow tables, as a half-restored backup would hold them, with a row.
    await withClient(url, (client) =>
      client.query(`CREATE TABLE users (user_id uuid PRIMARY KEY, username text); CREATE TABLE tasks (task_id uuid PRIMARY KEY);
                    INSERT INTO users VALUES (gen_random_uuid(), 'kept')`),
    );
    const before = await withClient(url, catalog);
    await expect(migrate(url, silent)).rejects.toThrow(/2 of the 6 Behflow tables/);
    const after = await withClient(url, catalog);
    expect(after).toEqual(before);
    expect(after.some((entry) => entry.name === '_prisma_migrations')).toBe(false);
    await withClient(url, async (client) =>
      expect((await client.query('SELECT username FROM users')).rows).toEqual([{ username: 'kept' }]),
    );
  });

  it('stops at a failed migration, leaving no half-applied change and no success record', async () => {
    const url = await createEmptyDatabase();
    const { mkdtemp, mkdir, writeFile, cp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { MIGRATIONS_DIR } = await import('../../src/db/migrate.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'behflow-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, '99999999999999_broken'));
    await writeFile(
      path.join(dir, '99999999999999_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n',
    );
    await expect(migrate(url, silent, dir)).rejects.toThrow(/99999999999999_broken failed/);
    await withClient(url, async (client) => {
      const table = await client.query(`SELECT to_regclass('half_done') AS t`);
      expect(table.rows[0].t).toBeNull();
      const record = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name = '99999999999999_broken'`);
      expect(record.rows[0].n).toBe(0);
    });
  });
});
