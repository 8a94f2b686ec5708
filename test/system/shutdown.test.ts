import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { graphql } from '../helpers/graphql.js';

describe('graceful shutdown', () => {
  it('completes subscriptions, finishes a request in flight, then stops listening', async () => {
    const server = await startTestServer();
    const subscription = server.subscribe(graphql(`subscription ShutdownHeartbeat { heartbeat(intervalSeconds: 60) { sequence } }`));
    await subscription.next();

    // A request whose body is still arriving when the shutdown starts.
    const body = JSON.stringify({ query: '{ serverInfo { version } }' });
    let sendRest!: () => void;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        controller.enqueue(bytes.slice(0, 10));
        sendRest = () => {
          controller.enqueue(bytes.slice(10));
          controller.close();
        };
      },
    });
    const arrived = once(server.running.app.server, 'request');
    const inFlight = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await arrived;

    const stopped = server.running.stop();
    // The shutdown has begun once it completes the open subscription, and waits for the request.
    const ended = await subscription.ended;
    sendRest();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { serverInfo: { version: expect.any(String) } } });

    await stopped;
    // Completed by the server (graphql-ws `complete`), before its socket closed with 1001.
    expect(ended).toEqual({});
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
