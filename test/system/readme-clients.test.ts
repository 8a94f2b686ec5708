import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApolloClient } from '@apollo/client/core';
import type { Client as UrqlClient } from '@urql/core';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * Every code block of the README's "Clients" section, run as written against the real server:
 * only `localhost:4000` becomes this server's address. Each client signs in with a token,
 * queries, and receives a task event through its subscription transport; with a bad token,
 * the graphql-ws setups stop at the first 4403 (one connection, the caller told at once) and
 * the HTTP ones see UNAUTHENTICATED.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Clients'), readme.indexOf('\n## ', readme.indexOf('## Clients') + 1));
const examples = [...section.matchAll(/```ts\n\/\/ example: ([a-z-]+)\n([\s\S]*?)```/g)].map((match) => ({
  name: match[1]!,
  code: match[2]!,
}));
const DIR = path.join(ROOT, 'test', '.readme-examples');

// Browsers have a WebSocket; Node 20 does not. Counting constructions counts connection attempts.
let sockets = 0;
class CountedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets += 1;
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket ??= CountedWebSocket;
const countsSockets = (globalThis as { WebSocket?: unknown }).WebSocket === CountedWebSocket;

type Subscribe = (query: string, next: (value: unknown) => void, fail: (error: unknown) => void) => void;
interface Adapter {
  query(query: string): Promise<unknown>;
  subscribe: Subscribe;
}

/** Drives a client the way its library is used: Apollo's `query`/`subscribe`, urql's `query().toPromise()`/`subscription().subscribe`. */
async function adapt(client: ApolloClient<unknown> | UrqlClient): Promise<Adapter> {
  const { gql } = await import('@apollo/client/core');
  if ('watchQuery' in client) {
    return {
      query: async (query) => (await client.query({ query: gql(query), fetchPolicy: 'no-cache' })).data,
      subscribe: (query, next, fail) =>
        client.subscribe({ query: gql(query) }).subscribe({
          next: (value: { data?: unknown; errors?: unknown }) => (value.errors ? fail(value.errors) : next(value.data)),
          error: fail,
        }),
    };
  }
  return {
    query: async (query) => {
      const result = await client.query(query, {}).toPromise();
      if (result.error) throw result.error;
      return result.data;
    },
    subscribe: (query, next, fail) =>
      void client
        .subscription(query, {})
        .subscribe((result: { data?: unknown; error?: unknown }) => (result.error ? fail(result.error) : next(result.data))),
  };
}

describe('the README’s client examples', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ token } = await seed(server)
      .user()
      .named(`readme_${Date.now().toString(36)}`)
      .create());
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    for (const example of examples) {
      const code = example.code
        .replaceAll('http://localhost:4000/graphql', server.url)
        .replaceAll('ws://localhost:4000/graphql', server.wsUrl);
      writeFileSync(path.join(DIR, `${example.name}.ts`), code);
    }
  });
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('are all there: Apollo Client and urql, each over graphql-ws and over HTTP', () => {
    expect(examples.map((example) => example.name).sort()).toEqual([
      'apollo-graphql-ws',
      'apollo-http',
      'apollo-sse',
      'urql-graphql-ws',
      'urql-sse',
    ]);
  });

  for (const name of ['apollo-graphql-ws', 'apollo-http', 'apollo-sse', 'urql-graphql-ws', 'urql-sse']) {
    it(`${name}: queries and receives the viewer's task events`, async () => {
      const { createBehflowClient } = await import(pathToFileURL(path.join(DIR, `${name}.ts`)).href);
      const client = await adapt(createBehflowClient(token, () => {}));
      expect(await client.query('query { me { username } }')).toMatchObject({ me: { username: expect.stringMatching(/^readme_/) } });
      const events: Array<{ taskEvents: { type: string; task: { name: string } | null } }> = [];
      const failures: unknown[] = [];
      client.subscribe(
        'subscription { taskEvents { type task { name } } }',
        (value) => events.push(value as never),
        (error) => failures.push(error),
      );
      // The subscription starts asynchronously: tasks are created until one is reported.
      let created = 0;
      await expect
        .poll(
          async () => {
            if (failures.length > 0) return failures;
            created += 1;
            await server.data(
              graphql(`mutation ReadmeClientsCreateTask($name: String!) { createTask(input: { name: $name }) { task { id } } }`),
              {
                token,
                variables: { name: `${name} ${created}` },
              },
            );
            return events.map((event) => event.taskEvents.type);
          },
          { timeout: 15_000, interval: 200 },
        )
        .toContain('CREATED');
      expect(events[0]!.taskEvents.task!.name).toMatch(new RegExp(`^${name} \\d+$`));
      if ('stop' in client) (client as { stop: () => void }).stop();
    });
  }

  for (const name of ['apollo-graphql-ws', 'urql-graphql-ws']) {
    it(`${name}: a bad token stops at the first 4403 and tells the caller`, async () => {
      const { createBehflowClient } = await import(pathToFileURL(path.join(DIR, `${name}.ts`)).href);
      let signedOut = 0;
      const before = sockets;
      const client = await adapt(createBehflowClient('not-a-valid-token', () => (signedOut += 1)));
      const failures: Array<{ code?: number; message?: string; networkError?: { code?: number; message?: string } }> = [];
      client.subscribe(
        'subscription { taskEvents { type } }',
        () => {},
        (error) => failures.push(error as never),
      );
      await expect.poll(() => signedOut, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
      // urql hands over the close event as its network error; Apollo's link an error naming its code.
      const failure = failures[0]!;
      expect(String(failure.networkError?.code ?? failure.code ?? failure.networkError?.message ?? failure.message)).toMatch(/4403/);
      if (countsSockets) expect(sockets - before).toBe(1);
    });
  }

  for (const name of ['apollo-http', 'apollo-sse', 'urql-sse']) {
    it(`${name}: a bad token gets UNAUTHENTICATED`, async () => {
      const { createBehflowClient } = await import(pathToFileURL(path.join(DIR, `${name}.ts`)).href);
      const client = await adapt(createBehflowClient('not-a-valid-token'));
      const failures: unknown[] = [];
      client.subscribe(
        'subscription { taskEvents { type } }',
        () => {},
        (error) => failures.push(error),
      );
      await expect.poll(() => failures.length, { timeout: 10_000 }).toBeGreaterThan(0);
      const failure = failures[0] as
        | { message?: string; graphQLErrors?: Array<{ message: string; extensions?: { code?: string } }> }
        | Array<{ message: string; extensions?: { code?: string } }>;
      const errors = Array.isArray(failure) ? failure : (failure.graphQLErrors ?? []);
      expect(errors.map((error) => error.extensions?.code ?? error.message)).toEqual([expect.stringMatching(/UNAUTHENTICATED|signed in/)]);
    });
  }
});
