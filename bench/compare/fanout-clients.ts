// The subscribers of the fan-out benchmark, in their own process: opens `count` graphql-ws
// connections (the protocol spoken directly over `ws`, to keep the client's own cost low), each
// subscribed to `taskEvents`, then answers commands on stdin with JSON lines on stdout:
//   {"cmd":"event","name":...,"url":...,"body":...,"headers":...}  sends the mutation creating task `name`,
//     reports when the last subscriber had its event (or that some did not within `timeoutMs`)
//   {"cmd":"close"}
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [url, countText, token] = process.argv.slice(2);
const count = Number(countText);
const query = 'subscription { taskEvents { type taskId task { id name status updatedAt } } }';
const sockets: WebSocket[] = [];
let waiting: { name: string; remaining: number; resolve: (all: boolean) => void } | null = null;

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url!, 'graphql-transport-ws', { perMessageDeflate: false });
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { taskEvents?: { task?: { name?: string } } } } };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        sockets.push(socket);
        resolve();
      } else if (message.type === 'next' && waiting && message.payload?.data?.taskEvents?.task?.name === waiting.name) {
        waiting.remaining -= 1;
        if (waiting.remaining === 0) waiting.resolve(true);
      } else if (message.type === 'error' || message.type === 'complete') {
        process.stderr.write(`subscription ended: ${String(data)}\n`);
      }
    });
    socket.on('error', reject);
    socket.on('close', (code) => {
      if (!sockets.includes(socket)) reject(new Error(`closed with ${code} before the ack`));
    });
  });
}

/** Every subscriber's copy of the event for task `name`: true when the last one arrived, false after `timeoutMs`. */
const allReceive = (name: string, timeoutMs: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    waiting = { name, remaining: sockets.length, resolve: (all) => (clearTimeout(timer), resolve(all)) };
  });

const BATCH = 200;
for (let opened = 0; opened < count; opened += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - opened) }, open));
}
process.stdout.write(`${JSON.stringify({ connected: sockets.length })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as {
    cmd: string;
    name?: string;
    timeoutMs?: number;
    url?: string;
    body?: string;
    headers?: Record<string, string>;
  };
  if (command.cmd === 'close') break;
  const received = allReceive(command.name!, command.timeoutMs ?? 30_000);
  const started = performance.now();
  const response = await fetch(command.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...command.headers },
    body: command.body,
  });
  const text = await response.text();
  if (text.includes('"errors"')) throw new Error(`the mutation failed: ${text}`);
  const all = await received;
  const missing = (waiting as { remaining: number } | null)?.remaining ?? 0;
  process.stdout.write(`${JSON.stringify({ all, lastMs: performance.now() - started, missing: all ? 0 : missing })}\n`);
}
for (const socket of sockets) socket.terminate();
process.exit(0);
