// A table of bad requests, over HTTP and graphql-ws: each is answered with an `extensions.code`
// from the documented list, and no answer quotes more than a short excerpt of what was sent.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/** The codes README's "Errors" list documents. */
const DOCUMENTED_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'REQUEST_TOO_LARGE',
  'OPERATION_RESOLUTION_FAILURE',
];

const server = await startTestServer();
const { token } = await seed(server).user().create();
await server.data(graphql(`mutation ErrorContractCreateChatSession { createChatSession(input: {}) { chatSession { id } } }`), { token });

/** Client text long enough that any echo of it shows; each case puts it somewhere. */
const HOSTILE = `Q${'x'.repeat(30_000)}`;
/** The longest run of it an answer may contain. */
const EXCERPT = HOSTILE.slice(0, 41);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** `answered`: the request is fine as GraphQL and answered like one naming nothing (null), without an error. */
type Case = { name: string; query: string; variables?: Record<string, unknown>; answered?: boolean };

/** Bad documents and variables, each sent over both transports. */
const operations: Case[] = [
  ...['tasks', 'chatSessions', 'automatedProcesses', 'processExecutions'].flatMap((field) => [
    { name: `${field}(after:) not a cursor`, query: `query($c: String) { ${field}(after: $c) { totalCount } }`, variables: { c: HOSTILE } },
    {
      name: `${field}(before:) a base64 cursor of junk`,
      query: `query($c: String) { ${field}(last: 2, before: $c) { totalCount } }`,
      variables: { c: b64(HOSTILE) },
    },
  ]),
  {
    name: 'ChatSession.messages(after:)',
    query: `query($c: String) { chatSessions(first: 1) { edges { node { messages(after: $c) { totalCount } } } } }`,
    variables: { c: b64(`X:${HOSTILE}`) },
  },
  { name: 'node(id:) of junk', query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: HOSTILE }, answered: true },
  {
    name: 'updateTask with a junk global ID',
    query: `mutation($id: ID!) { updateTask(input: { id: $id, name: "n" }) { task { id } } }`,
    variables: { id: b64(`Task:${HOSTILE}`) },
  },
  { name: 'a variable of the wrong type', query: `query($n: Int) { tasks(first: $n) { totalCount } }`, variables: { n: HOSTILE } },
  { name: 'a required variable missing', query: `query($n: Int!) { tasks(first: $n) { totalCount } }`, variables: {} },
  {
    name: 'an input object variable with an unknown field',
    query: `mutation($i: CreateTaskInput!) { createTask(input: $i) { task { id } } }`,
    variables: { i: { name: 'a', [HOSTILE]: 1 } },
  },
  {
    name: 'an enum variable of junk',
    query: `query($o: [TaskOrder!]) { tasks(orderBy: $o) { totalCount } }`,
    variables: { o: [{ field: HOSTILE, direction: 'ASC' }] },
  },
  { name: 'a syntax error on a long token', query: `{ tasks { ${HOSTILE} "${HOSTILE}" } }` },
  { name: 'an unknown field with a long name', query: `{ ${HOSTILE} }` },
  { name: 'a long string literal where an Int goes', query: `{ tasks(first: "${HOSTILE}") { totalCount } }` },
  { name: 'subscription cursor of junk', query: `subscription($c: String) { taskEvents(after: $c) { type } }`, variables: { c: HOSTILE } },
];

function checkErrors(
  name: string,
  errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> | undefined,
  raw: string,
  answered = false,
) {
  if (answered) expect(errors, name).toBeUndefined();
  else expect(errors?.length, name).toBeGreaterThan(0);
  for (const error of errors ?? []) {
    expect(DOCUMENTED_CODES, `${name}: ${error.message}`).toContain(error.extensions?.code);
    expect(error.message.length, name).toBeLessThanOrEqual(300);
  }
  expect(raw.includes(EXCERPT), `${name} echoes the input`).toBe(false);
  expect(raw.length, name).toBeLessThan(2_000);
}

describe('bad requests over HTTP', () => {
  it.each(operations.filter((each) => !each.query.startsWith('subscription')))('$name', async ({ name, query, variables, answered }) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const raw = await response.text();
    checkErrors(name, JSON.parse(raw).errors, raw, answered);
  });

  const requests: Array<{ name: string; init: RequestInit; status: number; url?: string }> = [
    {
      name: 'invalid JSON quoting the body',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query": "{ __typename }" ${HOSTILE}` },
      status: 400,
    },
    {
      name: 'JSON that is not an object',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([HOSTILE]) },
      status: 400,
    },
    {
      name: 'no query',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ variables: { x: HOSTILE } }) },
      status: 400,
    },
    {
      name: 'variables that are not an object',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', variables: HOSTILE }),
      },
      status: 400,
    },
    {
      name: 'an unknown operation name',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query A { __typename }', operationName: HOSTILE }),
      },
      status: 400,
    },
    {
      name: 'a mutation over GET',
      init: { method: 'GET', headers: { 'x-graphql-yoga-csrf': '1' } },
      url: `?query=${encodeURIComponent(`mutation { logout { revokedSessions } } # ${HOSTILE.slice(0, 2000)}`)}`,
      status: 405,
    },
    {
      name: 'a form post',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(`{ ${HOSTILE} }`)}`,
      },
      status: 403,
    },
  ];
  it.each(requests)('$name', async ({ name, init, status, url }) => {
    const response = await fetch(`${server.url}${url ?? ''}`, {
      ...init,
      headers: { accept: 'application/graphql-response+json', ...init.headers },
    });
    expect(response.status, name).toBe(status);
    const raw = await response.text();
    checkErrors(name, JSON.parse(raw).errors, raw);
  });
});

describe('bad requests over graphql-ws', () => {
  it.each(operations)('$name', async ({ name, query, variables, answered }) => {
    const subscription = server.subscribe(query, { token, variables });
    const first = await Promise.race([subscription.next(), subscription.ended.then((ended) => ({ ended }))]);
    const raw = JSON.stringify(first);
    // graphql-ws hands a refused operation's errors to the sink's `error`.
    const errors = 'ended' in first ? (first.ended.error as never) : first.errors;
    checkErrors(name, errors as never, raw, answered);
    subscription.close();
  });

  it('answers a message that is not JSON by closing with 4400 and a short reason', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    socket.send(`{${HOSTILE}`);
    const { code, reason } = await closed;
    expect(code).toBe(4400);
    expect(reason.includes(EXCERPT)).toBe(false);
  });
});
