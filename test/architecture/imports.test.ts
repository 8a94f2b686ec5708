// The shape of the code, checked: no module imports itself back through others, so each can
// be read (and tested) with only what lies below it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'generated' ? [] : sourceFiles(full);
    return entry.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file imports, as written (type-only ones included: they tie the code together too). */
const importsOf = (file: string) =>
  ts.preProcessFile(readFileSync(file, 'utf8'), true, false).importedFiles.map((imported) => imported.fileName);

/** Every module's imports of other modules of ours. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const local = importsOf(file)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.resolve(path.dirname(file), name).replace(/\.js$/, '.ts'))
      .filter((target) => !target.includes(`${path.sep}generated${path.sep}`));
    graph.set(file, local);
  }
  return graph;
}

/** The import loops, each once, as paths relative to src/. */
function loops(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)).map((entry) => path.relative(SRC, entry)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('imports', () => {
  const graph = importGraph();

  it('are resolved: every relative import names a module that exists', () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${path.relative(SRC, file)} → ${path.relative(SRC, target)}`),
    );
    expect(missing).toEqual([]);
  });

  it('have no loops', () => {
    expect(loops(graph)).toEqual([]);
  });

  it('would report a loop (the check itself works)', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    expect(
      loops(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });
});

/**
 * The GraphQL layer: src/schema/, each area's `schema/` folder or `schema.ts` / `*-schema.ts`
 * (its types, queries, mutations and subscriptions), and the HTTP server that hosts them
 * (src/app.ts, src/system/: probes, metrics, the web app; the composition in src/server.ts and
 * src/main.ts).
 * Everything else is the domain: services, rules, jobs, the assistant, events, pub/sub, the
 * database.
 */
const isGraphQLLayer = (file: string) => {
  const relative = path.relative(SRC, file);
  return (
    relative.split(path.sep).slice(0, -1).includes('schema') ||
    relative.startsWith(`system${path.sep}`) ||
    /(^|[-/])schema\.ts$/.test(relative) ||
    ['app.ts', 'server.ts', 'main.ts'].includes(relative)
  );
};

describe('layers', () => {
  const graph = importGraph();
  const domain = [...graph.keys()].filter((file) => !isGraphQLLayer(file));

  it('tell the domain from the GraphQL layer', () => {
    expect(domain.map((file) => path.relative(SRC, file))).toEqual(
      expect.arrayContaining(['tasks/service.ts', 'errors.ts', 'assistant/tools.ts', 'scheduler/scheduler.ts']),
    );
    expect(domain.map((file) => path.relative(SRC, file))).not.toContain(path.join('tasks', 'schema', 'task.ts'));
    expect(domain.map((file) => path.relative(SRC, file))).not.toContain(path.join('schema', 'builder.ts'));
    expect(domain.map((file) => path.relative(SRC, file))).not.toContain(path.join('chat', 'schema', 'session.ts'));
  });

  it('keep the domain free of GraphQL: no graphql, no Pothos, nothing of the GraphQL layer', () => {
    const crossings = domain.flatMap((file) =>
      importsOf(file)
        .filter(
          (name) =>
            name === 'graphql' ||
            name.startsWith('graphql/') ||
            name.startsWith('@pothos/') ||
            (name.startsWith('.') && isGraphQLLayer(path.resolve(path.dirname(file), name).replace(/\.js$/, '.ts'))),
        )
        .map((name) => `${path.relative(SRC, file)} → ${name}`),
    );
    expect(crossings).toEqual([]);
  });
});
