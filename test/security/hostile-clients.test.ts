// What a hostile page or an anonymous prober can get from the server: the schema (not in
// production), cross-site operations (refused), cross-origin reads (only configured origins),
// and stderr floods from bad WebSocket frames (one log line instead).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import WebSocket from 'ws';
import { MAX_REQUEST_BYTES } from '../../src/schema/document-limits.js';
import { captureLogs } from '../helpers/logs.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, graphql } from '../helpers/graphql.js';

const INTROSPECTION = '{ __schema { types { name } } }';

const development = await startTestServer();
const production = await startTestServer({ env: { NODE_ENV: 'production' } });
const productionOptedIn = await startTestServer({ env: { NODE_ENV: 'production', BEHFLOW_INTROSPECTION: 'true' } });

describe('schema disclosure', () => {
  it('in production, refuses introspection over HTTP and WebSocket, with or without a session', async () => {
    const { token } = await seed(production).user().create();
    for (const options of [{}, { token }]) {
      const http = await production.graphql(INTROSPECTION, options);
      expect(http.data).toBeUndefined();
      expectError(http, 'GRAPHQL_VALIDATION_FAILED');
      const typeQuery = await production.graphql('{ __type(name: "Task") { fields { name } } }', options);
      expectError(typeQuery, 'GRAPHQL_VALIDATION_FAILED');

      const ws = production.subscribe(INTROSPECTION, options);
      const ended = await ws.ended;
      expect(JSON.stringify(ended.error)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(ended.error)).not.toContain('ArchiveChatSessionInput');
    }
    // `__typename` is no disclosure: clients (urql, Apollo) add it everywhere.
    expect(await production.data('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('in production, names no type or field the client did not write ("Did you mean …?")', async () => {
    const http = await production.graphql('{ taskz { id } }');
    expect(http.errors?.[0]?.message).toBe('Cannot query field "taskz" on type "Query".');
    const ws = production.subscribe('subscription { taskEvent { type } }');
    const ended = await ws.ended;
    expect(JSON.stringify(ended.error)).toContain('Cannot query field');
    expect(JSON.stringify(ended.error)).not.toMatch(/Did you mean|taskEvents/);
  });

  it('with BEHFLOW_INTROSPECTION=true answers introspection in production too', async () => {
    const result = await productionOptedIn.graphql(INTROSPECTION);
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).toContain('"Task"');
    expect((await productionOptedIn.graphql('{ taskz }')).errors?.[0]?.message).toContain('Did you mean');
  });

  it('in development answers introspection (GraphiQL needs it), over both transports, and serves GraphiQL', async () => {
    expect(JSON.stringify(await development.data(INTROSPECTION))).toContain('"Task"');
    const ws = development.subscribe(INTROSPECTION);
    expect(JSON.stringify((await ws.next()).data)).toContain('"Task"');
    const page = await fetch(development.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Behflow GraphQL');
  });
});

describe('cross-site requests', () => {
  const register = (username: string) =>
    `mutation { register(input: { username: "${username}", password: "correct horse battery", name: "A", lastname: "B" }) { user { id } } }`;
  const accountExists = async (username: string) => (await development.prisma.user.count({ where: { username } })) > 0;

  it.each([
    ['application/x-www-form-urlencoded', (query: string) => `query=${encodeURIComponent(query)}`],
    ['text/plain', (query: string) => JSON.stringify({ query })],
    [
      'multipart/form-data; boundary=X',
      (query: string) => `--X\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query })}\r\n--X--\r\n`,
    ],
  ])('refuses a %s POST (a form or fetch a page may send without preflight) and runs nothing', async (contentType, body) => {
    const username = `csrf${randomUUID().slice(0, 8)}`;
    const response = await fetch(development.url, {
      method: 'POST',
      headers: { 'content-type': contentType, origin: 'https://evil.example' },
      body: body(register(username)),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(await accountExists(username)).toBe(false);
  });

  it('refuses a GET without a CSRF or Authorization header, and answers one with either', async () => {
    const url = `${development.url}?query=${encodeURIComponent('{ serverInfo { timeZone } }')}`;
    expect((await fetch(url, { headers: { accept: 'application/json' } })).status).toBe(403);
    const withHeader = await fetch(url, { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).data.serverInfo.timeZone).toBeTruthy();
    const { token } = await seed(development).user().create();
    const withToken = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
  });

  it('takes a JSON POST, as the web app, GraphiQL and the documented clients send', async () => {
    const username = `json${randomUUID().slice(0, 8)}`;
    const result = await development.graphql(register(username));
    expect(result.errors).toBeUndefined();
    expect(await accountExists(username)).toBe(true);
  });

  it('sends no CORS headers to another origin by default: the browser lets no other site read an answer', async () => {
    const preflight = await fetch(development.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await fetch(development.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the origins in BEHFLOW_CORS_ORIGINS', async () => {
    const server = await startTestServer({ env: { BEHFLOW_CORS_ORIGINS: 'https://todo.example.com, http://localhost:5173' } });
    const preflight = (origin: string) =>
      fetch(server.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('https://todo.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://todo.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const origin of ['https://evil.example', 'https://todo.example.com.evil.example', 'null']) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('committed work is never hidden', () => {
  it('reports a document’s committed mutations beside the one that failed', async () => {
    const { token } = await seed(development).user().create();
    const missing = Buffer.from(`Task:${randomUUID()}`).toString('base64');
    const result = await development.graphql(
      graphql(`
        mutation HostileClientsCommittedWork($missing: ID!) {
          first: createTask(input: { name: "kept" }) { task { id name } }
          gone: deleteTask(input: { id: $missing }) { deletedTaskId }
          last: createTask(input: { name: "also kept" }) { task { name } }
        }
      `),
      { token, variables: { missing } },
    );
    expect(result.data?.first?.task.name).toBe('kept');
    expect(result.data?.gone).toBeNull();
    expect(result.data?.last?.task.name).toBe('also kept');
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['gone'], extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
  });
});

describe('WebSocket protocol errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs an oversized frame as one JSON line, closes with 1009, and prints nothing to stderr', async () => {
    const { logger, entries } = captureLogs('warn');
    const server = await startTestServer({ logger });
    const printed: unknown[] = [];
    const spies = [
      vi.spyOn(console, 'error').mockImplementation((...args) => void printed.push(args)),
      vi.spyOn(console, 'warn').mockImplementation((...args) => void printed.push(args)),
    ];
    const stderr = vi.spyOn(process.stderr, 'write');
    onTestFinished(() => {
      for (const spy of [...spies, stderr]) spy.mockRestore();
    });

    for (let round = 0; round < 3; round += 1) {
      const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.on('error', () => {});
      socket.send('x'.repeat(MAX_REQUEST_BYTES + 1));
      expect(await closed).toBe(1009);
    }
    await expect.poll(() => entries().filter((entry) => entry.msg === 'WebSocket protocol error; connection closed').length).toBe(3);
    expect(printed).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
    const entry = entries().find((each) => each.msg === 'WebSocket protocol error; connection closed')!;
    expect(JSON.stringify(entry)).not.toMatch(/\n\s+at /);
    expect(entry.err).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
  });
});
