import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MAX_DOCUMENT_TOKENS,
  MAX_FIELD_SELECTIONS,
  MAX_OPERATIONS_PER_SOCKET,
  MAX_REQUEST_BYTES,
} from '../../src/schema/document-limits.js';
import { seed } from '../helpers/seed.js';
import { startTestServer } from '../helpers/server.js';
import { expectError } from '../helpers/graphql.js';

/**
 * Limits that hold before any resolver runs: documents that only select `__typename` never
 * reach the complexity plugin, and a socket could otherwise hold any number of operations.
 */
const server = await startTestServer();
const { token } = await seed(server).user().create();

const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: __typename`).join(' ');
/** Just over the field limit, well under the token limit (three tokens an alias). */
const TOO_MANY_FIELDS = `{ ${aliases(MAX_FIELD_SELECTIONS + 1)} }`;
/** Over the token limit. */
const TOO_MANY_TOKENS = `{ ${aliases(Math.ceil(MAX_DOCUMENT_TOKENS / 3) + 10)} }`;

/** The error a graphql-ws operation ended with. */
async function wsOutcome(query: string): Promise<string> {
  const subscription = server.subscribe(query, { token });
  return JSON.stringify(await Promise.race([subscription.next(), subscription.ended]));
}

describe('document limits', () => {
  it('refuses an operation selecting too many fields through aliases, over HTTP', async () => {
    const result = await server.graphql(TOO_MANY_FIELDS, { token });
    expect(result.status).toBeLessThan(500);
    expect(result.data ?? null).toBeNull();
    expectError(result, 'QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/fields/);
  });

  it('counts each use of a fragment', async () => {
    // Just over half of the 200 fields an operation may select in all (`__typename` included).
    const fragment = `fragment Many on Query { ${aliases(101)} }`;
    const query = `{ ... on Query { ...Many } ... on Query { ...Many } } ${fragment}`;
    const result = await server.graphql(query, { token });
    expectError(result, 'QUERY_TOO_COMPLEX');

    const once = await server.graphql(`{ ...Many } ${fragment}`, { token });
    expect(once.errors).toBeUndefined();
  });

  it('refuses a document with too many tokens, over HTTP', async () => {
    const result = await server.graphql(TOO_MANY_TOKENS, { token });
    expect(result.status).toBeLessThan(500);
    expectError(result, 'QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/tokens/);
  });

  it('still reports an ordinary syntax error as such', async () => {
    const result = await server.graphql('{ me { username }', { token });
    expect(result.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('applies both over graphql-ws', async () => {
    const fields = await wsOutcome(TOO_MANY_FIELDS);
    expect(fields).toContain('QUERY_TOO_COMPLEX');
    expect(fields).toMatch(/fields/);
    const tokens = await wsOutcome(TOO_MANY_TOKENS);
    expect(tokens).toContain('QUERY_TOO_COMPLEX');
    expect(tokens).toMatch(/tokens/);
  });

  it('refuses an HTTP body over the size limit with 413', async () => {
    // A comment: few tokens, many bytes.
    const query = `# ${'x'.repeat(MAX_REQUEST_BYTES)}\n{ __typename }`;
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(413);
  });

  it('closes a WebSocket that sends a message over the size limit (1009)', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(MAX_REQUEST_BYTES) } }));
    expect(await closed).toBe(1009);
  });
});

describe('operations per graphql-ws connection', () => {
  it(`refuses operation ${MAX_OPERATIONS_PER_SOCKET + 1} with an error and keeps the connection`, async () => {
    const client = server.wsClient();
    const query = 'subscription { heartbeat(intervalSeconds: 3600) { sequence } }';
    const stops: Array<() => void> = [];
    // Each heartbeat answers at once: once all have, all are held by the server.
    await Promise.all(
      Array.from(
        { length: MAX_OPERATIONS_PER_SOCKET },
        () =>
          new Promise<void>((resolve, reject) => {
            stops.push(client.subscribe({ query }, { next: () => resolve(), error: reject, complete: () => undefined }));
          }),
      ),
    );

    const refused = await new Promise<unknown>((resolve) => {
      client.subscribe({ query }, { next: () => resolve('accepted'), error: resolve, complete: () => undefined });
    });
    expect(JSON.stringify(refused)).toContain('RATE_LIMITED');

    // Ending one frees a place on the same connection.
    stops[0]!();
    const accepted = await new Promise<unknown>((resolve) => {
      stops.push(client.subscribe({ query }, { next: () => resolve('accepted'), error: resolve, complete: () => undefined }));
    });
    expect(accepted).toBe('accepted');
    stops.forEach((stop) => stop());
  });
});
