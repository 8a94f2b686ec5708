// IDs a client can send that name nothing: malformed process, execution and chat session IDs, IDs of another
// type, undecodable global IDs, and more IDs in one `nodes` call than it may load. Each must get
// the answer a missing object gets (null, an empty list, NOT_FOUND), or a BAD_USER_INPUT
// naming the argument, never an internal error and never an error in the server's log.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

/** Every log line at error level or worse the server writes. */
const errorLines: string[] = [];
const logger = pino({ level: 'error' }, { write: (line: string) => void errorLines.push(line) });
const server = await startTestServer({ logger });
const admin = await seed(server).user().admin().create();

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');
const missingProcess = globalId('AutomatedProcess', randomUUID());

/** The answer for `id`, and for an id of a process that does not exist, as the admin. */
async function beside(document: string, variables: (id: string) => Record<string, unknown>, id: string) {
  const [given, missing] = await Promise.all(
    [id, missingProcess].map((each) => server.graphql(document, { token: admin.token, variables: variables(each) })),
  );
  const mask = (value: unknown) => JSON.parse(JSON.stringify(value).split(id).join('<id>').split(missingProcess).join('<id>'));
  return { given: mask(given), missing: mask(missing) };
}

const notProcesses: Array<[string, string]> = [
  ['a non-UUID AutomatedProcess ID', globalId('AutomatedProcess', 'not-a-uuid')],
  ["another type's ID", globalId('Task', randomUUID())],
  ['an ID that is not base64', '!!not base64!!'],
  ['a base64 text without a type', Buffer.from('no-colon-here').toString('base64')],
];

describe('process IDs that name no process answer like a missing process', () => {
  const reads: Array<[string, string, (id: string) => Record<string, unknown>]> = [
    ['automatedProcess(id:)', `query($id: ID!) { automatedProcess(id: $id) { id name } }`, (id) => ({ id })],
    ['node(id:)', `query($id: ID!) { node(id: $id) { id } }`, (id) => ({ id })],
    ['nodes(ids:)', `query($id: ID!) { nodes(ids: [$id]) { id } }`, (id) => ({ id })],
    [
      'processExecutions(filter: { process })',
      `query($id: ID!) { processExecutions(filter: { process: $id }) { totalCount edges { node { id } } } }`,
      (id) => ({ id }),
    ],
  ];
  const mutations: Array<[string, string, (id: string) => Record<string, unknown>]> = [
    ['runAutomatedProcess', `mutation($id: ID!) { runAutomatedProcess(input: { id: $id }) { execution { id } } }`, (id) => ({ id })],
    ['enableAutomatedProcess', `mutation($id: ID!) { enableAutomatedProcess(input: { id: $id }) { process { id } } }`, (id) => ({ id })],
    ['disableAutomatedProcess', `mutation($id: ID!) { disableAutomatedProcess(input: { id: $id }) { process { id } } }`, (id) => ({ id })],
    ['deleteAutomatedProcess', `mutation($id: ID!) { deleteAutomatedProcess(input: { id: $id }) { deletedProcessId } }`, (id) => ({ id })],
    [
      'updateAutomatedProcess',
      `mutation($id: ID!) { updateAutomatedProcess(input: { id: $id, description: "x" }) { process { id } } }`,
      (id) => ({ id }),
    ],
  ];
  for (const [what, id] of notProcesses) {
    for (const [name, document, variables] of reads) {
      it(`${name} with ${what}: as if missing, no error`, async () => {
        const { given, missing } = await beside(document, variables, id);
        expect(given).toEqual(missing);
        expect(given.errors).toBeUndefined();
      });
    }
    for (const [name, document, variables] of mutations) {
      it(`${name} with ${what}: NOT_FOUND, as if missing`, async () => {
        const { given, missing } = await beside(document, variables, id);
        expect(given).toEqual(missing);
        expectError(given, 'NOT_FOUND');
      });
    }
  }

  it('a missing process is null through node(id:) and nodes(ids:)', async () => {
    const data = await server.data(graphql(`query MalformedIdsNode($id: ID!) { node(id: $id) { id } nodes(ids: [$id, $id]) { id } }`), {
      token: admin.token,
      variables: { id: missingProcess },
    });
    expect(data).toEqual({ node: null, nodes: [null, null] });
  });
});

