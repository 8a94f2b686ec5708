// A closed-loop HTTP load generator, run in its own process so that it does not share the
// server's event loop: `concurrency` clients each send the request again as soon as the
// previous answer arrives, for `durationMs`. Prints one JSON line of results.
interface LoadSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const latencies: number[] = [];
let errors = 0;
const end = performance.now() + spec.durationMs;

async function client() {
  while (performance.now() < end) {
    const started = performance.now();
    const response = await fetch(spec.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...spec.headers },
      body: spec.body,
    });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) errors += 1;
    latencies.push(performance.now() - started);
  }
}

const began = performance.now();
await Promise.all(Array.from({ length: spec.concurrency }, client));
const elapsed = performance.now() - began;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({
    requests: latencies.length,
    errors,
    throughput: (latencies.length / elapsed) * 1000,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
  })}\n`,
);
