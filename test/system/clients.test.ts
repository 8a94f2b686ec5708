import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/system/graphiql.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

/** What HTTP clients and browsers get besides JSON: multipart subscriptions, a 406 that says what to send, pages for browsers. */
const server = await startTestServer();
const { token } = await seed(server).user().create();
const APOLLO_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json';
const SUBSCRIPTION = JSON.stringify({ query: 'subscription { taskEvents { type task { name } } }' });

describe('subscriptions over HTTP', () => {
  it('answers Apollo’s multipart protocol: parts of {"payload": ...}, as its HttpLink sends the request', async () => {
    const abort = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', accept: APOLLO_ACCEPT, authorization: `Bearer ${token}` },
      body: SUBSCRIPTION,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
    const reader = response.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    // Tasks are created until one is reported (the stream starts asynchronously).
    let created = 0;
    const read = (async () => {
      while (!text.includes('"CREATED"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    })();
    await expect
      .poll(
        async () => {
          created += 1;
          await server.data(graphql(`mutation ClientsCreateTask($name: String!) { createTask(input: { name: $name }) { task { id } } }`), {
            token,
            variables: { name: `multipart ${created}` },
          });
          return text.includes('"CREATED"');
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(true);
    await read;
    abort.abort();
    const part = text.split('\r\n--graphql').find((chunk) => chunk.includes('"CREATED"'))!;
    const [headers, body] = part.split('\r\n\r\n');
    expect(headers!.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body!)).toEqual({
      payload: { data: { taskEvents: { type: 'CREATED', task: { name: expect.stringMatching(/^multipart \d+$/) } } } },
    });
  });

  it('answers a subscription that cannot start (no session) as one JSON result, which Apollo reads as the error', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: APOLLO_ACCEPT },
      body: SUBSCRIPTION,
    });
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an Accept it cannot answer with a body saying what to send, not an empty 406', async () => {
    for (const [accept, body, named] of [
      ['text/plain', SUBSCRIPTION, /text\/event-stream.*multipart\/mixed.*graphql-ws/],
      ['text/plain', JSON.stringify({ query: '{ __typename }' }), /application\/json/],
    ] as const) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` },
        body,
      });
      expect(response.status).toBe(406);
      const answer = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(answer.errors[0]!.extensions.code).toBe('NOT_ACCEPTABLE');
      expect(answer.errors[0]!.message).toMatch(named);
    }
  });
});

describe('browsers at /graphql', () => {
  const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  it('in production (GraphiQL off) get a short page saying what the URL is and how to use it', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production' } });
    const response = await fetch(production.url, { headers: BROWSER });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const page = await response.text();
    expect(page).toMatch(/Behflow GraphQL API/);
    expect(page).toMatch(/BEHFLOW_GRAPHIQL=true/);
    expect(page).toMatch(/graphql-ws/);
    expect(page).not.toMatch(/<script/i);
    // API requests are not affected.
    expect((await production.graphql(graphql(`query ClientsTypename { __typename }`))).data).toEqual({ __typename: 'Query' });
    // A GET carries the CSRF header (or a token), as API clients do; a bare one is refused (see the security tests).
    const get = await fetch(`${production.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    await production.stop();
  });

  it('with GraphiQL on, open it with a document that signs in and says how to set the header', async () => {
    const response = await fetch(server.url, { headers: BROWSER });
    const page = await response.text();
    expect(page).toMatch(/GraphiQL|graphiql/);
    // The options are embedded in the page as JSON.
    expect(page).toContain(JSON.stringify(GRAPHIQL_DEFAULT_QUERY).slice(1, 60));
    expect(GRAPHIQL_DEFAULT_QUERY).toMatch(/login\(input:/);
    expect(GRAPHIQL_DEFAULT_QUERY).toMatch(/\{"authorization": "Bearer <the token>"\}/);
    expect(validate(schema, parse(GRAPHIQL_DEFAULT_QUERY))).toEqual([]);
  });
});
