// A connection cursor names a row by id, and the id is all a client needs to forge one. Paging
// from a row the viewer may not list (another user's task, session or message, an execution of
// another process) must answer exactly as paging from a row that does not exist; otherwise the
// page boundary reveals where that row sorts, and binary search over one's own rows recovers
// its name or dates.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

const server = await startTestServer();
const alice = await seed(server).user().create();
const bob = await seed(server).user().create();

/** The cursor the connections hand out for a row id (see @pothos/plugin-prisma's cursor format). */
const cursorOf = (rowId: string) => Buffer.from(`GPC:S:${rowId}`).toString('base64');
const rowIdOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

async function createTask(token: string, name: string, dueDate?: string) {
  const data = await server.data(
    graphql(`mutation CrossUserCursorsCreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { id } } }`),
    { token, variables: { input: { name, ...(dueDate ? { dueDate } : {}) } } },
  );
  return rowIdOf(data.createTask!.task.id);
}

/** Bob's answer for a cursor built from each id; all must be equal. */
async function asBob(query: string, cursorIds: readonly string[], variables: Record<string, unknown> = {}) {
  return Promise.all(cursorIds.map((id) => server.graphql(query, { token: bob.token, variables: { ...variables, cursor: cursorOf(id) } })));
}

describe('a cursor naming a row the viewer may not list pages like one naming a missing row', () => {
  it("tasks: Alice's task as cursor, in every order and direction", async () => {
    const secret = await createTask(alice.token, 'M secret', '2030-06-15');
    for (const [name, due] of [
      ['A', '2030-01-01'],
      ['C', '2030-03-01'],
      ['N', '2030-09-01'],
      ['Z', '2030-12-01'],
    ] as const)
      await createTask(bob.token, name, due);

    for (const order of ['NAME', 'DUE_AT', 'CREATED_AT', 'PRIORITY']) {
      for (const direction of ['ASC', 'DESC']) {
        for (const page of ['first: 10, after: $cursor', 'last: 10, before: $cursor']) {
          const query = `query($cursor: String) { tasks(${page}, orderBy: [{ field: ${order}, direction: ${direction} }]) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }`;
          const [foreign, missing, malformed] = await asBob(query, [secret, randomUUID(), 'not-a-uuid']);
          const label = `${order} ${direction} ${page}`;
          expect(foreign, label).toEqual(missing);
          expect(malformed, label).toEqual(missing);
          expect(missing!.errors, label).toBeUndefined();
        }
      }
    }
  });

  it("chatSessions: Alice's session as cursor", async () => {
    const secret = await server.prisma.chatSession.create({
      data: { userId: alice.user.id, title: 'secret', updatedAt: new Date('2030-01-02') },
    });
    for (const day of ['2029-12-31', '2030-01-01', '2030-01-03', '2030-01-04'])
      await server.prisma.chatSession.create({ data: { userId: bob.user.id, title: day, updatedAt: new Date(day) } });
    for (const page of ['first: 10, after: $cursor', 'last: 10, before: $cursor']) {
      const query = `query($cursor: String) { chatSessions(${page}) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { title } } } }`;
      const [foreign, missing, malformed] = await asBob(query, [secret.id, randomUUID(), 'not-a-uuid']);
      expect(foreign, page).toEqual(missing);
      expect(malformed, page).toEqual(missing);
      expect(missing!.errors, page).toBeUndefined();
    }
  });

  it("chat messages: a message of Alice's session as cursor into Bob's session", async () => {
    const aliceSession = await server.prisma.chatSession.create({ data: { userId: alice.user.id, title: 'hers' } });
    const bobSession = await server.prisma.chatSession.create({ data: { userId: bob.user.id, title: 'his' } });
    const secret = await server.prisma.chatMessage.create({
      data: { sessionId: aliceSession.id, role: 'user', content: 'secret', createdAt: new Date('2030-01-02') },
    });
    for (const day of ['2029-12-31', '2030-01-01', '2030-01-03', '2030-01-04']) {
      await server.prisma.chatMessage.create({ data: { sessionId: bobSession.id, role: 'user', content: day, createdAt: new Date(day) } });
    }
    const session = Buffer.from(`ChatSession:${bobSession.id}`).toString('base64');
    for (const page of ['first: 10, after: $cursor', 'last: 10, before: $cursor']) {
      const query = `query($id: ID!, $cursor: String) { chatSession(id: $id) { messages(${page}) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { content } } } } }`;
      const [foreign, missing] = await asBob(query, [secret.id, randomUUID()], { id: session });
      expect(foreign, page).toEqual(missing);
      expect(missing!.errors, page).toBeUndefined();
    }
  });

  it("executions: another process's execution as cursor into a process's history", async () => {
    const [listed, other] = await Promise.all(
      ['listed', 'other'].map((suffix) =>
        server.prisma.automatedProcess.create({
          data: { name: `cursor-${suffix}-${randomUUID()}`, triggerType: 'manual', isEnabled: false },
        }),
      ),
    );
    const foreignRun = await server.prisma.automatedProcessExecution.create({
      data: { processId: other!.id, status: 'completed', createdAt: new Date('2030-01-02') },
    });
    for (const day of ['2029-12-31', '2030-01-01', '2030-01-03', '2030-01-04'])
      await server.prisma.automatedProcessExecution.create({
        data: { processId: listed!.id, status: 'completed', createdAt: new Date(day) },
      });
    for (const page of ['first: 10, after: $cursor', 'last: 10, before: $cursor']) {
      const query = `query($name: String!, $cursor: String) { automatedProcess(name: $name) { executions(${page}) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { queuedAt } } } } }`;
      const [foreign, missing] = await asBob(query, [foreignRun.id, randomUUID()], { name: listed!.name });
      expect(foreign, page).toEqual(missing);
      expect(missing!.errors, page).toBeUndefined();
    }
  });

  it('a malformed id in a cursor of the process lists pages like a missing row, not an internal error', async () => {
    for (const field of ['automatedProcesses', 'processExecutions']) {
      const query = `query($cursor: String) { ${field}(first: 10, after: $cursor) { totalCount edges { node { id } } } }`;
      const [malformed, missing] = await asBob(query, ['not-a-uuid', randomUUID()]);
      expect(malformed, field).toEqual(missing);
      expect(missing!.errors, field).toBeUndefined();
    }
  });
});
