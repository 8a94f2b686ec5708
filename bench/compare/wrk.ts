// Runs wrk (Debian's package) against a server with a Lua script that rotates the signed-in
// users' tokens (and task ids) across requests, and reads its summary.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const lua = (value: string) => JSON.stringify(value); // JSON strings are valid Lua strings for this ASCII content

/** Writes a wrk script that sends `requests` in turn, round-robin, and prints a JSON summary. */
export async function writeWrkScript(dir: string, name: string, requests: readonly WrkRequest[]): Promise<string> {
  const entries = requests.map((request) => {
    const headers = Object.entries({ 'content-type': 'application/json', accept: 'application/json', ...request.headers })
      .map(([key, value]) => `[${lua(key)}] = ${lua(value)}`)
      .join(', ');
    return `  wrk.format("POST", "/graphql", { ${headers} }, ${lua(request.body)})`;
  });
  const script = `local prepared = {}
local count = 0
init = function(args)
  prepared = {
${entries.join(',\n')}
  }
  count = #prepared
end
local i = 0
request = function()
  i = i + 1
  return prepared[(i % count) + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`;
  const file = path.join(dir, `${name}.lua`);
  await writeFile(file, script);
  return file;
}

export async function runWrk(
  url: string,
  script: string,
  options: { connections: number; seconds: number; threads?: number },
): Promise<WrkResult> {
  const { stdout } = await run(
    'wrk',
    [`-t${options.threads ?? 1}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', script, url],
    {
      maxBuffer: 1 << 20,
    },
  );
  const line = stdout.split('\n').find((entry) => entry.startsWith('{"requests"'));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const summary = JSON.parse(line) as {
    requests: number;
    durationUs: number;
    errors: number;
    non2xx: number;
    p50Us: number;
    p99Us: number;
  };
  return {
    requests: summary.requests,
    seconds: summary.durationUs / 1e6,
    errors: summary.errors,
    non2xx: summary.non2xx,
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
  };
}
