// HTTP benchmarks of the GraphQL API: throughput, latency percentiles and SQL statements
// per request, for the operations clients issue most. Usage:
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:operations
// (a server where a throw-away database may be created; without it, the embedded PostgreSQL).
// Results are printed as a Markdown table for bench/RESULTS.md.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { hashSessionToken, newSessionToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import type { PrismaClient } from '../src/db/prisma.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';

const run = promisify(execFile);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

export interface Scenario {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  /** Prepares data; returns the bearer token to send (if any). */
  seed?(prisma: PrismaClient): Promise<string | undefined>;
}

/** A user with a session, written straight to the database. */
export async function seedViewer(prisma: PrismaClient): Promise<{ userId: string; token: string }> {
  const user = await prisma.user.create({
    data: { username: `bench_${randomBytes(4).toString('hex')}`, passwordHash: '!', name: 'Bench', lastname: 'User' },
  });
  const token = newSessionToken();
  await prisma.authSession.create({
    data: { userId: user.id, tokenHash: hashSessionToken(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { userId: user.id, token };
}

async function benchmarkDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (!admin) {
    const dir = await mkdtemp(path.join(tmpdir(), 'behflow-bench-'));
    const embedded = await startEmbeddedPostgres(dir, createLogger('silent'));
    return {
      url: embedded.connectionString,
      cleanup: async () => (await embedded.stop(), await rm(dir, { recursive: true, force: true })),
    };
  }
  const name = `behflow_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      const drop = new pg.Client({ connectionString: admin });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

export async function runBenchmarks(scenarios: readonly Scenario[]): Promise<void> {
  const database = await benchmarkDatabase();
  let statements = 0;
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    BEHFLOW_SCHEDULER: 'false',
  });
  const server = await startServer(config, createLogger('warn'), { onQuery: () => void (statements += 1) });
  const rows: string[] = [];
  try {
    for (const scenario of scenarios) {
      const token = await scenario.seed?.(server.database.prisma);
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const body = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
      // Warm-up, and a single request to count its SQL statements exactly.
      await fetch(`http://127.0.0.1:${server.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      statements = 0;
      const probe = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const probeBody = await probe.text();
      if (probe.status !== 200 || probeBody.includes('"errors"')) throw new Error(`${scenario.name} fails: ${probeBody.slice(0, 300)}`);
      const perRequest = statements;

      const spec = { url: `http://127.0.0.1:${server.port}/graphql`, body, headers, concurrency: CONCURRENCY, durationMs: DURATION_MS };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'load.ts'), JSON.stringify(spec)], {
        maxBuffer: 1 << 20,
      });
      const result = JSON.parse(stdout) as { requests: number; errors: number; throughput: number; p50: number; p95: number; p99: number };
      rows.push(
        `| ${scenario.name} | ${result.throughput.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p95.toFixed(1)} | ${result.p99.toFixed(1)} | ${perRequest} | ${result.errors} |`,
      );
      process.stderr.write(`${scenario.name}: done\n`);
    }
  } finally {
    await server.stop();
    await database.cleanup();
  }
  process.stdout.write(
    [
      `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per scenario, load generator in its own process.`,
      '',
      '| operation | requests/s | p50 ms | p95 ms | p99 ms | SQL statements per request | errors |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}
