// Start time and idle memory of the production start, beside the former run-time TypeScript start.
// Usage: npm run build && BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:start
//   BENCH_ROUNDS (default 3), BENCH_IDLE_SECONDS (default 10).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findFreePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';

const root = path.resolve(import.meta.dirname, '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Run {
  readyMs: number;
  rssAtReadyMb: number;
  rssIdleMb: number;
}

/** Spawns the server, times it to a 200 from /ready, waits idle, reads its resident memory, stops it. */
async function once(command: string[], env: Record<string, string>): Promise<Run> {
  const port = await findFreePort();
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const readyMs = performance.now() - started;
    const rssAtReadyMb = await rssMb(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    return { readyMs, rssAtReadyMb, rssIdleMb: await rssMb(child.pid!) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const targets: Array<{ name: string; command: string[]; env: () => Promise<Record<string, string>> }> = [];
const dataDir = await mkdtemp(path.join(tmpdir(), 'behflow-bench-start-'));
const embedded = async () => ({ BEHFLOW_DATA_DIR: dataDir, DATABASE_URL: '' });
let externalUrl: string | undefined;
if (adminUrl) {
  const name = `behflow_bench_start_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  externalUrl = url.toString();
  await migrate(externalUrl, createLogger('silent'));
}
const external = async () => ({ DATABASE_URL: externalUrl! });
const compiled = [
  'node',
  ...JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'))
    .scripts.start.split(' ')
    .slice(1),
];
const source = [process.execPath, '--import', 'tsx', 'src/main.ts'];
const databases: Array<[string, () => Promise<Record<string, string>>]> = [['embedded PostgreSQL (warm cluster)', embedded]];
if (externalUrl) databases.push(['external PostgreSQL (DATABASE_URL)', external]);
for (const [label, env] of databases) {
  targets.push({ name: `npm start: ${compiled.join(' ')}, ${label}`, command: [process.execPath, ...compiled.slice(1)], env });
  targets.push({ name: `before: ${source.slice(1).join(' ')}, ${label}`, command: source, env });
}

try {
  // The first start creates the embedded cluster; every measured start finds it warm.
  await once([process.execPath, ...compiled.slice(1)], await embedded());
  const results = new Map<string, Run[]>();
  for (let round = 0; round < rounds; round += 1) {
    for (const target of targets) {
      const run = await once(target.command, await target.env());
      results.set(target.name, [...(results.get(target.name) ?? []), run]);
    }
  }
  console.log(
    `Node ${process.version}, NODE_ENV=production, medians of ${rounds} interleaved starts; resident memory (VmRSS) at the first 200 from /ready and after ${idleSeconds} s idle.\n`,
  );
  console.log('| start | to ready, ms | RSS at ready, MB | RSS idle, MB |');
  console.log('|---|---|---|---|');
  for (const [name, runs] of results) {
    console.log(
      `| ${name} | ${median(runs.map((r) => r.readyMs)).toFixed(0)} | ${median(runs.map((r) => r.rssAtReadyMb)).toFixed(0)} | ${median(runs.map((r) => r.rssIdleMb)).toFixed(0)} |`,
    );
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
  if (externalUrl && adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(externalUrl).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  }
}
