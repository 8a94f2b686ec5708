import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreDatabase } from '../../src/db/backup.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createLogger } from '../../src/logger.js';
import { createEmptyDatabase, createTestDatabase } from '../helpers/database.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const root = path.resolve(import.meta.dirname, '../..');
const silent = createLogger('silent');
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** Runs an npm script's command the way `npm run <script> -- <file>` does, with the given environment. */
async function runScript(script: 'db:backup' | 'db:restore', file: string, env: Record<string, string>) {
  const command = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
    script
  ]!;
  const [tool, ...args] = command.split(' ');
  expect(tool).toBe('tsx');
  const clean = { ...process.env, ...env };
  delete clean.DATABASE_URL;
  delete clean.TEST_DATABASE_URL;
  if (env.DATABASE_URL) clean.DATABASE_URL = env.DATABASE_URL;
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [...args, file], {
    cwd: root,
    env: clean,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

/** Every row of every table and every sequence, in a stable order: what "the data is equal" compares. */
async function contents(connectionString: string) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`))
      .rows;
    const result: Record<string, unknown> = {};
    for (const { name } of tables) {
      result[name] = (await client.query(`SELECT to_jsonb(t) AS row FROM "${name}" t ORDER BY to_jsonb(t)::text`)).rows.map(
        (row) => row.row,
      );
    }
    const sequences = (
      await client.query<{ name: string }>(`SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`)
    ).rows;
    for (const { name } of sequences)
      result[`sequence ${name}`] = (await client.query(`SELECT last_value::text, is_called FROM "${name}"`)).rows;
    return result;
  } finally {
    await client.end();
  }
}

describe('npm run db:backup / db:restore on the embedded PostgreSQL', () => {
  it('backs up beside the running server, the data folder is wiped, restore brings back every row, and the account still signs in', {
    timeout: 240_000,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-backup-'));
    folders.push(dataDir);
    const backupFile = path.join(await mkdtemp(path.join(tmpdir(), 'behflow-backup-file-')), 'behflow.backup');
    folders.push(path.dirname(backupFile));

    // The default setup: the server on its embedded PostgreSQL in BEHFLOW_DATA_DIR.
    const embedded = await startEmbeddedPostgres(dataDir, silent);
    const versionClient = new pg.Client({ connectionString: embedded.connectionString });
    await versionClient.connect();
    const version = (await versionClient.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    await versionClient.end();
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(18);
    const server = await startTestServer({ databaseUrl: embedded.connectionString });
    const password = 'correct horse battery staple';
    const registered = await server.data(graphql(`mutation BackupRegister($input: RegisterInput!) { register(input: $input) { token } }`), {
      variables: { input: { username: 'backed_up_user', password, name: 'Zahra', lastname: 'Ahmadi' } },
    });
    const token = registered.register!.token;
    await server.data(graphql(`mutation BackupCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`), {
      token,
      variables: {
        input: {
          name: 'خرید نان',
          description: 'line one\nline two\ttabbed \\ backslash "quoted"',
          tags: ['خانه', 'errands'],
          priority: 'HIGH',
          dueAt: '2026-12-24T18:30:00.000Z',
        },
      },
    });
    await server.data(graphql(`mutation BackupCreateTask2($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`), {
      token,
      variables: { input: { name: 'No details' } },
    });
    await server.data(
      graphql(`mutation BackupSendChatMessage($input: SendChatMessageInput!) { sendChatMessage(input: $input) { message { id } } }`),
      {
        token,
        variables: { input: { content: 'show my tasks' } },
      },
    );
    await server.running.chat.idle();
    const admin = await seed(server).user().admin().create();
    expect(admin.token).toBeTruthy();
    const before = await contents(embedded.connectionString);
    expect((before.users as unknown[]).length).toBe(2);
    expect((before.tasks as unknown[]).length).toBe(2);
    expect((before.chat_messages as unknown[]).length).toBeGreaterThanOrEqual(2);

    // While the server runs: the tool finds the cluster it started.
    const backup = await runScript('db:backup', backupFile, { BEHFLOW_DATA_DIR: dataDir });
    expect(backup.output).toMatch(new RegExp(`Backed up \\d+ tables, \\d+ rows \\(PostgreSQL ${version.replace('.', '\\.')}`));
    expect(backup.code).toBe(0);
    expect(backup.output).not.toContain(password);
    expect(backup.output).not.toContain('Warning');

    await server.stop();
    await embedded.stop();
    // Wiped: nothing of the old cluster is left, not even its password.
    await rm(dataDir, { recursive: true, force: true });

    const restore = await runScript('db:restore', backupFile, { BEHFLOW_DATA_DIR: dataDir });
    expect(restore.output).toMatch(/Restored \d+ tables/);
    expect(restore.code).toBe(0);

    const again = await startEmbeddedPostgres(dataDir, silent);
    try {
      expect(await contents(again.connectionString)).toEqual(before);
      const restored = await startTestServer({ databaseUrl: again.connectionString });
      try {
        const login = await restored.data(graphql(`mutation BackupLogin($input: LoginInput!) { login(input: $input) { token } }`), {
          variables: { input: { username: 'backed_up_user', password } },
        });
        const tasks = await restored.data(graphql(`query BackupTasks { tasks { totalCount } }`), { token: login.login!.token });
        expect(tasks.tasks.totalCount).toBe(2);
        // The session made before the backup is still valid: sessions were restored too.
        expect((await restored.data(graphql(`query BackupMe { me { username } }`), { token })).me.username).toBe('backed_up_user');
      } finally {
        await restored.stop();
      }
    } finally {
      await again.stop();
    }
  });
});

describe('restore refuses rather than mixing data', () => {
  it('into a database that already holds data: refused, nothing changed', async () => {
    const sourceUrl = await createTestDatabase();
    const source = await startTestServer({ databaseUrl: sourceUrl });
    await seed(source).user().named('in_the_backup').create();
    await source.stop();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'behflow-backup-file-')), 'one.backup');
    folders.push(path.dirname(file));
    const made = await runScript('db:backup', file, { DATABASE_URL: sourceUrl });
    expect(made.code, made.output).toBe(0);

    const targetUrl = await createTestDatabase();
    const target = await startTestServer({ databaseUrl: targetUrl });
    await seed(target).user().named('already_here').create();
    await target.stop();
    const before = await contents(targetUrl);
    await expect(restoreDatabase(targetUrl, createReadStream(file), silent)).rejects.toThrow(/already holds data \(table/);
    expect(await contents(targetUrl)).toEqual(before);
  });

  it('a backup cut short: refused, the database keeps no row of it', async () => {
    const sourceUrl = await createTestDatabase();
    const source = await startTestServer({ databaseUrl: sourceUrl });
    for (let i = 0; i < 3; i += 1) await seed(source).user().create();
    await source.stop();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'behflow-backup-file-')), 'cut.backup');
    folders.push(path.dirname(file));
    expect((await runScript('db:backup', file, { DATABASE_URL: sourceUrl })).code).toBe(0);
    const whole = await readFile(file, 'utf8');
    // Cut inside the rows of `users`, after the tables before it.
    const cut = whole.slice(0, whole.indexOf('-- table users') + '-- table users\n'.length + 10);
    await writeFile(file, cut);

    const targetUrl = await createEmptyDatabase();
    await expect(restoreDatabase(targetUrl, createReadStream(file), silent)).rejects.toThrow(/cut short|damaged/);
    const left = await contents(targetUrl);
    expect(left.users).toEqual([]);
    expect(left.auth_sessions).toEqual([]);
  });

  it('a file that is not a backup, and a backup of another version: refused with the reason', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'behflow-backup-file-'));
    folders.push(dir);
    const notBackup = path.join(dir, 'plain.sql');
    await writeFile(notBackup, 'SELECT 1;\n');
    const targetUrl = await createEmptyDatabase();
    await expect(restoreDatabase(targetUrl, createReadStream(notBackup), silent)).rejects.toThrow(/not a Behflow backup/);
    const other = path.join(dir, 'other.backup');
    await writeFile(
      other,
      `-- Behflow database backup\n${JSON.stringify({ format: 1, createdAt: '', serverVersion: '18', migrations: ['0_init'], tables: [], sequences: [] })}\n`,
    );
    await expect(restoreDatabase(targetUrl, createReadStream(other), silent)).rejects.toThrow(/another version of the server/);
  });
});
