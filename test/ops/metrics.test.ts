import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/db/embedded.js';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

/** One sample of the Prometheus text: the value of `name{labels}` (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { BEHFLOW_DB_POOL_SIZE: '7' } });
  });
  afterAll(() => server.stop());

  it('counts operations by name, type and outcome with latency histograms, and errors by code', async () => {
    const { token } = await seed(server).user().create();
    const me = graphql(`query MetricsMe { me { id } }`);
    await server.data(me, { token });
    await server.data(me, { token });
    const refused = await server.graphql(
      graphql(`mutation MetricsCreate($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
      {
        token,
        variables: { input: { name: '' } },
      },
    );
    expectError(refused, 'BAD_USER_INPUT');
    const anonymous = await server.graphql(graphql(`query MetricsAnonymous { me { id } }`));
    expectError(anonymous, 'UNAUTHENTICATED');
    const invalid = await server.graphql('query MetricsInvalid { noSuchField }');
    expectError(invalid, 'GRAPHQL_VALIDATION_FAILED');

    const { status, type, text } = await scrape(`${server.origin}/metrics`);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const ok = { operation_name: 'MetricsMe', operation_type: 'query', outcome: 'ok' };
    expect(sample(text, 'behflow_graphql_operation_duration_seconds_count', ok)).toBe(2);
    expect(sample(text, 'behflow_graphql_operation_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(2);
    expect(sample(text, 'behflow_graphql_operation_duration_seconds_sum', ok)).toBeGreaterThan(0);
    expect(
      sample(text, 'behflow_graphql_operation_duration_seconds_count', {
        operation_name: 'MetricsAnonymous',
        operation_type: 'query',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(
      sample(text, 'behflow_graphql_operation_duration_seconds_count', {
        operation_name: 'MetricsCreate',
        operation_type: 'mutation',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(sample(text, 'behflow_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'behflow_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'behflow_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'behflow_http_responses_total', { route: 'graphql', status: '200' })).toBeGreaterThanOrEqual(2);
    // Node's own: memory, event loop, garbage collection.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('reports open WebSockets and subscriptions, the pool, events published, received and delivered', async () => {
    const { token } = await seed(server).user().create();
    const before = (await scrape(`${server.origin}/metrics`)).text;
    const subscription = server.subscribe(graphql(`subscription MetricsTaskEvents { taskEvents { type } }`), {
      token,
    });
    await expect
      .poll(async () =>
        sample((await scrape(`${server.origin}/metrics`)).text, 'behflow_graphql_subscriptions_open', {
          operation_name: 'MetricsTaskEvents',
        }),
      )
      .toBe(1);
    await server.data(graphql(`mutation MetricsCreateTask { createTask(input: { name: "Counted" }) { task { id } } }`), { token });
    expect((await subscription.next()).data?.taskEvents.type).toBeDefined();

    const during = (await scrape(`${server.origin}/metrics`)).text;
    expect(sample(during, 'behflow_websocket_connections')).toBeGreaterThanOrEqual(1);
    const counter = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;
    expect(counter(during, 'behflow_events_published_total', { topic: 'task:changed' })).toBe(
      counter(before, 'behflow_events_published_total', { topic: 'task:changed' }) + 1,
    );
    expect(counter(during, 'behflow_events_received_total', { topic: 'task:changed' })).toBeGreaterThan(
      counter(before, 'behflow_events_received_total', { topic: 'task:changed' }),
    );
    expect(counter(during, 'behflow_subscription_events_delivered_total', { operation_name: 'MetricsTaskEvents' })).toBe(1);
    expect(sample(during, 'behflow_db_pool_connections', { state: 'max' })).toBe(7);
    expect(sample(during, 'behflow_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(sample(during, 'behflow_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(sample(during, 'behflow_db_pool_waiting')).toBe(0);

    subscription.close();
    await expect
      .poll(async () =>
        sample((await scrape(`${server.origin}/metrics`)).text, 'behflow_graphql_subscriptions_open', {
          operation_name: 'MetricsTaskEvents',
        }),
      )
      .toBe(0);
  });

  it('counts automated process runs by process and outcome', async () => {
    const admin = await seed(server).user().admin().create();
    const { id } = await server.prisma.automatedProcess.findUniqueOrThrow({ where: { name: 'reschedule_remaining_tasks' } });
    const processId = Buffer.from(`AutomatedProcess:${id}`).toString('base64');
    const labels = { process: 'reschedule_remaining_tasks', outcome: 'completed' };
    const before = sample((await scrape(`${server.origin}/metrics`)).text, 'behflow_process_runs_total', labels) ?? 0;
    await server.data(
      graphql(
        `mutation MetricsRunAutomatedProcess($input: RunAutomatedProcessInput!) { runAutomatedProcess(input: $input) { execution { id } } }`,
      ),
      {
        token: admin.token,
        variables: { input: { id: processId } },
      },
    );
    await expect
      .poll(async () => sample((await scrape(`${server.origin}/metrics`)).text, 'behflow_process_runs_total', labels), { timeout: 10_000 })
      .toBe(before + 1);
  });

  it('labels at most 200 operation names; the rest count as "other"', async () => {
    const { token } = await seed(server).user().create();
    for (let i = 0; i < 210; i += 1) await server.data(`query Flood${i} { me { id } }`, { token });
    const { text } = await scrape(`${server.origin}/metrics`);
    const names = new Set(
      [...text.matchAll(/^behflow_graphql_operation_duration_seconds_count\{[^}]*operation_name="([^"]+)"/gm)].map((m) => m[1]),
    );
    expect(names.size).toBeLessThanOrEqual(201);
    expect(
      sample(text, 'behflow_graphql_operation_duration_seconds_count', { operation_name: 'other', operation_type: 'query', outcome: 'ok' }),
    ).toBeGreaterThan(0);
  });
});

describe('/metrics protected', () => {
  it('with BEHFLOW_METRICS_TOKEN, answers 401 without the bearer token and 200 with it', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const server = await startTestServer({ env: { BEHFLOW_METRICS_TOKEN: token } });
    try {
      const refused = await scrape(`${server.origin}/metrics`);
      expect(refused.status).toBe(401);
      expect(refused.text).not.toContain('behflow_');
      expect((await scrape(`${server.origin}/metrics`, { authorization: 'Bearer wrong-token-0123456789abcdef' })).status).toBe(401);
      const allowed = await scrape(`${server.origin}/metrics`, { authorization: `Bearer ${token}` });
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('behflow_graphql_errors_total');
    } finally {
      await server.stop();
    }
  });

  it('with BEHFLOW_METRICS_PORT, serves them on that port only', async () => {
    const port = await findFreePort();
    const server = await startTestServer({ env: { BEHFLOW_METRICS_PORT: String(port) } });
    try {
      expect((await scrape(`${server.origin}/metrics`)).status).toBe(404);
      const own = await scrape(`http://127.0.0.1:${port}/metrics`);
      expect(own.status).toBe(200);
      expect(own.text).toContain('behflow_websocket_connections');
      expect((await scrape(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    } finally {
      await server.stop();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
