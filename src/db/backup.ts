// A logical backup of the Behflow database that needs no client tools: the rows of every
// table in COPY's text format, read in one consistent snapshot over an ordinary connection.
// pg_dump must be at least as new as the server, and the embedded PostgreSQL (18) ships none;
// this works against any PostgreSQL the server runs on. The schema is not in the file: it is
// this version's migrations, recorded in the file and re-applied on restore.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Logger } from '../logger.js';
import { migrate, readMigrations } from './migrate.js';

const MAGIC = '-- Behflow database backup';
const FORMAT = 1;

interface Header {
  readonly format: number;
  readonly createdAt: string;
  readonly serverVersion: string;
  /** The migrations applied to the database backed up: the schema the rows belong to. */
  readonly migrations: readonly string[];
  readonly tables: ReadonlyArray<{ readonly name: string; readonly columns: readonly string[]; readonly rows: number }>;
  readonly sequences: ReadonlyArray<{ readonly name: string; readonly lastValue: string; readonly isCalled: boolean }>;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

async function tablesOf(client: pg.Client): Promise<Array<{ name: string; columns: string[] }>> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(
    `SELECT c.relname::text AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      GROUP BY c.relname
      ORDER BY c.relname`,
  );
  return rows;
}

/** Writes a backup of the database at `connectionString` to `out`. Returns what it holds. */
export async function backupDatabase(connectionString: string, out: Writable): Promise<Header> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // One snapshot for every table: the rows agree with each other as they did at one instant.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesOf(client);
    if (!tables.some((table) => table.name === '_prisma_migrations'))
      throw new BackupError('this database has no Behflow schema (no _prisma_migrations table)');
    const migrations = (
      await client.query<{ name: string }>(
        `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
      )
    ).rows.map((row) => row.name);
    const counted = [];
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
      counted.push({ ...table, rows: Number(rows[0]!.n) });
    }
    const sequenceNames = (
      await client.query<{ name: string }>(
        `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1`,
      )
    ).rows;
    const sequences = [];
    for (const { name } of sequenceNames) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text, is_called FROM ${quote(name)}`,
      );
      sequences.push({ name, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
    }
    const serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const header: Header = { format: FORMAT, createdAt: new Date().toISOString(), serverVersion, migrations, tables: counted, sequences };

    const write = async (text: string | Buffer) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write(`${MAGIC}\n${JSON.stringify(header)}\n`);
    for (const table of counted) {
      await write(`-- table ${table.name}\n`);
      // COPY's text format escapes line breaks inside values, so `\.` alone on a line ends the table.
      const stream = client.query(copyTo(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) TO STDOUT`));
      for await (const chunk of stream) await write(chunk as Buffer);
      await write('\\.\n');
    }
    await client.query('COMMIT');
    return header;
  } finally {
    await client.end();
  }
}

/** Tables a freshly migrated database already has rows in (the migrations' own seeds). */
const SEEDED_BY_MIGRATIONS = new Set(['_prisma_migrations', 'automated_processes']);

/**
 * Restores a backup into the database at `connectionString`, which must hold no Behflow data
 * (a new, empty database, or one just created by migrations). The migrations the backup names
 * must be exactly this version's: restore with the version that made it, then upgrade.
 * Everything happens in one transaction: on any error the database is left as it was.
 */
export async function restoreDatabase(connectionString: string, input: Readable, logger: Logger): Promise<Header> {
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    return line.done ? undefined : line.value;
  };
  if ((await next()) !== MAGIC) throw new BackupError('not a Behflow backup (the first line is not the backup marker)');
  let header: Header;
  try {
    header = JSON.parse((await next()) ?? '') as Header;
  } catch {
    throw new BackupError('the backup header is unreadable');
  }
  if (header.format !== FORMAT)
    throw new BackupError(`backup format ${header.format} is not supported (this version reads format ${FORMAT})`);
  const expected = (await readMigrations()).map((migration) => migration.name);
  if (JSON.stringify(expected) !== JSON.stringify(header.migrations)) {
    const missing = header.migrations.filter((name) => !expected.includes(name));
    const newer = expected.filter((name) => !header.migrations.includes(name));
    throw new BackupError(
      `the backup was made by another version of the server (${missing.length ? `migrations unknown here: ${missing.join(', ')}` : `missing this version's migrations: ${newer.join(', ')}`}); restore it with the version that made it, then start this one to upgrade`,
    );
  }

  await migrate(connectionString, logger);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    const tables = new Map((await tablesOf(client)).map((table) => [table.name, table.columns]));
    for (const table of header.tables) {
      if (!tables.has(table.name)) throw new BackupError(`the backup has a table this database lacks: ${table.name}`);
      if (SEEDED_BY_MIGRATIONS.has(table.name)) continue;
      const { rows } = await client.query(`SELECT 1 FROM ${quote(table.name)} LIMIT 1`);
      if (rows.length > 0)
        throw new BackupError(`the database already holds data (table ${table.name}); restore into a new, empty database`);
    }
    // Rows go in as they were: no foreign-key checks or triggers (updated_at) on the way.
    await client.query(`SET LOCAL session_replication_role = replica`).catch((error: Error) => {
      throw new BackupError(`restoring needs a superuser (to load rows without triggers): ${error.message}`);
    });
    await client.query(`TRUNCATE ${header.tables.map((table) => quote(table.name)).join(', ')}`);
    for (const table of header.tables) {
      if ((await next()) !== `-- table ${table.name}`) throw new BackupError(`the backup is damaged: expected the rows of ${table.name}`);
      const copy = client.query(copyFrom(`COPY ${quote(table.name)} (${table.columns.map(quote).join(', ')}) FROM STDIN`));
      // A refused row fails the stream; the error is thrown where it is awaited, below.
      let failure: Error | undefined;
      copy.on('error', (error: Error) => (failure ??= error));
      let ended = false;
      for (let line = await next(); line !== undefined; line = await next()) {
        if (line === '\\.') {
          ended = true;
          break;
        }
        if (failure) break;
        if (!copy.write(`${line}\n`))
          await new Promise((resolve) => {
            copy.once('drain', resolve);
            copy.once('error', resolve);
          });
      }
      if (failure) throw new BackupError(`the backup is damaged in the rows of ${table.name}: ${failure.message}`);
      if (!ended) {
        // Abandons the COPY (the server gets CopyFail), so the connection can roll back.
        copy.destroy(new Error('backup cut short'));
        throw new BackupError(`the backup is cut short in the rows of ${table.name}`);
      }
      if (!failure) {
        copy.end();
        await new Promise<void>((resolve) => {
          copy.once('finish', resolve);
          copy.once('error', () => resolve());
        });
      }
      // Set by the error listener while the end was awaited.
      const late = failure as Error | undefined;
      if (late) throw new BackupError(`the backup is damaged in the rows of ${table.name}: ${late.message}`);
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
      if (Number(rows[0]!.n) !== table.rows)
        throw new BackupError(`the backup is damaged: ${table.name} has ${rows[0]!.n} rows, the backup says ${table.rows}`);
    }
    for (const sequence of header.sequences) {
      await client.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [quote(sequence.name), sequence.lastValue, sequence.isCalled]);
    }
    await client.query('COMMIT');
    return header;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
