// SIGTERM on a busy server with live subscriptions over server-sent events and WebSockets:
// every stream is told it is over (`complete`, or the 1001 close), every request already
// sent is answered, and the process is gone well inside a container's grace period.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findFreePort } from '../../src/db/embedded.js';
import { createTestDatabase } from '../helpers/database.js';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const startScript = (JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
  .start;
const [, ...startArgs] = startScript.split(' ');

/** The grace period the issue of containers gives (Docker's default is 10 s): the server must be well inside it. */
const EXIT_WITHIN_MS = 2_000;
const LOADERS = 8;

describe('SIGTERM', () => {
  it('completes SSE and WebSocket subscriptions, answers every request in flight, and exits at once', { timeout: 120_000 }, async () => {
    const databaseUrl = await createTestDatabase();
    const port = await findFreePort();
    const child = spawn(process.execPath, startArgs, {
      cwd: projectRoot,
      // A long shutdown timeout: exiting quickly must not come from giving up early.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
        BEHFLOW_SHUTDOWN_TIMEOUT_MS: '30000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    await expect
      .poll(() => output.includes('Behflow GraphQL is ready') || child.exitCode !== null, { timeout: 60_000, interval: 100 })
      .toBe(true);
    expect(child.exitCode, output).toBeNull();

    const url = `http://127.0.0.1:${port}/graphql`;
    const post = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    const registered = await (
      await post('mutation($input: RegisterInput!) { register(input: $input) { token } }', {
        input: { username: 'sigterm', name: 'Sig', lastname: 'Term', password: 'a long enough password' },
      })
    ).json();
    const token = registered.data.register.token as string;

    // A server-sent events subscription, read as a browser's EventSource would.
    const sse = await fetch(`${url}?query=${encodeURIComponent('subscription { taskEvents { type taskId } }')}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    expect(sse.status).toBe(200);
    let sseText = '';
    const sseEnded = (async () => {
      const decoder = new TextDecoder();
      const reader = sse.body!.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) sseText += decoder.decode(read.value, { stream: true });
    })();

    // A graphql-ws subscription.
    const ws = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const wsClosed = new Promise<number>((resolve) => ws.on('closed', (event) => resolve((event as { code: number }).code)));
    let wsEvents = 0;
    const wsCompleted = new Promise<'complete' | Error>((resolve) =>
      ws.subscribe(
        { query: 'subscription { taskEvents { type taskId } }' },
        { next: () => void (wsEvents += 1), complete: () => resolve('complete'), error: (error) => resolve(error as Error) },
      ),
    );

    // Both are live once a change reaches both.
    await expect
      .poll(
        async () => {
          await post('mutation { createTask(input: { name: "warm-up" }) { task { id } } }', {}, token);
          return wsEvents > 0 && sseText.includes('event: next');
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);

    // Load: reads and writes one after the other on several connections, up to the signal and past it.
    let signalledAt = Number.POSITIVE_INFINITY;
    const outcomes: Array<{ sentAt: number; status: number | 'no connection'; ok: boolean }> = [];
    const loaders = Array.from({ length: LOADERS }, async (_, index) => {
      for (let round = 0; ; round += 1) {
        const sentAt = Date.now();
        const query =
          round % 2 === 0
            ? '{ tasks(first: 20) { edges { node { id name } } } }'
            : `mutation { createTask(input: { name: "load ${index}/${round}" }) { task { id } } }`;
        try {
          const response = await post(query, {}, token);
          const body = await response.json();
          outcomes.push({ sentAt, status: response.status, ok: response.status === 200 && !body.errors });
        } catch {
          // Refused: the server no longer listens. Only acceptable once the signal was sent.
          outcomes.push({ sentAt, status: 'no connection', ok: false });
          return;
        }
      }
    });
    await expect.poll(() => outcomes.length, { timeout: 20_000 }).toBeGreaterThan(50);

    signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    await Promise.all(loaders);
    await sseEnded;

    expect(code, output).toBe(0);
    expect(at - signalledAt, 'exit after SIGTERM (ms)').toBeLessThan(EXIT_WITHIN_MS);
    // The SSE stream was completed, not cut.
    expect(sseText).toMatch(/event: complete/);
    // The WebSocket subscription completed, or its socket closed with 1001 (going away).
    const wsOutcome = await Promise.race([wsCompleted, wsClosed.then((closeCode) => closeCode)]);
    expect(wsOutcome === 'complete' || wsOutcome === 1001, String(wsOutcome)).toBe(true);
    // Every request sent before the signal was answered successfully; none got an error answer.
    const before = outcomes.filter((outcome) => outcome.sentAt < signalledAt);
    expect(before.length).toBeGreaterThan(50);
    expect(before.filter((outcome) => !outcome.ok)).toEqual([]);
    expect(outcomes.filter((outcome) => typeof outcome.status === 'number' && !outcome.ok)).toEqual([]);
    expect(output).not.toMatch(/shutdown took too long|shutdown failed/);
    await ws.dispose();
  });
});
