// Node CPU per request of the GraphQL server against the limit (a plain node:http + pg server
// answering the same JSON bytes with one statement), in one interleaved run over the same
// seeded database. Usage (see bench/RESULTS.md):
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:compare
// Environment: BENCH_ROUNDS (3), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3),
// BENCH_CONNECTIONS (50), BENCH_PROFILE=<dir> (CPU-profile our server across the whole run).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createBenchDatabase, seedUsersWithTasks, type SignedInUser } from './database.js';
import { startBehflow, startYardstick, type ServerProcess } from './processes.js';
import { topFrames } from './profile.js';
import { runWrk, writeWrkScript, type WrkRequest, type WrkResult } from './wrk.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const _ROOT = path.join(import.meta.dirname, '..', '..');

const TASK_FIELDS = 'id name description status priority tags dueAt createdAt updatedAt';
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

interface Operation {
  readonly name: string;
  /** One request per signed-in user (or anonymous), sent round-robin. */
  requests(users: readonly SignedInUser[]): WrkRequest[];
  /** Which servers answer it: both, or only ours (the baseline has no anonymous GraphQL). */
  readonly baseline: boolean;
}

const bearer = (user: SignedInUser) => ({ authorization: `Bearer ${user.token}` });
const body = (query: string, operationName: string, variables: Record<string, unknown> = {}) =>
  JSON.stringify({ query, operationName, variables });

const ALL_OPERATIONS: Operation[] = [
  {
    name: `tasks(first: 50) { ${TASK_FIELDS} owner { username } }`,
    baseline: true,
    requests: (users) =>
      users.map((user) => ({
        headers: bearer(user),
        body: body(`query TaskPage { tasks(first: 50) { edges { node { ${TASK_FIELDS} owner { username } } } } }`, 'TaskPage'),
      })),
  },
  {
    name: `task(id:) { ${TASK_FIELDS} owner { id } }`,
    baseline: true,
    requests: (users) =>
      users.flatMap((user) =>
        user.taskIds.slice(0, 2).map((taskId) => ({
          headers: bearer(user),
          body: body(`query TaskById($id: ID!) { task(id: $id) { ${TASK_FIELDS} owner { id } } }`, 'TaskById', {
            id: globalId('Task', taskId),
          }),
        })),
      ),
  },
  {
    name: '{ __typename } signed in',
    baseline: true,
    requests: (users) => users.map((user) => ({ headers: bearer(user), body: body('query SignedIn { __typename }', 'SignedIn') })),
  },
  {
    name: '{ __typename } anonymous',
    baseline: false,
    requests: () => [{ headers: {}, body: body('query Anonymous { __typename }', 'Anonymous') }],
  },
];

/** BENCH_ONLY=0,3 runs only those operations (by position above), e.g. to profile one. */
const OPERATIONS = process.env.BENCH_ONLY
  ? process.env.BENCH_ONLY.split(',').map((index) => ALL_OPERATIONS[Number(index)]!)
  : ALL_OPERATIONS;

async function post(server: ServerProcess, request: WrkRequest): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...request.headers },
    body: request.body,
  });
  return response.text();
}

interface Measure {
  readonly result: WrkResult;
  readonly cpuMsPerRequest: number;
}

