// The top self-time frames of a V8 CPU profile (`node --cpu-prof`), grouped by function and
// file (package name for dependencies), as Markdown rows.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds between consecutive samples (the first: since the profile started). */
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '').replace(/^node:/, 'node:');
}

/**
 * Self time by frame over the samples taken `skipMs` or more after the profile started (so that
 * start-up is left out), as a share of the time the thread was not idle.
 */
export async function topFrames(file: string, count = 15, skipMs = 0): Promise<string[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const hitsByNode = new Map<number, number>();
  let elapsedUs = 0;
  for (const [index, nodeId] of profile.samples.entries()) {
    elapsedUs += profile.timeDeltas[index] ?? 0;
    if (elapsedUs >= skipMs * 1000) hitsByNode.set(nodeId, (hitsByNode.get(nodeId) ?? 0) + 1);
  }
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  let total = 0;
  for (const [id, hits] of hitsByNode) if (!idle.has(id)) total += hits;
  const byFrame = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = hitsByNode.get(node.id) ?? 0;
    if (hits === 0 || idle.has(node.id)) continue;
    const place = where(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'} — ${place}`;
    byFrame.set(name, (byFrame.get(name) ?? 0) + hits);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, hits]) => `| ${name.replace(/\|/g, '\\|')} | ${((hits / total) * 100).toFixed(1)}% |`);
  return [
    '| function — where | self time |',
    '|---|---|',
    ...rows(byFrame),
    '',
    '| package or file | self time |',
    '|---|---|',
    ...rows(byPlace),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count, skipMs] = process.argv.slice(2);
  for (const line of await topFrames(file!, Number(count ?? 15), Number(skipMs ?? 0))) process.stdout.write(`${line}\n`);
}
