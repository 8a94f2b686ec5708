// Bob tries every task operation on Alice's task. Each answer must be exactly what a random,
// nonexistent ID gets, and Alice's task must be unchanged afterwards.
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { seed } from '../helpers/seed.js';
import { expectError, graphql } from '../helpers/graphql.js';

const server = await startTestServer();
const alice = await seed(server).user().create();
const bob = await seed(server).user().create();

const created = await server.data(
  graphql(
    `mutation CrossUserTasksCreateTask { createTask(input: { name: "Alice's secret", description: "private", tags: ["alice-only"], dueDate: "2030-01-01" }) { task { id } } }`,
  ),
  { token: alice.token },
);
const aliceTaskId = created.createTask!.task.id;
const rawAliceId = Buffer.from(aliceTaskId, 'base64').toString('utf8').split(':')[1]!;
const randomTaskId = Buffer.from('Task:5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3').toString('base64');
const aliceBefore = await server.prisma.task.findUniqueOrThrow({ where: { id: rawAliceId } });

/** Bob's response for Alice's ID, and for a random ID, with IDs masked so they compare equal. */
async function asBob(query: string, variables: (id: string) => Record<string, unknown>) {
  const mask = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(aliceTaskId, '<id>').replaceAll(randomTaskId, '<id>'));
  const onAlice = await server.graphql(query, { token: bob.token, variables: variables(aliceTaskId) });
  const onRandom = await server.graphql(query, { token: bob.token, variables: variables(randomTaskId) });
  return { onAlice: mask(onAlice), onRandom: mask(onRandom) };
}

describe("another user's task is indistinguishable from a missing one", () => {
  const reads: Array<[string, string]> = [
    ['task(id)', `query($id: ID!) { task(id: $id) { id name } }`],
    ['node(id)', `query($id: ID!) { node(id: $id) { id ... on Task { name } } }`],
    ['nodes(ids)', `query($id: ID!) { nodes(ids: [$id]) { id } }`],
  ];
  for (const [name, query] of reads) {
    it(`${name} gives null`, async () => {
      const { onAlice, onRandom } = await asBob(query, (id) => ({ id }));
      expect(onAlice).toEqual(onRandom);
      expect(onAlice.errors).toBeUndefined();
      expect(JSON.stringify(onAlice.data)).not.toContain("Alice's secret");
    });
  }

  const mutations: Array<[string, string, (id: string) => Record<string, unknown>]> = [
    [
      'updateTask',
      `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { id } } }`,
      (id) => ({ input: { id, name: 'pwned', dueAt: null } }),
    ],
    ['completeTask', `mutation($id: ID!) { completeTask(input: { id: $id }) { task { id } } }`, (id) => ({ id })],
    ['reopenTask', `mutation($id: ID!) { reopenTask(input: { id: $id }) { task { id } } }`, (id) => ({ id })],
    ['deleteTask', `mutation($id: ID!) { deleteTask(input: { id: $id }) { deletedTaskId } }`, (id) => ({ id })],
  ];
  for (const [name, query, variables] of mutations) {
    it(`${name} is NOT_FOUND`, async () => {
      const { onAlice, onRandom } = await asBob(query, variables);
      expect(onAlice).toEqual(onRandom);
      expectError(onAlice, 'NOT_FOUND');
    });
  }

  it("lists, stats, tags and search never include Alice's task", async () => {
    const data = await server.data(
      graphql(`query CrossUserTasksTasks { tasks(filter: { search: "secret" }) { totalCount edges { node { id } } }
         all: tasks { totalCount }
         taskStats { total }
         tags { name } }`),
      { token: bob.token },
    );
    expect(data.tasks).toEqual({ totalCount: 0, edges: [] });
    expect(data.all.totalCount).toBe(0);
    expect(data.taskStats.total).toBe(0);
    expect(data.tags).toEqual([]);
  });

  it("Alice's owner cannot be fetched by Bob through node(id)", async () => {
    const owner = await server.data(graphql(`query CrossUserTasksTask($id: ID!) { task(id: $id) { owner { id } } }`), {
      token: alice.token,
      variables: { id: aliceTaskId },
    });
    const data = await server.data(graphql(`query CrossUserTasksNode($id: ID!) { node(id: $id) { id } }`), {
      token: bob.token,
      variables: { id: owner.task!.owner.id },
    });
    expect(data.node).toBeNull();
  });

  it("taskEvents never carries Alice's changes to Bob", async () => {
    const subscription = server.subscribe(graphql(`subscription CrossUserTasksTaskEvents { taskEvents { type taskId task { name } } }`), {
      token: bob.token,
    });
    await subscription.live;
    // Alice changes her task, then Bob makes one: the first event Bob's stream carries is his own.
    await server.data(
      graphql(`mutation CrossUserTasksUpdateTask($id: ID!) { updateTask(input: { id: $id, description: "private" }) { task { id } } }`),
      { token: alice.token, variables: { id: aliceTaskId } },
    );
    await server.data(graphql(`mutation CrossUserTasksCreateTask2 { createTask(input: { name: "bob's" }) { task { id } } }`), {
      token: bob.token,
    });
    expect((await subscription.next()).data?.taskEvents.task?.name).toBe("bob's");
    for (const result of subscription.pending) expect(result.data?.taskEvents.task?.name).toBe("bob's");
    subscription.close();
  });

  it("leaves Alice's task exactly as it was", async () => {
    const after = await server.prisma.task.findUniqueOrThrow({ where: { id: rawAliceId } });
    expect(after).toEqual({ ...aliceBefore, updatedAt: after.updatedAt });
    expect(after.name).toBe("Alice's secret");
    expect(after.status).toBe('pending');
  });
});
