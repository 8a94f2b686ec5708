import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding this project's package.json, found by walking up from this module: the
 * same answer whether the code runs from `src/` (tests, tsx) or bundled into `dist/main.js`.
 */
function findProjectRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'behflow-graphql') return dir;
    if (dir === path.dirname(dir)) throw new Error('behflow-graphql: package.json not found above the running code');
  }
}

export const PROJECT_ROOT = findProjectRoot();

/** A path inside the project, e.g. `fromProjectRoot('prisma', 'migrations')`. */
export const fromProjectRoot = (...segments: string[]) => path.join(PROJECT_ROOT, ...segments);
