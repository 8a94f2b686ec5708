import { readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The Node version the project promises (package.json `engines`, the README) must be one
 * every locked package the server runs on accepts: otherwise `npm ci` warns (EBADENGINE)
 * and the promise is not true.
 */
const root = path.resolve(import.meta.dirname, '../..');
interface Manifest {
  version?: string;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Manifest & { engines: { node: string } };
const lock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Manifest> };
const oldest = semver.minVersion(pkg.engines.node)!;

/** Where Node would find `name` from the package installed at `from` (a lock key). */
function resolveFrom(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (dir === '') return undefined;
  }
}

/** Every locked package reachable from package.json's `dependencies` (what the server loads), with the way to it. */
function runtimePackages(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (from: string, manifest: Manifest, trail: string) => {
    const required = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const [peer] of Object.entries(manifest.peerDependencies ?? {})) {
      if (!manifest.peerDependenciesMeta?.[peer]?.optional) required[peer] = '*';
    }
    for (const name of Object.keys(required)) {
      const key = resolveFrom(from, name);
      if (!key || found.has(key)) continue;
      found.set(key, `${trail} > ${name}`);
      visit(key, lock.packages[key]!, `${trail} > ${name}`);
    }
  };
  visit('', { dependencies: pkg.dependencies }, 'behflow-graphql');
  return found;
}

describe('Node version', () => {
  it('every locked package the server runs on supports the oldest Node that package.json accepts', () => {
    expect(oldest.major).toBeGreaterThanOrEqual(20);
    const runtime = runtimePackages();
    // The server's own stack is in it (so the walk does reach the locked tree).
    for (const name of ['graphql-yoga', '@graphql-tools/executor', '@whatwg-node/promise-helpers', '@prisma/client', 'pg']) {
      expect(runtime.has(`node_modules/${name}`), name).toBe(true);
    }
    const refusing = [...runtime]
      .filter(([key]) => {
        const engines = lock.packages[key]!.engines;
        const range = Array.isArray(engines) ? undefined : engines?.node;
        return range !== undefined && !semver.satisfies(oldest, range);
      })
      .map(
        ([key, trail]) => `${trail} (${lock.packages[key]!.version}) wants Node ${(lock.packages[key]!.engines as { node: string }).node}`,
      );
    expect(refusing).toEqual([]);
  });

  it('the README states the same oldest version', async () => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${oldest.major}.${oldest.minor} or newer`);
  });
});
