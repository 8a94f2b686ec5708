import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/**
 * Over graphql-ws, a connection without credentials may still run signed-in operations whose
 * own `extensions.headers.authorization` carries a valid token: that is how GraphiQL sends the
 * headers a user types (a browser cannot set headers on a WebSocket).
 */
const server = await startTestServer();

function subscribeWithHeaders(headers: Record<string, string>) {
  const operationId = randomUUID();
  const client = server.wsClient({ generateID: () => operationId });
  const results: unknown[] = [];
  let settle!: () => void;
  const first = new Promise<void>((resolve) => (settle = resolve));
  const unsubscribe = client.subscribe(
    { query: 'subscription { taskEvents { type task { name } } }', extensions: { headers } },
    {
      next: (result) => {
        results.push(result);
        settle();
      },
      error: (error) => {
        results.push({ error });
        settle();
      },
      complete: () => settle(),
    },
  );
  return { results, first, unsubscribe, live: () => server.live(operationId) };
}

describe('credentials in an operation’s extensions over graphql-ws', () => {
  it('authenticate that operation as its user', async () => {
    const alice = await seed(server).user().create();
    const stream = subscribeWithHeaders({ authorization: `Bearer ${alice.token}` });
    await stream.live();
    await server.data(
      graphql(`mutation WsOperationCredentialsCreateTask { createTask(input: { name: "Seen through extensions" }) { task { id } } }`),
      { token: alice.token },
    );
    await stream.first;
    expect(stream.results).toEqual([{ data: { taskEvents: { type: 'CREATED', task: { name: 'Seen through extensions' } } } }]);
    stream.unsubscribe();
  });

  it('are refused when the token is not a valid session', async () => {
    const stream = subscribeWithHeaders({ authorization: 'Bearer not-a-real-token-but-long-enough-0000' });
    await stream.first;
    expect(JSON.stringify(stream.results)).toContain('UNAUTHENTICATED');
    stream.unsubscribe();
  });
});
