// Subscription fan-out: N graphql-ws connections of one user subscribed to `taskEvents` with
// task fields, one `createTask` per event; how late the last subscriber gets it, the server's
// CPU per delivery and its memory per subscribed connection, beside a plain graphql-ws server
// (bench/compare/plain-ws-server.ts) in the same run. Usage (see bench/RESULTS.md):
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:fanout
// Environment: BENCH_FANOUT_SUBSCRIBERS (1000), BENCH_FANOUT_EVENTS (10 per round),
// BENCH_ROUNDS (3), BENCH_MEMORY_CONNECTIONS (10000; 0 skips that part).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { createBenchDatabase, seedUsersWithTasks } from './database.js';
import { startBehflow, startYardstick, type ServerProcess } from './processes.js';

const SUBSCRIBERS = Number(process.env.BENCH_FANOUT_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMORY_CONNECTIONS = Number(process.env.BENCH_MEMORY_CONNECTIONS ?? 10_000);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Subscribers {
  event(name: string, timeoutMs?: number): Promise<{ all: boolean; lastMs: number; missing: number }>;
  close(): Promise<void>;
}

/** Opens `count` subscribers of `server` in their own process. */
async function subscribe(server: ServerProcess, count: number, token: string): Promise<Subscribers> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fanout-clients.ts'), `ws://127.0.0.1:${server.port}/graphql`, String(count), token],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[subscribers] ${chunk}`));
  const lines: Interface = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  lines.on('line', (line) => (waiters.length > 0 ? waiters.shift()!(line) : queue.push(line)));
  const nextLine = () => new Promise<string>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiters.push(resolve)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connected = JSON.parse(await nextLine()) as { connected: number };
  if (connected.connected !== count) throw new Error(`only ${connected.connected} of ${count} subscribers connected`);
  return {
    async event(name, timeoutMs) {
      const body = JSON.stringify({
        query: 'mutation($name: String!) { createTask(input: { name: $name }) { task { id } } }',
        variables: { name },
      });
      child.stdin.write(
        `${JSON.stringify({ cmd: 'event', name, timeoutMs, url: `http://127.0.0.1:${server.port}/graphql`, body, headers: { authorization: `Bearer ${token}` } })}\n`,
      );
      return JSON.parse(await nextLine()) as { all: boolean; lastMs: number; missing: number };
    },
    async close() {
      child.stdin.write(`${JSON.stringify({ cmd: 'close' })}\n`);
      await exited;
    },
  };
}

/** Sends events until one reaches every subscriber (their subscriptions are all live). */
async function settle(subscribers: Subscribers, label: string): Promise<void> {
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    if ((await subscribers.event(`${label} warm-up ${attempt}`, 5_000)).all) return;
  }
  throw new Error(`${label}: the subscribers never all received an event`);
}

interface RoundResult {
  readonly lastMs: number;
  readonly cpuUsPerDelivery: number;
}

async function measureRound(server: ServerProcess, token: string, round: number): Promise<RoundResult> {
  const subscribers = await subscribe(server, SUBSCRIBERS, token);
  try {
    await settle(subscribers, `${server.name} ${round}`);
    const before = server.cpuMs();
    const latencies: number[] = [];
    for (let event = 1; event <= EVENTS; event += 1) {
      const result = await subscribers.event(`${server.name} ${round}.${event}`);
      if (!result.all) throw new Error(`${server.name}: ${result.missing} subscribers missed an event`);
      latencies.push(result.lastMs);
    }
    return { lastMs: median(latencies), cpuUsPerDelivery: ((server.cpuMs() - before) * 1000) / (EVENTS * SUBSCRIBERS) };
  } finally {
    await subscribers.close();
  }
}

/** Resident memory per subscribed connection: RSS with `count` subscribers minus RSS before, over `count`. */
async function memoryPerConnection(server: ServerProcess, token: string, count: number): Promise<{ kb: number; lastMs: number }> {
  const before = server.rssBytes();
  const subscribers = await subscribe(server, count, token);
  try {
    await settle(subscribers, `${server.name} memory`);
    const kb = (server.rssBytes() - before) / count / 1024;
    const { lastMs } = await subscribers.event(`${server.name} memory event`, 120_000);
    return { kb, lastMs };
  } finally {
    await subscribers.close();
  }
}

const database = await createBenchDatabase();
const servers: ServerProcess[] = [];
try {
  const [viewer] = await seedUsersWithTasks(database.url, { users: 1, tasksPerUser: 0, signedIn: 1 });
  const token = viewer!.token;
  // Connections from one address, as a load test has them: the per-address caps are lifted.
  const ours = await startBehflow(database.url, {
    profileDir: process.env.BENCH_PROFILE,
    env: { BEHFLOW_MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS: '100000' },
  });
  servers.push(ours);
  const plain = await startYardstick('plain', 'bench/compare/plain-ws-server.ts');
  servers.push(plain);

  const results = new Map<string, RoundResult[]>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const server of [plain, ours]) {
      const result = await measureRound(server, token, round);
      results.set(server.name, [...(results.get(server.name) ?? []), result]);
      process.stderr.write(
        `round ${round} ${server.name}: last subscriber after ${result.lastMs.toFixed(1)} ms, ${result.cpuUsPerDelivery.toFixed(1)} µs CPU per delivery\n`,
      );
    }
  }
  const memory = new Map<string, { kb: number; lastMs: number }>();
  if (MEMORY_CONNECTIONS > 0) {
    for (const server of [plain, ours]) {
      memory.set(server.name, await memoryPerConnection(server, token, MEMORY_CONNECTIONS));
      process.stderr.write(`${server.name}: ${memory.get(server.name)!.kb.toFixed(1)} KB per connection\n`);
    }
  }

  const summary = (name: string) => {
    const runs = results.get(name)!;
    return { lastMs: median(runs.map((run) => run.lastMs)), cpu: median(runs.map((run) => run.cpuUsPerDelivery)) };
  };
  const [mine, yardstick] = [summary('behflow'), summary('plain')];
  const lines = [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), NODE_ENV=production; subscribers in their own process; ` +
      `${SUBSCRIBERS} connections of one user on \`taskEvents { type taskId task { id name status updatedAt } }\`, one \`createTask\` per event, ` +
      `medians of ${ROUNDS} interleaved rounds of ${EVENTS} events.`,
    '',
    `| server | last of ${SUBSCRIBERS} subscribers served after | CPU per delivery | memory per connection (${MEMORY_CONNECTIONS} subscribed) | last of ${MEMORY_CONNECTIONS} served after |`,
    '|---|---|---|---|---|',
    ...(
      [
        ['plain graphql-ws server (no database)', yardstick, memory.get('plain')],
        ['Behflow GraphQL', mine, memory.get('behflow')],
      ] as const
    ).map(
      ([label, figures, held]) =>
        `| ${label} | ${figures.lastMs.toFixed(1)} ms | ${figures.cpu.toFixed(1)} µs | ${held ? `${held.kb.toFixed(1)} KB` : '–'} | ${held ? `${held.lastMs.toFixed(0)} ms` : '–'} |`,
    ),
    '',
    `The last subscriber is served ${(mine.lastMs / yardstick.lastMs).toFixed(2)}× as late as by the plain server.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const server of servers) await server.stop().catch(() => {});
  await database.drop();
}
