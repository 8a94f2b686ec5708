import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { fromProjectRoot } from '../project-root.js';

export const MIGRATIONS_DIR = fromProjectRoot('prisma', 'migrations');

/** Any fixed 64-bit number; every instance takes the same lock before touching the schema. */
const MIGRATION_LOCK_KEY = 72_616_931_001n;

/** The table Prisma Migrate keeps its bookkeeping in, created exactly as `prisma migrate` does. */
const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** The tables whose presence marks a database made by the original Behflow. */
const BEHFLOW_TABLES = ['users', 'tasks', 'chat_sessions', 'chat_messages', 'automated_processes', 'automated_process_executions'];

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** The log of the baseline row written when an original Behflow database is adopted. */
export const ADOPTION_LOG = 'Baseline: an existing Behflow database was adopted; its schema was already in place.';

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  /** Set when an existing Behflow database was adopted: the migration recorded as already applied. */
  readonly baselined: string | null;
  readonly applied: readonly string[];
  /** Whether the database was adopted from the original Behflow (now or at an earlier start). */
  readonly adopted: boolean;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Plain string order, as Prisma Migrate applies them (new folders are named by timestamp).
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Brings the database to the newest migration in `prisma/migrations`, the way
 * `prisma migrate deploy` would (same folder format, same `_prisma_migrations` rows),
 * so either tool can take over from the other.
 *
 * - Idempotent: applied migrations are skipped; each new one runs in its own transaction.
 * - Safe with several instances starting at once: the whole run holds an advisory lock.
 * - Adopts an original Behflow database: when the Behflow tables exist but no bookkeeping
 *   does, the first migration (which creates exactly that schema) is recorded as applied
 *   instead of being run, like `prisma migrate resolve --applied`.
 */
export async function migrate(connectionString: string, logger: Logger, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const log = logger.child({ component: 'migrate' });
  try {
    // Notices such as "relation already exists, skipping" are expected here.
    client.on('notice', () => {});
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      return await migrateLocked(client, migrations, log);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}

async function isBaseline(client: pg.Client, name: string): Promise<boolean> {
  const { rows } = await client.query<{ baseline: boolean }>(
    `SELECT bool_or(applied_steps_count = 0) AS baseline FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL AND finished_at IS NOT NULL`,
    [name],
  );
  return rows[0]?.baseline === true;
}

async function migrateLocked(client: pg.Client, migrations: Migration[], log: Logger): Promise<MigrationReport> {
  const { rows: bookkeeping } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  const hadBookkeeping = bookkeeping[0]?.exists === true;
  const records = hadBookkeeping
    ? (
        await client.query<MigrationRecord>(
          'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
        )
      ).rows
    : [];

  // Without a history, decide what the database is before writing anything: a refused one is
  // left exactly as it was found (no bookkeeping table, no row).
  let adopt = false;
  if (records.length === 0) {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)`,
      [BEHFLOW_TABLES],
    );
    const present = rows[0]?.count ?? 0;
    if (present === BEHFLOW_TABLES.length && migrations[0]) adopt = true;
    else if (present > 0) {
      throw new MigrationError(
        `The database has ${present} of the ${BEHFLOW_TABLES.length} Behflow tables but no migration history; refusing to guess. ` +
          'Point DATABASE_URL at an empty database or at a complete Behflow database.',
      );
    }
  }
  if (!hadBookkeeping) await client.query(CREATE_BOOKKEEPING);

  let baselined: string | null = null;
  const first = migrations[0];
  if (adopt && first) {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, $4, now(), 0)`,
      [randomUUID(), first.checksum, first.name, ADOPTION_LOG],
    );
    records.push({ migration_name: first.name, checksum: first.checksum, finished_at: new Date(), rolled_back_at: null });
    baselined = first.name;
    log.info({ migration: first.name }, 'adopted an existing Behflow database (baseline recorded)');
  }

  const failed = records.find((record) => record.finished_at === null && record.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and was not resolved; fix the database, then mark it rolled back.`,
    );
  }
  const done = new Map(records.filter((record) => record.rolled_back_at === null).map((record) => [record.migration_name, record]));

  const applied: string[] = [];
  for (const migration of migrations) {
    const record = done.get(migration.name);
    if (record) {
      if (record.checksum !== migration.checksum) {
        log.warn({ migration: migration.name }, 'an applied migration was edited since it ran; its new text is ignored');
      }
      continue;
    }
    const id = randomUUID();
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      await client.query(migration.sql);
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    applied.push(migration.name);
    log.info({ migration: migration.name }, 'migration applied');
  }
  // A first migration recorded without running (a baseline, ours or `prisma migrate resolve --applied`)
  // means its schema was already there: the original Behflow's database.
  const adopted =
    first !== undefined && done.get(first.name)?.finished_at != null && (baselined !== null || (await isBaseline(client, first.name)));
  return { baselined, applied, adopted };
}
