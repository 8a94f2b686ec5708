import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();

describe('HTTP endpoint', () => {
  it('answers queries', async () => {
    const data = await server.data(graphql(`query ServerTypename { __typename serverInfo { timeZone version } }`));
    expect(data.__typename).toBe('Query');
    expect(data.serverInfo.timeZone).toBe('Asia/Tehran');
    expect(data.serverInfo.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports itself alive on /health and ready on /ready with the database reachable and migrated', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; time: string };
    expect(body).toMatchObject({ status: 'ok' });
    expect(Date.parse(body.time)).not.toBeNaN();
    const ready = await fetch(`${server.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      database: { reachable: true },
      migrations: { applied: true, missing: [] },
      draining: false,
    });
  });

  it('turns a malformed document into a GraphQL error, not a 500', async () => {
    const result = await server.graphql('{ serverInfo { ');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('serves GraphiQL to browsers, configured for subscriptions over WebSocket', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('"subscriptionsProtocol":"WS"');
    // Served from here: a self-hosted install may have no internet access.
    expect(html).not.toMatch(/unpkg\.com|jsdelivr/);
  });
});

describe('graphql-ws on the same URL', () => {
  it('streams a subscription', async () => {
    const subscription = server.subscribe(graphql(`subscription ServerHeartbeat { heartbeat(intervalSeconds: 1) { sequence at } }`));
    const first = await subscription.next();
    const second = await subscription.next(3_000);
    expect(first.data?.heartbeat.sequence).toBe(0);
    expect(second.data?.heartbeat.sequence).toBe(1);
    subscription.close();
  });

  it('answers an invalid subscription with an error message instead of dropping the socket', async () => {
    const subscription = server.subscribe('subscription { noSuchField }');
    const ended = await subscription.ended;
    const errors = ended.error as Array<{ message: string }>;
    expect(errors[0]?.message).toBe('Cannot query field "noSuchField" on type "Subscription".');
  });
});
