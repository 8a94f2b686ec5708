import { afterAll, describe, expect, it, vi } from 'vitest';
import { seed } from '../helpers/seed.js';
import { captureLogs } from '../helpers/logs.js';
import { startTestServer } from '../helpers/server.js';

/*
 * A failure while a graphql-ws connection or operation starts (here: the sessions table is
 * gone, so no token can be looked up) reaches the server log, not the client: the client
 * gets generic words, never the database's message, and nothing is printed to the console.
 */
const { logger, lines } = captureLogs('error');
const server = await startTestServer({ logger });
const { token } = await seed(server).user().create();
await server.prisma.$executeRawUnsafe('DROP TABLE auth_sessions CASCADE');
const consoleError = vi.spyOn(console, 'error');
afterAll(() => consoleError.mockRestore());

describe('a database failure while a WebSocket connection starts', () => {
  it('closes the socket with a generic reason (try again later) and logs the cause', async () => {
    const client = server.wsClient({ token });
    const closed = new Promise<{ code?: number; reason?: string }>((resolve) => client.on('closed', (event) => resolve(event as never)));
    const outcome = await new Promise<unknown>((resolve) =>
      client.subscribe({ query: '{ serverInfo { version } }' }, { next: resolve, error: resolve, complete: () => resolve('completed') }),
    );
    const close = await closed;

    expect(close).toMatchObject({ code: 1013, reason: 'Try again later' });
    expect(JSON.stringify(outcome)).not.toMatch(/auth_sessions|relation|prisma/i);
    const logged = lines
      .map((line) => JSON.parse(line) as { msg?: string; err?: unknown })
      .find((entry) => entry.msg === 'could not resolve the viewer of a WebSocket connection');
    expect(JSON.stringify(logged?.err)).toMatch(/auth_sessions/);
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('a database failure while a WebSocket operation starts', () => {
  it('answers the operation with SERVICE_UNAVAILABLE and keeps the socket open', async () => {
    const client = server.wsClient();
    const run = (headers?: Record<string, string>) =>
      new Promise<unknown>((resolve) => {
        const results: unknown[] = [];
        client.subscribe(
          { query: '{ serverInfo { version } }', extensions: headers ? { headers } : {} },
          { next: (result) => results.push(result), error: (error) => resolve({ error }), complete: () => resolve(results) },
        );
      });

    const failed = await run({ authorization: `Bearer ${token}` });
    expect(failed).toEqual({ error: [expect.objectContaining({ message: 'The service is temporarily unavailable. Try again shortly.' })] });
    expect(JSON.stringify(failed)).not.toMatch(/auth_sessions|relation|prisma/i);
    // The same connection still works for what needs no session.
    expect(await run()).toEqual([{ data: { serverInfo: { version: expect.any(String) } } }]);
    expect(consoleError).not.toHaveBeenCalled();
  });
});
