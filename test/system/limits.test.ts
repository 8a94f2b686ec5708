import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

/** Guard rails: a query nested or repeated past the limits is refused before it runs, on both transports. */
const server = await startTestServer();
const { token } = await seed(server).user().create();

// chatSessions → messages → session → messages → ... : a cycle a client could nest without end.
let deep = 'id';
for (let level = 0; level < 8; level += 1) deep = `session { messages(first: 2) { edges { node { ${deep} } } } }`;
const TOO_DEEP = `{ chatSessions(first: 2) { edges { node { messages(first: 2) { edges { node { ${deep} } } } } } } }`;

describe('query limits', () => {
  it('refuses a query nested too deeply over HTTP, with a coded error', async () => {
    const result = await server.graphql(TOO_DEEP, { token });
    expect(result.data ?? null).toBeNull();
    expectError(result, 'QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses depth, breadth and cost before anything executes: no data, no statement', async () => {
    await server.data(graphql(`query LimitsTypename { __typename }`), { token });
    const wide = `{ tasks(first: 1) { edges { node { ${Array.from({ length: 201 }, (_, index) => `n${index}: name`).join(' ')} } } } }`;
    const costly = '{ chatSessions(first: 100) { edges { node { messages(first: 100) { edges { node { content } } } } } } }';
    for (const [query, measure] of [
      [TOO_DEEP, 'depth'],
      [wide, 'breadth'],
      [costly, 'complexity'],
    ] as const) {
      const { result, statements } = await server.queries.record(() => server.graphql(query, { token }));
      expect(result.errors?.[0]?.extensions, measure).toMatchObject({ code: 'QUERY_TOO_COMPLEX', [measure]: expect.any(Number) });
      expect(result, measure).not.toHaveProperty('data');
      expect(statements, measure).toEqual([]);
    }
  });

  it('refuses it over graphql-ws too', async () => {
    const subscription = server.subscribe(TOO_DEEP, { token });
    const first = await subscription.next().catch(() => null);
    const ended = first ?? (await subscription.ended);
    expect(JSON.stringify(ended)).toContain('QUERY_TOO_COMPLEX');
  });

  it('costs a connection by the page it asks for, so nesting pages of 100 is refused', async () => {
    const amplifying =
      '{ chatSessions(first: 100) { edges { node { messages(first: 100) { edges { node { session { messages(first: 100) { edges { node { content } } } } } } } } } } }';
    const result = await server.graphql(amplifying, { token });
    expect(result.data ?? null).toBeNull();
    expectError(result, 'QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/complexity/i);
  });

  it('costs the same document by the page sizes its variables ask for, each time', async () => {
    const query =
      'query($n: Int, $id: ID!) { chatSessions(first: $n) { edges { node { messages(first: $n) { edges { node { content } } } } } } node(id: $id) { id } }';
    const id = Buffer.from('Task:00000000-0000-0000-0000-000000000001').toString('base64');
    for (const [n, refused] of [
      [2, false],
      [100, true],
      [3, false],
      [100, true],
    ] as const) {
      const result = await server.graphql(query, { token, variables: { n, id } });
      expect(result.errors?.[0]?.extensions?.code === 'QUERY_TOO_COMPLEX', `first: ${n}`).toBe(refused);
    }
  });

  it('costs `nodes` by the IDs asked for', async () => {
    const ids = Array.from({ length: 6_000 }, (_, index) => `"${Buffer.from(`Task:${index}`).toString('base64')}"`).join(', ');
    const result = await server.graphql(`{ nodes(ids: [${ids}]) { id } }`, { token });
    expectError(result, 'QUERY_TOO_COMPLEX');
  });

  it('lets a chat screen read a full page of messages with their actions', async () => {
    const result = await server.graphql(
      graphql(
        `query LimitsChatSessions { chatSessions(first: 1) { edges { node { title messages(first: 100) { totalCount edges { cursor node { id role content createdAt tokensUsed actions { tool arguments outcome detail } } } pageInfo { hasNextPage endCursor } } } } } }`,
      ),
      { token },
    );
    expect(result.errors).toBeUndefined();
  });

  it('lets an ordinary screen’s query through', async () => {
    const result = await server.graphql(
      graphql(
        `query LimitsMe { me { username } tasks(first: 100) { totalCount edges { node { id name tags owner { username } } } } chatSessions(first: 20) { edges { node { title lastMessage { content } } } } }`,
      ),
      { token },
    );
    expect(result.errors).toBeUndefined();
  });
});