describe('chat session IDs that name no session answer like a missing session', () => {
  const missingSession = globalId('ChatSession', randomUUID());
  const notSessions: Array<[string, string]> = [
    ['a non-UUID ChatSession ID', globalId('ChatSession', 'not-a-uuid')],
    ["another type's ID", globalId('Task', randomUUID())],
    ['an ID that is not base64', '!!not base64!!'],
    ['a base64 text without a type', Buffer.from('no-colon-here').toString('base64')],
  ];
  const uses: Array<[string, string, (id: string) => Record<string, unknown>, 'null' | 'NOT_FOUND']> = [
    ['chatSession(id:)', `query($id: ID!) { chatSession(id: $id) { id } }`, (id) => ({ id }), 'null'],
    [
      'renameChatSession',
      `mutation($id: ID!) { renameChatSession(input: { id: $id, title: "x" }) { chatSession { id } } }`,
      (id) => ({ id }),
      'NOT_FOUND',
    ],
    [
      'archiveChatSession',
      `mutation($id: ID!) { archiveChatSession(input: { id: $id }) { chatSession { id } } }`,
      (id) => ({ id }),
      'NOT_FOUND',
    ],
    [
      'deleteChatSession',
      `mutation($id: ID!) { deleteChatSession(input: { id: $id }) { deletedChatSessionId } }`,
      (id) => ({ id }),
      'NOT_FOUND',
    ],
    [
      'sendChatMessage',
      `mutation($id: ID!) { sendChatMessage(input: { sessionId: $id, content: "hi" }) { message { id } } }`,
      (id) => ({ id }),
      'NOT_FOUND',
    ],
  ];
  for (const [what, id] of notSessions) {
    for (const [name, document, variables, answer] of uses) {
      it(`${name} with ${what}: ${answer}, as if missing`, async () => {
        const [given, missing] = await Promise.all([
          server.graphql(document, { token: admin.token, variables: variables(id) }),
          server.graphql(document, { token: admin.token, variables: variables(missingSession) }),
        ]);
        const mask = (value: unknown, each: string) => JSON.parse(JSON.stringify(value).split(each).join('<id>'));
        expect(mask(given, id)).toEqual(mask(missing, missingSession));
        if (answer === 'null') expect(given.errors).toBeUndefined();
        else expect(given.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      });
    }
  }
});

describe('node(id:) and nodes(ids:) with IDs that name no object give null', () => {
  const nothing: Array<[string, string]> = [
    ['a missing execution', globalId('AutomatedProcessExecution', randomUUID())],
    ['a non-UUID execution ID', globalId('AutomatedProcessExecution', 'not-a-uuid')],
    ['an unknown type', globalId('NoSuchType', randomUUID())],
    ['a type that is not a Node', globalId('TaskStats', randomUUID())],
    ['an ID that is not base64', '!!not base64!!'],
    ['a base64 text without a type', Buffer.from('no-colon-here').toString('base64')],
    ['an empty ID', ''],
  ];
  for (const [what, id] of nothing) {
    it(what, async () => {
      const result = await server.graphql(graphql(`query MalformedIdsNode2($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`), {
        token: admin.token,
        variables: { id },
      });
      expect(result).toEqual({ status: 200, data: { node: null, nodes: [null] } });
    });
  }

  it('still loads the objects that exist next to such IDs', async () => {
    const process = await server.prisma.automatedProcess.create({
      data: { name: `ids-${randomUUID()}`, triggerType: 'manual', isEnabled: false },
    });
    const id = globalId('AutomatedProcess', process.id);
    const data = await server.data(graphql(`query MalformedIdsNodes($ids: [ID!]!) { nodes(ids: $ids) { id } }`), {
      token: admin.token,
      variables: { ids: ['!!', id, globalId('NoSuchType', 'x')] },
    });
    expect(data).toEqual({ nodes: [null, { id }, null] });
  });
});

describe('nodes(ids:) loads at most 100 objects', () => {
  it('refuses 101 IDs with BAD_USER_INPUT naming ids', async () => {
    const ids = Array.from({ length: 101 }, () => globalId('Task', randomUUID()));
    const result = await server.graphql(graphql(`query MalformedIdsNodes2($ids: [ID!]!) { nodes(ids: $ids) { id } }`), {
      token: admin.token,
      variables: { ids },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    expect(result.data).toBeNull();
  });

  // (Far larger lists are refused earlier still: by the query cost, or as a body over 1 MiB.)
  it('refuses 2,000 IDs the same way, before reading anything', async () => {
    const ids = Array.from({ length: 2_000 }, () => globalId('Task', randomUUID()));
    const { result, statements } = await server.queries.record(() =>
      server.graphql(graphql(`query MalformedIdsNodes3($ids: [ID!]!) { nodes(ids: $ids) { id } }`), {
        token: admin.token,
        variables: { ids },
      }),
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    expect(statements.filter((sql) => /\btasks\b/.test(sql))).toEqual([]);
  });

  it('answers 100 IDs', async () => {
    const created = await server.data(graphql(`mutation MalformedIdsCreateTask { createTask(input: { name: "mine" }) { task { id } } }`), {
      token: admin.token,
    });
    const ids = [created.createTask!.task.id, ...Array.from({ length: 99 }, () => globalId('Task', randomUUID()))];
    const data = await server.data(graphql(`query MalformedIdsNodes4($ids: [ID!]!) { nodes(ids: $ids) { id } }`), {
      token: admin.token,
      variables: { ids },
    });
    expect(data.nodes).toHaveLength(100);
    expect(data.nodes[0]).toEqual({ id: created.createTask!.task.id });
    expect(data.nodes.slice(1).every((node) => node === null)).toBe(true);
  });
});

it('none of the above wrote an error to the log', () => {
  expect(errorLines).toEqual([]);
});
