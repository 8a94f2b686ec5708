import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

/**
 * The Dockerfile and compose.yaml, checked as far as a machine without a container engine
 * can: the compose file against the server's configuration schema, the image against the
 * commands CI runs and the start script.
 */
const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFile(path.join(root, file), 'utf8');
const pkg = JSON.parse(await read('package.json')) as { engines: { node: string }; scripts: Record<string, string> };

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions by stage (continuation lines joined, comments dropped). */
function stagesOf(dockerfile: string): Instruction[][] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  const stages: Instruction[][] = [];
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)!.push({ keyword: keyword!.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

const containerEngine = ['docker', 'podman'].find((tool) => {
  try {
    execFileSync(tool, ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
});

describe('Dockerfile', () => {
  it('is multi-stage, on the Node the project declares, runs as a non-root user with a health check of /health', async () => {
    const stages = stagesOf(await read('Dockerfile'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const oldest = semver.minVersion(pkg.engines.node)!;
    for (const stage of stages) expect(stage[0]!.args).toMatch(new RegExp(`^node:${oldest.major}[-.\\w]*`));
    const final = stages.at(-1)!;
    const users = final.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/\/health/);
    // Copied from the build stage, not built again: no npm install in the final stage.
    expect(final.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))).toEqual([]);
  });

  it('builds with the commands CI runs, and starts the way npm start does', async () => {
    const stages = stagesOf(await read('Dockerfile'));
    const ci = await read('.ci/run');
    const npmRuns = stages[0]!
      .filter((i) => i.keyword === 'RUN' && i.args.startsWith('npm ') && !i.args.startsWith('npm prune'))
      .map((i) => i.args);
    expect(npmRuns).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
    for (const command of npmRuns) expect(ci.split('\n').map((line) => line.trim())).toContain(command);
    const cmd = JSON.parse(stages.at(-1)!.find((i) => i.keyword === 'CMD')!.args) as string[];
    expect(cmd).toEqual(pkg.scripts.start!.split(' '));
    // What the final stage copies exists after those commands (the build's outputs and the sources the tools load).
    const copied = stages
      .at(-1)!
      .filter((i) => i.keyword === 'COPY')
      .map((i) =>
        i.args
          .split(/\s+/)
          .at(-2)!
          .replace(/^\/app\//, ''),
      );
    expect(copied).toEqual(expect.arrayContaining(['dist', 'web/dist', 'prisma', 'node_modules']));
  });
});

/** The parts of a compose.yaml service these checks read. */
interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly ports?: string[];
  readonly environment: Record<string, string>;
  readonly depends_on: Record<string, unknown>;
  readonly stop_grace_period: string;
}

describe('compose.yaml', () => {
  const compose = read('compose.yaml').then(
    (text) => parse(text, { merge: true }) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> },
  );

  it('runs PostgreSQL as upstream Behflow does (port 15432, behflow / behflow_dev), Redis, and two app instances sharing them', async () => {
    const { services } = await compose;
    const postgres = services.postgres;
    expect(postgres!.image).toMatch(/^postgres:\d+/);
    expect(postgres!.ports).toContain('15432:5432');
    expect(postgres!.environment).toMatchObject({ POSTGRES_USER: 'behflow', POSTGRES_PASSWORD: 'behflow_dev' });
    expect(services.redis!.image).toMatch(/^redis:/);
    const apps = Object.entries(services).filter(([, service]) => service.build !== undefined || service.image === 'behflow-graphql');
    expect(apps.length).toBe(2);
    const names = new Set<string>();
    for (const [name, app] of apps) {
      const url = new URL(app.environment.DATABASE_URL!);
      expect(url.hostname, name).toBe('postgres');
      expect(decodeURIComponent(url.username)).toBe(postgres!.environment.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(postgres!.environment.POSTGRES_PASSWORD);
      expect(url.pathname.slice(1)).toBe(postgres!.environment.POSTGRES_DB);
      expect(new URL(app.environment.REDIS_URL!).hostname).toBe('redis');
      expect(Object.keys(app.depends_on)).toEqual(expect.arrayContaining(['postgres', 'redis']));
      for (const dependency of Object.keys(app.depends_on)) expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
      names.add(app.environment.BEHFLOW_INSTANCE_NAME!);
    }
    // Each instance names itself in the execution history and the logs.
    expect(names.size).toBe(2);
  });

  it('sets only variables the server knows, each valid for its configuration', async () => {
    const { services } = await compose;
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined && service.image !== 'behflow-graphql') continue;
      const environment = Object.fromEntries(
        Object.entries(service.environment as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
      );
      expect(
        Object.keys(environment).filter((key) => !CONFIG_VARIABLES.includes(key)),
        name,
      ).toEqual([]);
      const config = loadConfig(environment);
      expect(config.production).toBe(true);
      expect(config.databaseUrl).toBe(environment.DATABASE_URL);
      expect(config.redisUrl).toBe(environment.REDIS_URL);
      // The drain ends well inside the grace period the container gets before SIGKILL.
      const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period)![1]) * 1000;
      expect(config.shutdownDelayMs + config.shutdownTimeoutMs).toBeLessThan(grace);
    }
  });

  it('builds and starts with a container engine where there is one', async (context) => {
    if (!containerEngine) {
      console.log('skipped: no container engine (docker or podman) answers on this machine; the checks above stand in for a build');
      context.skip();
    }
    execFileSync(containerEngine!, ['build', '-t', 'behflow-graphql-test', root], { stdio: 'inherit', timeout: 900_000 });
  }, 900_000);
});
