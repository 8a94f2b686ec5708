// Starting the servers under test as child processes, and reading their CPU time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** User + system CPU time of the process so far, in milliseconds. */
  cpuMs(): number;
  /** Resident memory, in bytes. */
  rssBytes(): number;
  stop(): Promise<void>;
}

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/**
 * Spawns `command` and waits until a line of its output gives the port (`readyPort` picks it
 * out); everything else it prints is passed to stderr.
 */
export async function startProcess(
  name: string,
  command: readonly string[],
  env: Record<string, string>,
  readyPort: (line: string) => number | null,
): Promise<ServerProcess> {
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    lines.on('line', (line) => {
      if (found) {
        if (/"level":(50|60)/.test(line)) process.stderr.write(`[${name}] ${line}\n`);
        return;
      }
      const port = readyPort(line);
      if (port !== null) {
        found = true;
        resolve(port);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  return {
    name,
    port,
    child,
    cpuMs: () => processCpuMs(child.pid!),
    rssBytes: () => processRssBytes(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const root = path.resolve(import.meta.dirname, '../..');

/**
 * What `npm start` runs (`node <V8 flags> dist/main.js`), with this Node binary, after building
 * dist/ when it is missing or older than the sources: the benchmark measures the production start.
 */
function productionStart(): string[] {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  const start: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
  const [node, ...args] = start.split(' ');
  if (node !== 'node') throw new Error(`the start script does not begin with node: ${start}`);
  // The script itself (the one argument that is not a flag), from the project root wherever the bench runs.
  return [process.execPath, ...args.map((arg) => (arg.startsWith('-') ? arg : path.join(root, arg)))];
}

/**
 * The GraphQL server under test, started as `npm start` starts it, with production settings on
 * `databaseUrl` (BENCH_SERVER_COMMAND overrides the command; `profileDir` adds a CPU profile).
 */
export function startBehflow(
  databaseUrl: string,
  options: { profileDir?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const command = process.env.BENCH_SERVER_COMMAND?.split(' ') ?? productionStart();
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  return startProcess(
    'behflow',
    [command[0]!, ...profile, ...command.slice(1)],
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      BEHFLOW_SCHEDULER: 'false',
      BEHFLOW_DB_POOL_SIZE: '10',
      ...options.env,
    },
    (line) => {
      const ready = /"msg":"Behflow GraphQL is ready"/.test(line) ? /:(\d+)\/graphql/.exec(line) : null;
      return ready ? Number(ready[1]) : null;
    },
  );
}

/** A yardstick server of bench/compare (it prints `listening <port>` when ready). */
export function startYardstick(name: string, file: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startProcess(name, [process.execPath, '--import', 'tsx', file], { NODE_ENV: 'production', PORT: '0', ...env }, (line) =>
    line.startsWith('listening ') ? Number(line.slice('listening '.length)) : null,
  );
}
