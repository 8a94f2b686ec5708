import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/db/embedded.js';

/**
 * What a newcomer does: `npm start` with no DATABASE_URL, on a fresh data directory, on the
 * embedded PostgreSQL. The start script's own command is run directly so that the signal
 * reaches the server (npm itself does not pass SIGTERM on and wait, which is also why a
 * process manager should run that command rather than `npm start`).
 */
const projectRoot = path.resolve(import.meta.dirname, '../..');
const startScript = (JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
  .start;
const [startCommand, ...startArgs] = startScript.split(' ');

interface Started {
  child: ChildProcess;
  port: number;
  embeddedPort: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  return env;
}

async function npmStart(dataDir: string): Promise<Started> {
  const port = await findFreePort();
  expect(startCommand).toBe('node');
  // Production runs the bundle built by `npm run build` (prestart builds it when missing), not TypeScript.
  expect(startArgs.at(-1)).toBe('dist/main.js');
  expect(startScript).not.toMatch(/tsx/);
  const child = spawn(process.execPath, startArgs, {
    cwd: projectRoot,
    env: cleanEnv({ BEHFLOW_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const read = (chunk: Buffer) => {
    output += chunk;
    if (output.includes('Behflow GraphQL is ready')) ready();
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    isReady,
    exited.then(() => Promise.reject(new Error(`npm start exited early:\n${output}`))),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`npm start not ready in time:\n${output}`)), 90_000))),
  ]).finally(() => clearTimeout(timer));
  const started = output.split('\n').find((line) => line.includes('embedded PostgreSQL started'));
  const embeddedPort = (JSON.parse(started!) as { port: number }).port;
  return { child, port, embeddedPort, output: () => output, exited };
}

/** Sends SIGTERM and waits at most `ms` for the process to exit. */
async function terminate(started: Started, ms: number) {
  started.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms));
  const result = await Promise.race([started.exited, timeout]);
  if (result === 'timeout') started.child.kill('SIGKILL');
  return result;
}

async function embeddedClient(dataDir: string, port: number) {
  const password = (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'behflow', password, database: 'behflow' });
  await client.connect();
  return client;
}

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('npm start without DATABASE_URL', () => {
  it('serves GraphQL, /health and /ready on the embedded PostgreSQL, stops on SIGTERM, and keeps its data across restarts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-start-'));
    dataDirs.push(dataDir);

    const first = await npmStart(dataDir);
    const graphql = await fetch(`http://127.0.0.1:${first.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
    const health = await fetch(`http://127.0.0.1:${first.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${first.port}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: { reachable: true }, migrations: { applied: true } });

    const client = await embeddedClient(dataDir, first.embeddedPort);
    await client.query(`INSERT INTO users (username, password_hash, name, lastname) VALUES ('kept_user', 'x', 'Kept', 'User')`);
    await client.end();

    expect(await terminate(first, 10_000)).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('stopped');
    // Nothing after it: no stack from a library's exit hook.
    expect(first.output()).not.toMatch(/TypeError|is not a function/);

    const second = await npmStart(dataDir);
    expect(second.output()).not.toContain('creating the embedded PostgreSQL cluster');
    const again = await embeddedClient(dataDir, second.embeddedPort);
    const kept = await again.query(`SELECT count(*)::int AS n FROM users WHERE username = 'kept_user'`);
    const processes = await again.query(`SELECT count(*)::int AS n FROM automated_processes WHERE name = 'reschedule_remaining_tasks'`);
    await again.end();
    expect(kept.rows[0].n).toBe(1);
    expect(processes.rows[0].n).toBe(1);
    expect(await terminate(second, 10_000)).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('exits with status 1 and names the variable when a setting is invalid', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: projectRoot,
      env: cleanEnv({ PORT: 'abc', BEHFLOW_DATA_DIR: path.join(tmpdir(), 'behflow-never-created') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration:\s+- PORT: /);
  }, 60_000);
});
