// Live streams that stay open: per client address for those without a session, and in total.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seed } from '../helpers/seed.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const HEARTBEAT = 'subscription { heartbeat(intervalSeconds: 3600) { sequence } }';

/** Opens an SSE subscription from `address` (via the trusted proxy header); resolves once its first event or its refusal arrived. */
async function openStream(server: TestServer, address: string, token?: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}?query=${encodeURIComponent(HEARTBEAT)}`, {
    headers: {
      accept: 'text/event-stream',
      'x-graphql-yoga-csrf': '1',
      'x-forwarded-for': address,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  return { status: response.status, text, close: () => controller.abort() };
}

/** Opens a graphql-ws connection without a session from `address`; resolves with `acked` or the close code. */
function openSocket(server: TestServer, address: string, connectionParams: Record<string, unknown> = {}) {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': address } });
  const outcome = new Promise<string | number>((resolve) => {
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve('acked');
    });
    socket.once('close', (code) => resolve(code));
    socket.on('error', () => {});
  });
  return { socket, outcome };
}

describe('streams without a session, per address', () => {
  it('refuses the third SSE stream from one address with RATE_LIMITED, takes others’ and signed-in ones, and frees a place when one closes', async () => {
    const server = await startTestServer({ env: { BEHFLOW_TRUST_PROXY: '1', BEHFLOW_MAX_ANONYMOUS_STREAMS_PER_ADDRESS: '2' } });
    const { token } = await seed(server).user().create();
    const open = [await openStream(server, '198.51.100.1'), await openStream(server, '198.51.100.1')];
    for (const stream of open) expect(stream.text).toContain('"sequence":0');
    const refused = await openStream(server, '198.51.100.1');
    expect(refused.text).toContain('RATE_LIMITED');
    expect(refused.text).not.toContain('"sequence"');
    // Another address, and a signed-in client at the same one, are not affected.
    const other = await openStream(server, '198.51.100.2');
    expect(other.text).toContain('"sequence":0');
    const signedIn = await openStream(server, '198.51.100.1', token);
    expect(signedIn.text).toContain('"sequence":0');

    open[0]!.close();
    await expect
      .poll(async () => {
        const again = await openStream(server, '198.51.100.1');
        again.close();
        return again.text.includes('"sequence":0');
      })
      .toBe(true);
    for (const stream of [open[1]!, other, signedIn]) stream.close();
  });

  it('closes the third WebSocket connection without a session from one address with 4429', async () => {
    const server = await startTestServer({ env: { BEHFLOW_TRUST_PROXY: '1', BEHFLOW_MAX_ANONYMOUS_STREAMS_PER_ADDRESS: '2' } });
    const { token } = await seed(server).user().create();
    const first = openSocket(server, '203.0.113.5');
    const second = openSocket(server, '203.0.113.5');
    expect([await first.outcome, await second.outcome]).toEqual(['acked', 'acked']);
    expect(await openSocket(server, '203.0.113.5').outcome).toBe(4429);
    expect(await openSocket(server, '203.0.113.6').outcome).toBe('acked');
    expect(await openSocket(server, '203.0.113.5', { authorization: `Bearer ${token}` }).outcome).toBe('acked');
    first.socket.close();
    await expect
      .poll(async () => {
        const again = openSocket(server, '203.0.113.5');
        const outcome = await again.outcome;
        again.socket.close();
        return outcome;
      })
      .toBe('acked');
  });
});

describe('the global cap', () => {
  it('refuses WebSocket upgrades past BEHFLOW_MAX_STREAMS with 503, and SSE streams with RATE_LIMITED', async () => {
    const server = await startTestServer({ env: { BEHFLOW_MAX_STREAMS: '2' } });
    const { token } = await seed(server).user().create();
    const sockets = [
      openSocket(server, '127.0.0.1', { authorization: `Bearer ${token}` }),
      openSocket(server, '127.0.0.1', { authorization: `Bearer ${token}` }),
    ];
    expect(await Promise.all(sockets.map((each) => each.outcome))).toEqual(['acked', 'acked']);
    expect(await openSocket(server, '127.0.0.1').outcome).toBe(503);
    const stream = await openStream(server, '127.0.0.1', token);
    expect(stream.text).toContain('RATE_LIMITED');
    sockets[0]!.socket.close();
    await expect
      .poll(async () => {
        const again = await openStream(server, '127.0.0.1', token);
        again.close();
        return again.text.includes('"sequence":0');
      })
      .toBe(true);
  });
});