async function measure(server: ServerProcess, script: string, seconds: number): Promise<Measure> {
  const before = server.cpuMs();
  const result = await runWrk(`http://127.0.0.1:${server.port}/graphql`, script, { connections: CONNECTIONS, seconds });
  const cpu = server.cpuMs() - before;
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${server.name}: ${result.errors} socket errors, ${result.non2xx} non-2xx answers`);
  return { result, cpuMsPerRequest: cpu / result.requests };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const database = await createBenchDatabase();
const scratch = await mkdtemp(path.join(tmpdir(), 'behflow-bench-'));
const servers: ServerProcess[] = [];
try {
  process.stderr.write('seeding 1,000 users × 100 tasks…\n');
  const users = await seedUsersWithTasks(database.url, { users: 1000, tasksPerUser: 100, signedIn: 200 });
  const spawnedAt = Date.now();
  const ours = await startBehflow(database.url, { profileDir: PROFILE_DIR });
  servers.push(ours);
  const baseline = await startYardstick('baseline', 'bench/compare/baseline-server.ts', { DATABASE_URL: database.url, POOL_SIZE: '10' });
  servers.push(baseline);

  // The same bytes from both, for every request of the run.
  for (const operation of OPERATIONS.filter((entry) => entry.baseline && !entry.name.startsWith('{ __typename }'))) {
    for (const request of operation.requests(users)) {
      const [a, b] = [await post(ours, request), await post(baseline, request)];
      if (a !== b) throw new Error(`the answers differ for ${operation.name}:\nours:     ${a.slice(0, 600)}\nbaseline: ${b.slice(0, 600)}`);
    }
  }
  process.stderr.write('answers are byte-identical\n');

  const scripts = new Map<string, string>();
  for (const [index, operation] of OPERATIONS.entries())
    scripts.set(operation.name, await writeWrkScript(scratch, `op${index}`, operation.requests(users)));

  const results = new Map<string, Measure[]>();
  const measuringFromMs = Date.now() - spawnedAt;
  const contenders = (operation: Operation) => (operation.baseline ? [baseline, ours] : [ours]);
  for (const operation of OPERATIONS) {
    for (const server of contenders(operation)) await measure(server, scripts.get(operation.name)!, WARMUP_SECONDS);
  }
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const operation of OPERATIONS) {
      for (const server of contenders(operation)) {
        const key = `${operation.name}\u0000${server.name}`;
        const measured = await measure(server, scripts.get(operation.name)!, SECONDS);
        results.set(key, [...(results.get(key) ?? []), measured]);
        process.stderr.write(
          `round ${round} ${server.name.padEnd(8)} ${operation.name}: ${(measured.result.requests / measured.result.seconds).toFixed(0)} req/s, ${measured.cpuMsPerRequest.toFixed(3)} ms CPU/request\n`,
        );
      }
    }
  }

  const summary = (operation: Operation, server: ServerProcess) => {
    const runs = results.get(`${operation.name}\u0000${server.name}`) ?? [];
    return {
      rps: median(runs.map((run) => run.result.requests / run.result.seconds)),
      p50: median(runs.map((run) => run.result.p50Ms)),
      p99: median(runs.map((run) => run.result.p99Ms)),
      cpu: median(runs.map((run) => run.cpuMsPerRequest)),
    };
  };
  const lines = [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), NODE_ENV=production, pool 10, ${CONNECTIONS} connections (wrk, its own process), ` +
      `${users.length} signed-in users rotated over 1,000 users × 100 tasks; medians of ${ROUNDS} interleaved runs of ${SECONDS} s.`,
    '',
    '| operation | server | requests/s | p50 ms | p99 ms | Node CPU ms/request | CPU ratio to the limit |',
    '|---|---|---|---|---|---|---|',
  ];
  const [, , signedInOperation, anonymousOperation] = ALL_OPERATIONS;
  for (const operation of OPERATIONS) {
    const mine = summary(operation, ours);
    const limit = operation.baseline ? summary(operation, baseline) : null;
    if (limit)
      lines.push(
        `| ${operation.name} | node:http + pg (the limit) | ${limit.rps.toFixed(0)} | ${limit.p50.toFixed(2)} | ${limit.p99.toFixed(2)} | ${limit.cpu.toFixed(3)} | 1 |`,
      );
    const ratio = limit ? `**${(mine.cpu / limit.cpu).toFixed(2)}×**` : '–';
    lines.push(
      `| ${operation.name} | Behflow GraphQL | ${mine.rps.toFixed(0)} | ${mine.p50.toFixed(2)} | ${mine.p99.toFixed(2)} | ${mine.cpu.toFixed(3)} | ${ratio} |`,
    );
  }
  if (OPERATIONS.includes(signedInOperation!) && OPERATIONS.includes(anonymousOperation!)) {
    const ratio = summary(signedInOperation!, ours).cpu / summary(anonymousOperation!, ours).cpu;
    lines.push('', `Signed-in \`{ __typename }\` costs ${ratio.toFixed(2)}× an anonymous one.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  if (PROFILE_DIR) {
    await ours.stop();
    servers.splice(servers.indexOf(ours), 1);
    // The main thread's profile (thread 0); tsx's loader thread writes one too.
    const [profile] = (await readdir(PROFILE_DIR))
      .filter((name) => name.endsWith('.cpuprofile') && name.split('.')[4] === '0')
      .sort()
      .reverse();
    if (profile) {
      const frames = await topFrames(path.join(PROFILE_DIR, profile), 20, measuringFromMs);
      process.stdout.write(`\nCPU profile of the measured runs, self time as a share of busy time (${profile}):\n\n${frames.join('\n')}\n`);
    }
  }
} finally {
  for (const server of servers) await server.stop().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
  await database.drop();
}
