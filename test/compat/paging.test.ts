import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

/**
 * Paging and filters behave one way across the whole API: page sizes past the maximum and
 * `first` with `last` are refused naming the argument (never cut short in silence), tag
 * filters read tags in any case as search does, every connection offers `nodes`, and chat
 * sessions can be sorted and searched like tasks.
 */
const server = await startTestServer();
const { token } = await seed(server).user().create();

const create = (name: string, tags: string[]) =>
  server.data(graphql(`mutation PagingCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`), {
    token,
    variables: { input: { name, tags } },
  });

// Every connection of the schema, top-level and nested, as a client would page it.
const CONNECTIONS: Record<string, (size: string) => string> = {
  tasks: (size) => `{ tasks(${size}) { totalCount } }`,
  chatSessions: (size) => `{ chatSessions(${size}) { totalCount } }`,
  messages: (size) => `{ chatSessions(first: 1) { edges { node { messages(${size}) { totalCount } } } } }`,
  automatedProcesses: (size) => `{ automatedProcesses(${size}) { totalCount } }`,
  processExecutions: (size) => `{ processExecutions(${size}) { totalCount } }`,
  executions: (size) => `{ automatedProcesses(first: 1) { edges { node { executions(${size}) { totalCount } } } } }`,
};

describe('page sizes', () => {
  for (const [name, query] of Object.entries(CONNECTIONS)) {
    it(`${name}: more than 100 is refused naming the argument, over HTTP and graphql-ws`, async () => {
      for (const [size, argument] of [
        ['first: 500', 'first'],
        ['last: 101', 'last'],
      ] as const) {
        const result = await server.graphql(query(size), { token });
        expect(result.errors?.[0]?.extensions, `${name}(${size})`).toMatchObject({ code: 'BAD_USER_INPUT', field: argument });
        expect(result.errors?.[0]?.message).toMatch(/at most 100/);
        expect(result.data ?? null).toBeNull();
      }
      const viaSocket = server.subscribe(query('first: 500'), { token });
      expect((await viaSocket.next()).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it(`${name}: first with last is refused; 100 is served`, async () => {
      const both = await server.graphql(query('first: 2, last: 2'), { token });
      expect(both.errors?.[0]?.extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
      expect((await server.graphql(query('first: 100'), { token })).errors, name).toBeUndefined();
    });
  }

  it('refuses a page size given through a variable the same way', async () => {
    const result = await server.graphql(graphql(`query PagingTasks($n: Int) { tasks(first: $n) { totalCount } }`), {
      token,
      variables: { n: 1000 },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('says so in the schema', async () => {
    const data = await server.data<{ __type: { fields: Array<{ name: string; args: Array<{ name: string; description: string }> }> } }>(
      '{ __type(name: "Query") { fields { name args { name description } } } }',
    );
    const first = data.__type.fields.find((field) => field.name === 'tasks')!.args.find((arg) => arg.name === 'first')!;
    expect(first.description).toMatch(/More than 100.*refused with BAD_USER_INPUT/);
  });
});

describe('tag filters', () => {
  it('match tags in any case, as search does', async () => {
    await create('Quarterly report', ['Work', 'Urgent']);
    await create('Buy milk', ['home']);
    await create('Plan trip', ['TRAVEL', 'home']);
    const names = async (filter: Record<string, unknown>) =>
      (
        await server.data(graphql(`query PagingTasks2($filter: TaskFilter) { tasks(filter: $filter, first: 100) { nodes { name } } }`), {
          token,
          variables: { filter },
        })
      ).tasks.nodes
        .map((task) => task.name)
        .sort();
    expect(await names({ tagsAny: ['work'] })).toEqual(['Quarterly report']);
    expect(await names({ tagsAny: ['WORK', 'travel'] })).toEqual(['Plan trip', 'Quarterly report']);
    expect(await names({ tagsAll: ['urgent', 'work'] })).toEqual(['Quarterly report']);
    expect(await names({ tagsAll: ['Home', 'Travel'] })).toEqual(['Plan trip']);
    expect(await names({ search: 'work' })).toEqual(await names({ tagsAny: ['work'] }));
    // Tags keep the case they were written in.
    const tags = await server.data(graphql(`query PagingTasks3 { tasks(filter: { tagsAny: ["work"] }) { nodes { tags } } }`), { token });
    expect(tags.tasks.nodes[0]!.tags).toEqual(['Work', 'Urgent']);
  });
});

describe('nodes on connections', () => {
  it('gives the items of the page, the same as edges { node }, at the same price', async () => {
    const data = await server.data(graphql(`query PagingTasks4 { tasks(first: 2) { edges { node { id } } nodes { id } } }`), { token });
    expect(data.tasks.nodes).toHaveLength(2);
    expect(data.tasks.nodes).toEqual(data.tasks.edges.map((edge) => edge.node));
    // A hundred per page nested in a hundred is still refused through `nodes`.
    const amplifying = await server.graphql(
      graphql(`query PagingChatSessions { chatSessions(first: 100) { nodes { messages(first: 100) { nodes { content } } } } }`),
      {
        token,
      },
    );
    expectError(amplifying, 'QUERY_TOO_COMPLEX');
  });

  it('exists on every connection type of the schema', async () => {
    const data = await server.data<{ __schema: { types: Array<{ name: string; fields: Array<{ name: string }> | null }> } }>(
      '{ __schema { types { name fields { name } } } }',
    );
    const connections = data.__schema.types.filter((type) => type.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThanOrEqual(4);
    for (const connection of connections)
      expect(
        connection.fields!.map((field) => field.name),
        connection.name,
      ).toContain('nodes');
  });
});

describe('chatSessions ordering and search', () => {
  it('orders by last activity or creation, either way, and searches titles in any case', async () => {
    const start = async (title: string) =>
      (
        await server.data(
          graphql(
            `mutation PagingCreateChatSession($input: CreateChatSessionInput!) { createChatSession(input: $input) { chatSession { id } } }`,
          ),
          {
            token,
            variables: { input: { title } },
          },
        )
      ).createChatSession!.chatSession.id;
    const weekly = await start('Weekly planning');
    const trip = await start('Trip to Shiraz');
    const budget = await start('Budget plan 100%');
    // The oldest session becomes the most recently active one.
    await server.data(
      graphql(
        `mutation PagingRenameChatSession($input: RenameChatSessionInput!) { renameChatSession(input: $input) { chatSession { id } } }`,
      ),
      {
        token,
        variables: { input: { id: weekly, title: 'Weekly Planning' } },
      },
    );
    const list = async (args: string) =>
      (
        await server.data<{ chatSessions: { nodes: Array<{ id: string }> } }>(`{ chatSessions(${args}) { nodes { id } } }`, { token })
      ).chatSessions.nodes.map((node) => node.id);
    expect(await list('first: 10')).toEqual([weekly, budget, trip]);
    expect(await list('first: 10, orderBy: [{ field: LAST_ACTIVITY, direction: ASC }]')).toEqual([trip, budget, weekly]);
    expect(await list('first: 10, orderBy: [{ field: CREATED_AT, direction: ASC }]')).toEqual([weekly, trip, budget]);
    expect(await list('first: 10, orderBy: [{ field: CREATED_AT, direction: DESC }]')).toEqual([budget, trip, weekly]);
    expect(await list('first: 10, filter: { search: "PLAN" }')).toEqual([weekly, budget]);
    expect(await list('first: 10, filter: { search: "plan weekly" }')).toEqual([weekly]);
    expect(await list('first: 10, filter: { search: "100%" }')).toEqual([budget]);
    expect(await list('first: 10, filter: { search: "%" }')).toEqual([budget]);
    // Paging through an ordered list with cursors gives each session once, in order.
    const firstPage = await server.data(
      graphql(
        `query PagingChatSessions2 { chatSessions(first: 2, orderBy: [{ field: CREATED_AT, direction: ASC }]) { nodes { id } pageInfo { endCursor } } }`,
      ),
      { token },
    );
    const rest = await list(
      `first: 2, after: "${firstPage.chatSessions.pageInfo.endCursor}", orderBy: [{ field: CREATED_AT, direction: ASC }]`,
    );
    expect([...firstPage.chatSessions.nodes.map((node) => node.id), ...rest]).toEqual([weekly, trip, budget]);
    const tooLong = await server.graphql(`{ chatSessions(filter: { search: "${'x'.repeat(201)}" }) { totalCount } }`, { token });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
  });
});
